import type * as JsYaml from 'js-yaml';
import { isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

/**
 * Above this size a file is read by js-yaml (promptfoo's own YAML reader, ~20× lighter than a document with source
 * ranges), and positions are found per test by a line scan: a 10 MB file parses in a fraction of the memory.
 */
export const LARGE_FILE_CHARS = 1_000_000;

/**
 * js-yaml's CommonJS build, not its ES module (which the bundler would pick for an `import`): the ES build's parser
 * left roughly twice the memory behind per test while a 10 MB file was read (peak 274 MB against 145 MB for the
 * same pieces in a bench of js-yaml alone), the CommonJS one is the same parser compiled to older syntax.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- `require` selects the package's CommonJS export
const { load: loadYaml, YAMLException } = require('js-yaml') as typeof JsYaml;

/** Deeper than this, an eval file is an attack or a mistake: parsers and validators recurse per level. */
export const MAX_NESTING = 64;
import type { EvalDiagnostic, SourcePosition, SourceRange } from './sourceRange';
import { fastParse, positionAt, type FastParse } from './yamlFastPath';

export type DataPath = (string | number)[];

/**
 * A parsed YAML (or JSON: YAML is its superset) file that keeps every node's source range, so schema errors,
 * tests and assertions can be pointed at their line and column.
 */
export class YamlSource {
  readonly diagnostics: EvalDiagnostic[] = [];
  /** Diagnostics of errors that break the document's structure (all but duplicate keys): the file cannot run. */
  readonly syntaxErrors = new Set<EvalDiagnostic>();
  private document?: Document.Parsed;
  private readonly lines = new LineCounter();
  /** Files js-yaml reads with the same values and ranges (yamlFastPath.ts): the `yaml` document only if asked for. */
  private fast?: FastParse;
  /** Large files: the data from js-yaml, and the start offset of each top-level test (line scan). */
  private light?: { data?: unknown; error?: string; tests: number[] };

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    const depth = nestingDepth(text);
    if (depth.depth > MAX_NESTING) {
      // Checked before parsing: the YAML parser (and every validator after it) recurses once per level.
      this.document = parseDocument('', { lineCounter: this.lines });
      const d = this.diagnostic(
        'error',
        `the file nests deeper than ${MAX_NESTING} levels (here it reaches ${depth.depth}); an eval file never needs that: flatten it`,
        this.rangeOfOffsets(depth.offset, depth.offset),
      );
      this.diagnostics.push(d);
      this.syntaxErrors.add(d);
      return;
    }
    if (text.length > LARGE_FILE_CHARS) {
      this.document = parseDocument('', { lineCounter: this.lines });
      this.countLines();
      this.light = { tests: testOffsets(text) };
      const parsed = loadLarge(text, this.light.tests);
      if ('error' in parsed) {
        const d = this.diagnostic('error', parsed.error, this.rangeOfOffsets(parsed.offset, parsed.offset));
        this.diagnostics.push(d);
        this.syntaxErrors.add(d);
        this.light.error = parsed.error;
      } else this.light.data = parsed.data;
      return;
    }
    this.fast = fastParse(text);
    if (this.fast) {
      this.countLines();
      return;
    }
    const doc = this.doc;
    visit(doc, {
      Pair: (_key, pair) => {
        if (isCollection(pair.key)) {
          this.diagnostics.push(
            this.diagnostic(
              'warning',
              'a key that is a list or mapping becomes its text as a key (JavaScript objects have text keys): quote it, or write a plain key',
              this.rangeOf(pair.key as Node),
            ),
          );
        }
      },
    });
    for (const error of doc.errors) {
      const d = this.yamlProblem('error', error.code, error.message, error.pos);
      this.diagnostics.push(d);
      if (error.code !== 'DUPLICATE_KEY') this.syntaxErrors.add(d);
    }
    for (const warning of doc.warnings) this.diagnostics.push(this.yamlProblem('warning', warning.code, warning.message, warning.pos));
  }

  /** The `yaml` document with every node's source range; on the fast path it is built the first time it is asked for. */
  get doc(): Document.Parsed {
    // logLevel 'error': yaml's own process warnings ("Keys with collection values...") never reach the terminal raw.
    this.document ??= parseDocument(this.text, {
      lineCounter: this.fast ? new LineCounter() : this.lines,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
      logLevel: 'error',
    });
    return this.document;
  }

  /** Line starts by a scan (the `yaml` parser fills them as it reads, where it reads the file). */
  private countLines(): void {
    this.lines.lineStarts.length = 0;
    this.lines.addNewLine(0);
    for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.lines.addNewLine(i + 1);
  }

  /** The document as plain data; undefined if it cannot be built (e.g. an alias loop). */
  toData(): { data?: unknown; error?: string } {
    if (this.light) return this.light.error ? { error: this.light.error } : { data: this.light.data };
    if (this.fast) return { data: this.fast.data };
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
    if (this.light) {
      // Large files: a test's problems point at the test's first line.
      const start = path[0] === 'tests' && typeof path[1] === 'number' ? this.light.tests[path[1]] : undefined;
      if (start === undefined) return this.rangeOfOffsets(0, 0);
      const end = this.text.indexOf('\n', start);
      return this.rangeOfOffsets(start, end < 0 ? this.text.length : end);
    }
    if (this.fast) {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = positionAt(this.fast.root, depth === path.length ? path : path.slice(0, depth));
        if (node?.exact) return this.rangeOfOffsets(node.start, node.end);
        if (node) break; // a range the index cannot reproduce: the document's
      }
    }
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
    if (code === 'DUPLICATE_KEY')
      firstLine = `duplicate key ${/^("[^"]*"|'[^']*'|[^:,}\n]+)/.exec(this.text.slice(pos[0]))?.[1].trim() ?? ''}`;
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

/**
 * The deepest nesting in YAML/JSON text, counted cheaply: open brackets of flow collections, plus block levels
 * (each `- ` / `key:` that starts a deeper indentation). Returns where it is deepest. A line ending `\r\n` counts as
 * the same line ending `\n` (a Windows file nests as deep as its Unix copy).
 *
 * It reads character codes and never slices a line or runs a regular expression per line: it runs over every file
 * before parsing, and on this machine (where touching fresh memory is slow) the per-line strings and matches of the
 * first version were ~15 ms of a 200-test file's start.
 */
export function nestingDepth(text: string): { depth: number; offset: number } {
  let max = { depth: 0, offset: 0 };
  let flow = 0;
  const indents: number[] = [];
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? NEWLINE : text.charCodeAt(i);
    if (c === NEWLINE) {
      const lineEnd = i > lineStart && text.charCodeAt(i - 1) === CARRIAGE_RETURN ? i - 1 : i;
      const depth = blockLevels(text, lineStart, lineEnd, indents) + flow;
      if (depth > max.depth) max = { depth, offset: lineStart };
      lineStart = i + 1;
      continue;
    }
    if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      flow++;
      if (flow + indents.length > max.depth) max = { depth: flow + indents.length, offset: i };
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && flow > 0) flow--;
    else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const end = text.indexOf(text[i], i + 1);
      const newline = text.indexOf('\n', i + 1);
      if (end > 0 && (newline < 0 || end < newline)) i = end;
    } else if (c === HASH && (i === lineStart || isSpace(text.charCodeAt(i - 1)))) {
      const newline = text.indexOf('\n', i);
      i = (newline < 0 ? text.length : newline) - 1;
    }
  }
  return max;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const HASH = 0x23;
const DASH = 0x2d;

/** JavaScript's `\s`, as a character code test. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Block nesting of the line `text[start, end)`: its indentation against the open levels, plus compact `- - -` items.
 * A blank or comment line keeps the open levels.
 */
function blockLevels(text: string, start: number, end: number, indents: number[]): number {
  let at = start;
  while (at < end && isSpace(text.charCodeAt(at))) at++;
  if (at === end || text.charCodeAt(at) === HASH) return indents.length;
  const indent = at - start;
  while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
  indents.push(indent);
  // Compact items: `- ` repeated (a dash followed by at least one space each).
  let dashes = 0;
  while (at + 1 < end && text.charCodeAt(at) === DASH && isSpace(text.charCodeAt(at + 1))) {
    dashes++;
    at += 2;
    while (at < end && isSpace(text.charCodeAt(at))) at++;
  }
  return indents.length + dashes;
}

/**
 * A large file read piece by piece with js-yaml: everything but the top-level `tests:` list in one go, then each test
 * item on its own (its text, de-indented). Each piece's garbage is collected while the next is read, so the peak
 * stays near the size of the data itself; an error's position is the piece's offset plus js-yaml's mark.
 */
function loadLarge(text: string, tests: number[]): { data: unknown } | { error: string; offset: number } {
  const short = new Map<string, string>();
  const attempt = (source: string, base: number): { value: unknown } | { error: string; offset: number } => {
    try {
      return { value: detachStrings(loadYaml(source), short) };
    } catch (error) {
      if (!(error instanceof YAMLException)) return { error: (error as Error).message, offset: base };
      return { error: error.reason, offset: base + (error.mark?.position ?? 0) };
    }
  };
  if (tests.length === 0) {
    const whole = attempt(text, 0);
    return 'error' in whole ? whole : { data: whole.value };
  }
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const blockStart = lineStart(tests[0]);
  const header = /^tests:[ \t]*(#.*)?$/m.exec(text)!;
  const end = blockEnd(text, tests[tests.length - 1]);
  const rest = attempt(`${text.slice(0, header.index)}${text.slice(end)}`, 0);
  if ('error' in rest) return rest;
  const data = (rest.value ?? {}) as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data)) return { data };
  const items: unknown[] = [];
  for (let i = 0; i < tests.length; i++) {
    const start = lineStart(tests[i]);
    const stop = i + 1 < tests.length ? lineStart(tests[i + 1]) : end;
    const indent = tests[i] - start + 2;
    // "  - a: 1\n    b: 2" -> "a: 1\nb: 2": the dash becomes indentation, then every line loses `indent` columns.
    const piece = text
      .slice(start, stop)
      .replace(/^( *)- /, (_m, sp: string) => `${sp}  `)
      .split('\n')
      .map((l) => l.slice(Math.min(indent, /^ */.exec(l)![0].length)))
      .join('\n');
    const item = attempt(piece, start);
    if ('error' in item) return item;
    items.push(item.value);
  }
  void blockStart;
  data.tests = items;
  return { data };
}

/**
 * js-yaml's strings are slices of the text it read, and V8 keeps a whole text alive for any slice of it: one test's
 * 40-character var would keep its whole piece (and a prompt label the whole 10 MB file) for as long as the cases
 * live. Copies every string of 13 characters or more (V8 copies shorter substrings anyway) into its own memory.
 */
function detachStrings(value: unknown, short: Map<string, string>): unknown {
  if (typeof value === 'string') {
    if (value.length >= 13) return JSON.parse(JSON.stringify(value)) as string;
    // Short ones (assertion types, labels) repeat from test to test: one copy each.
    const known = short.get(value);
    if (known !== undefined) return known;
    short.set(value, value);
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detachStrings(value[i], short);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      // An own `__proto__` key (js-yaml defines it as data) must not go through the prototype setter.
      if (key === '__proto__')
        Object.defineProperty(record, key, {
          value: detachStrings(record[key], short),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else record[key] = detachStrings(record[key], short);
    }
  }
  return value;
}

/** Where the top-level tests block ends: the first non-blank, non-comment line at column 0 after its last item. */
function blockEnd(text: string, lastItem: number): number {
  const after = /\n(?=[^\s#-])/g;
  after.lastIndex = lastItem;
  const m = after.exec(text);
  return m ? m.index + 1 : text.length;
}

/** Offsets of the items of the top-level `tests:` block list (the lines at its item indentation starting with "- "). */
function testOffsets(text: string): number[] {
  const header = /^tests:[ \t]*(#.*)?$/m.exec(text);
  if (!header) return [];
  const out: number[] = [];
  let indent: number | undefined;
  let offset = text.indexOf('\n', header.index);
  while (offset >= 0 && offset < text.length) {
    const start = offset + 1;
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    const spaces = /^ */.exec(line)![0].length;
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) {
      if (spaces === 0 && !line.startsWith('-')) break;
      indent ??= line.trimStart().startsWith('-') ? spaces : undefined;
      if (spaces === indent && line.slice(spaces).startsWith('-')) out.push(start + spaces);
    }
    offset = end;
  }
  return out;
}
