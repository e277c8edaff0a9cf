/**
 * Adapts a code block from an answer to the selection it replaces: the document's line endings, and a trailing
 * newline only when the selection had one (a fenced block always ends in one).
 */
export function fitReplacement(original: string, code: string, eol: '\n' | '\r\n'): string {
  let text = code.replace(/\r\n/g, '\n');
  const originalEndsWithNewline = /\r?\n$/.test(original);
  if (!originalEndsWithNewline) text = text.replace(/\n$/, '');
  else if (!text.endsWith('\n')) text += '\n';
  return eol === '\r\n' ? text.replace(/\n/g, '\r\n') : text;
}

/** Where the asked-about code is now: the recorded offset if it is still there, else its only other occurrence. */
export function locateOriginal(documentText: string, code: string, recordedOffset: number): number | undefined {
  if (documentText.startsWith(code, recordedOffset)) return recordedOffset;
  const first = documentText.indexOf(code);
  if (first < 0 || documentText.indexOf(code, first + 1) >= 0) return undefined;
  return first;
}
