/**
 * The text VS Code's document will hold for a file read from disk, when that can be known for sure before VS Code
 * hands the document to extensions (it does so 0.3-4 s after the file's tab opens). No `vscode` import: the rules are
 * plain and unit-tested.
 *
 * VS Code decodes a file with `files.encoding` (default utf8): a UTF-8 BOM is detected and left out of the text, a
 * UTF-16 BOM switches the decoder, invalid UTF-8 becomes U+FFFD, a NUL byte marks the file binary, and a text model
 * with mixed line endings is normalized to one. Anything but a plain UTF-8 file with one kind of line ending (or none)
 * is therefore `undefined`: the caller waits for the document instead of guessing.
 */

/** Larger files are not read ahead of their document (the read and the string would cost more than they save). */
export const MAX_DISK_COUNT_BYTES = 5_000_000;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function diskDocumentText(bytes: Uint8Array): string | undefined {
  if (bytes.length > MAX_DISK_COUNT_BYTES) return undefined;
  // UTF-16 (or UTF-32) BOMs: VS Code decodes those with another decoder.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return undefined;
  const bom = bytes.length >= 3 && UTF8_BOM.every((byte, i) => bytes[i] === byte);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
  } catch {
    return undefined; // invalid UTF-8: VS Code would show replacement characters (or guess another encoding)
  }
  if (text.includes('\0')) return undefined; // VS Code treats it as binary
  // Unusual line terminators: VS Code may offer to remove them when the file opens.
  if (/[\u0085\u2028\u2029]/.test(text)) return undefined;
  return oneKindOfLineEnding(text) ? text : undefined;
}

/** Only `\n`, only `\r\n`, or no line break: a text model keeps such a text as it is (it normalizes mixed ones). */
function oneKindOfLineEnding(text: string): boolean {
  let crlf = false;
  let lf = false;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return false; // a lone \r
    crlf = true;
  }
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i === 0 || text.charCodeAt(i - 1) !== 13) {
      lf = true;
      break;
    }
  }
  return !(crlf && lf);
}
