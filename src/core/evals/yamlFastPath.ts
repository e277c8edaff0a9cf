import type * as JsYaml from 'js-yaml';

/**
 * The fast way to read an eval file: js-yaml's event parser (promptfoo's own YAML reader, ~10× lighter than the
 * `yaml` package's CST and document) for the values, and an index of source offsets built from the same events for
 * the ranges every test and assertion carries. It gives the same values and the same ranges as the `yaml` document
 * (yamlSource.ts) or it gives nothing: every construct where the two readers could differ, or whose range this index
 * cannot reproduce exactly, makes `fastParse` return undefined (the whole file takes the `yaml` path) or marks that
 * one range inexact (the `yaml` document is then built for it, lazily). test/unit/evals/yamlFastPath.test.ts proves
 * both against the `yaml` document on every YAML file under test/.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports -- `require` selects the package's CommonJS export (see yamlSource.ts)
const jsYaml = require('js-yaml') as typeof JsYaml;

/** Where a node sits: `end` as yamlSource's `rangeOf` gives it (trailing whitespace dropped). */
export interface PositionNode {
  start: number;
  end: number;
  /** False where this index cannot reproduce the `yaml` document's range (the caller asks the document). */
  exact: boolean;
  /** Where a trailing same-line comment (or the node) ends: what a block collection holding it as its last item ends at. */
  outer: number;
  items?: PositionNode[];
  /** Mapping entries by key text, in source order. */
  entries?: Map<string, { key: PositionNode; value: PositionNode }>;
}

export interface FastParse {
  data: unknown;
  root: PositionNode;
}

const { SCALAR, SEQUENCE, MAPPING, POP, DOCUMENT } = jsYaml.EVENT_ID;
const PLAIN = 1;
const SINGLE_QUOTED = 2;
const DOUBLE_QUOTED = 3;

/** YAML 1.2 core schema's non-string plain scalars: a plain key like these would not be its own text. */
const CORE_NON_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** A float the `yaml` package reads as ±Infinity when it overflows; js-yaml keeps it as text. */
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

class NotFast extends Error {}

/** The values and the position index, or undefined: the file needs the `yaml` document (or has an error to position). */
export function fastParse(text: string): FastParse | undefined {
  // Tabs, directives, anchors, tags, merge keys, document markers: constructs where the readers' rules differ.
  if (/\t|^%|^---|^\.\.\.|<</m.test(text)) return undefined;
  let events: JsYaml.Event[];
  let documents: unknown[];
  try {
    events = jsYaml.parseEvents(text, {});
    documents = jsYaml.constructFromEvents(events, { source: text });
  } catch {
    // Duplicate keys, syntax errors: the `yaml` document positions them with its own messages.
    return undefined;
  }
  if (documents.length !== 1 || events[0]?.type !== DOCUMENT) return undefined;
  try {
    const reader = new EventReader(text, events);
    const root = reader.node();
    if (events[reader.at]?.type !== POP || reader.at !== events.length - 1) return undefined;
    return { data: documents[0], root };
  } catch (error) {
    if (error instanceof NotFast) return undefined;
    throw error;
  }
}

class EventReader {
  at = 1;

  constructor(
    private readonly text: string,
    private readonly events: JsYaml.Event[],
  ) {}

  node(): PositionNode {
    const event = this.events[this.at++];
    if (!event) throw new NotFast();
    if (event.type === SCALAR) return this.scalar(event);
    if (event.type !== SEQUENCE && event.type !== MAPPING) throw new NotFast(); // an alias
    if (event.anchorStart !== -1 || event.tagStart !== -1) throw new NotFast();
    const flow = event.style === jsYaml.COLLECTION_STYLE.FLOW;
    const node: PositionNode = { start: event.start, end: event.start, exact: true, outer: event.start };
    let last: PositionNode | undefined;
    if (event.type === SEQUENCE) {
      node.items = [];
      while (this.events[this.at]?.type !== POP) node.items.push((last = this.node()));
    } else {
      node.entries = new Map();
      while (this.events[this.at]?.type !== POP) {
        const keyEvent = this.events[this.at];
        const key = this.node();
        if (keyEvent.type !== SCALAR) throw new NotFast(); // a collection as a key
        const name = this.keyText(keyEvent);
        if (node.entries.has(name)) throw new NotFast();
        last = this.node();
        node.entries.set(name, { key, value: last });
      }
    }
    this.at++; // the POP
    if (flow) this.closeFlow(node, last, event.type === SEQUENCE ? ']' : '}');
    else if (last) {
      node.end = last.outer;
      node.outer = last.outer;
      node.exact = last.exact;
    } else throw new NotFast(); // an empty block collection does not exist
    node.end = trimEnd(this.text, node.start, node.end);
    // A comment line after the last item may belong to this collection in the `yaml` document: ask it.
    if (node.exact && !flow && this.commentBeforeNext(node.outer)) node.exact = false;
    return node;
  }

  private scalar(event: JsYaml.ScalarEvent): PositionNode {
    if (event.anchorStart !== -1 || event.tagStart !== -1) throw new NotFast();
    const { valueStart, valueEnd, style } = event;
    const text = this.text;
    if (style === PLAIN) {
      if (valueStart === -1 || valueStart === valueEnd) return inexact(Math.max(0, valueStart));
      const raw = text.slice(valueStart, valueEnd);
      if (CORE_FLOAT.test(raw) && !Number.isFinite(Number(raw))) throw new NotFast();
      return this.withComment({ start: valueStart, end: valueEnd, exact: true, outer: valueEnd });
    }
    if (style === SINGLE_QUOTED || style === DOUBLE_QUOTED) {
      const quote = style === SINGLE_QUOTED ? "'" : '"';
      if (text[valueStart - 1] !== quote || text[valueEnd] !== quote) return inexact(Math.max(0, valueStart - 1));
      return this.withComment({ start: valueStart - 1, end: valueEnd + 1, exact: true, outer: valueEnd + 1 });
    }
    return this.blockScalar(valueStart, valueEnd);
  }

  /** A `|` or `>` scalar: its range starts at the header; the content ends it (a comment cannot follow on its line). */
  private blockScalar(valueStart: number, valueEnd: number): PositionNode {
    const text = this.text;
    const contentLine = valueStart === -1 ? -1 : text.lastIndexOf('\n', valueStart - 1);
    if (contentLine < 0) return inexact(0);
    // Blank lines may come between the header and the first content line.
    let headerEnd = contentLine;
    while (headerEnd > 0 && /^[ ]*$/.test(text.slice(text.lastIndexOf('\n', headerEnd - 1) + 1, headerEnd)))
      headerEnd = text.lastIndexOf('\n', headerEnd - 1);
    const headerLineStart = text.lastIndexOf('\n', headerEnd - 1) + 1;
    const header = /[|>][1-9+-]{0,2}[ ]*(?:[ ]#.*)?$/.exec(text.slice(headerLineStart, headerEnd));
    if (!header || !/^[|>]/.test(header[0]) || /[ ]#/.test(header[0])) return inexact(headerLineStart);
    const start = headerLineStart + header.index;
    const end = trimEnd(text, start, Math.max(valueEnd, headerEnd));
    return { start, end, exact: true, outer: end };
  }

  /** After a flow collection's last item: commas, blanks and comments, then its closing bracket. */
  private closeFlow(node: PositionNode, last: PositionNode | undefined, bracket: string): void {
    const text = this.text;
    let i = last ? last.outer : node.start + 1;
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\n' || c === '\r' || c === ',') i++;
      else if (c === '#' && /\s/.test(text[i - 1] ?? '')) {
        const eol = text.indexOf('\n', i);
        i = eol < 0 ? text.length : eol;
      } else break;
    }
    if (text[i] !== bracket || (last && !last.exact)) {
      Object.assign(node, inexact(node.start));
      return;
    }
    node.end = i + 1;
    node.outer = this.withComment({ start: node.start, end: i + 1, exact: true, outer: i + 1 }).outer;
  }

  /** Extends `outer` over a comment on the node's own line (the `yaml` document's node end includes it). */
  private withComment(node: PositionNode): PositionNode {
    // Nearly every node is followed by a newline, `,`, `}` or `]`: only a space can start a same-line comment.
    if (this.text.charCodeAt(node.end) !== 0x20) return node;
    const m = /^[ ]+#[^\n\r]*/.exec(this.text.slice(node.end, this.text.indexOf('\n', node.end) >>> 0));
    if (m) node.outer = trimEnd(this.text, node.end, node.end + m[0].length);
    return node;
  }

  /** A `#` comment between a block collection's end and the next node (or the end of the text). */
  private commentBeforeNext(from: number): boolean {
    let to = this.text.length;
    for (let i = this.at; i < this.events.length; i++) {
      const e = this.events[i];
      if (e.type === SCALAR && e.valueStart !== -1) {
        to = e.valueStart;
        break;
      }
      if ((e.type === SEQUENCE || e.type === MAPPING) && e.start !== -1) {
        to = e.start;
        break;
      }
    }
    return this.text.slice(from, to).includes('#');
  }

  private keyText(event: JsYaml.ScalarEvent): string {
    if (event.valueStart === -1 || event.valueStart === event.valueEnd) throw new NotFast();
    const value = jsYaml.getScalarValue(this.text, event);
    if (event.style === PLAIN && CORE_NON_STRING.test(value)) throw new NotFast();
    if (event.style !== PLAIN && event.style !== SINGLE_QUOTED && event.style !== DOUBLE_QUOTED) throw new NotFast();
    return value;
  }
}

function inexact(at: number): PositionNode {
  return { start: at, end: at, exact: false, outer: at };
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

/** The node at a data path, as `YamlSource.nodeAt` walks the `yaml` document; undefined where the path leaves it. */
export function positionAt(root: PositionNode, path: readonly (string | number)[]): PositionNode | undefined {
  let node: PositionNode | undefined = root;
  for (const segment of path) {
    if (node.entries) node = node.entries.get(String(segment))?.value;
    else if (node.items && typeof segment === 'number') node = node.items[segment];
    else return undefined;
    if (!node) return undefined;
  }
  return node;
}
