import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { EvalDiagnostic, SourcePosition, SourceRange } from './sourceRange';

export type DataPath = (string | number)[];

/**
 * A parsed YAML (or JSON: YAML is its superset) file that keeps every node's source range, so schema errors,
 * tests and assertions can be pointed at their line and column.
 */
export class YamlSource {
  readonly diagnostics: EvalDiagnostic[] = [];
  /** Diagnostics of errors that break the document's structure (all but duplicate keys): the file cannot run. */
  readonly syntaxErrors = new Set<EvalDiagnostic>();
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, strict: true });
    for (const error of this.doc.errors) {
      const d = this.yamlProblem('error', error.code, error.message, error.pos);
      this.diagnostics.push(d);
      if (error.code !== 'DUPLICATE_KEY') this.syntaxErrors.add(d);
    }
    for (const warning of this.doc.warnings) this.diagnostics.push(this.yamlProblem('warning', warning.code, warning.message, warning.pos));
  }

  /** The document as plain data; undefined if it cannot be built (e.g. an alias loop). */
  toData(): { data?: unknown; error?: string } {
    try {
      return { data: this.doc.toJS({ maxAliasCount: 1000 }) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  position(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: line - 1, column: col - 1 };
  }

  rangeOfOffsets(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** A node's range without trailing comments/newlines. */
  rangeOf(node: Node | null | undefined): SourceRange {
    if (!node?.range) return this.rangeOfOffsets(0, 0);
    let end = node.range[1];
    while (end > node.range[0] && /\s/.test(this.text[end - 1])) end--;
    return this.rangeOfOffsets(node.range[0], end);
  }

  /** The node at a data path (`['tests', 2, 'vars']`), or undefined where the path leaves the document. */
  nodeAt(path: DataPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        node = pair?.value ?? undefined;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else return undefined;
      if (node === undefined || node === null) return undefined;
    }
    return node as Node;
  }

  /** The key node of a mapping entry, e.g. to point at a misspelled key. */
  keyAt(path: DataPath, key: string): Node | undefined {
    const parent = this.nodeAt(path);
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    return (pair?.key as Node | undefined) ?? undefined;
  }

  /** The range of the deepest existing node along a path (a missing child points at its parent). */
  rangeAt(path: DataPath): SourceRange {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.nodeAt(path.slice(0, depth));
      if (node) return this.rangeOf(node);
    }
    return this.rangeOfOffsets(0, 0);
  }

  diagnostic(severity: EvalDiagnostic['severity'], message: string, range: SourceRange): EvalDiagnostic {
    return { severity, message, range, file: this.file };
  }

  private yamlProblem(severity: EvalDiagnostic['severity'], code: string, message: string, pos: [number, number]): EvalDiagnostic {
    let firstLine = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (code === 'DUPLICATE_KEY') firstLine = `duplicate key ${/^("[^"]*"|'[^']*'|[^:,}\n]+)/.exec(this.text.slice(pos[0]))?.[1].trim() ?? ''}`;
    const hint = YAML_HINTS[code];
    let [start, end] = pos;
    const quote = /Missing closing (["'])quote/.exec(firstLine)?.[1];
    if (quote) {
      // The parser notices at the end of the text; the fix belongs where the quote was opened.
      const opening = this.text.lastIndexOf(quote, Math.max(0, start - 1));
      if (opening >= 0) [start, end] = [opening, opening + 1];
    }
    return this.diagnostic(severity, hint ? `${firstLine} — ${hint}` : firstLine, this.rangeOfOffsets(start, end));
  }
}

/** What to do about the YAML errors people hit most. */
const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the two entries (otherwise the later one would silently win)',
  BAD_INDENT: 'align this line with its siblings (YAML nesting is by indentation; use spaces, not tabs)',
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  MISSING_CHAR: 'close the quote, bracket or brace that was opened',
  BLOCK_AS_IMPLICIT_KEY: 'put a space after the colon, or quote the text if it contains ": "',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; quote the value if it contains a colon',
  UNEXPECTED_TOKEN: 'check the indentation and quoting on this line',
  BAD_ALIAS: 'define the anchor (&name) before using the alias (*name)',
};

/** `tests[2].vars.question` for messages. */
export function formatPath(path: DataPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out || '(file)';
}
