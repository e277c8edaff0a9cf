/**
 * The pieces of promptfoo 0.123.1's XML checks (src/assertions/xml.ts) that are its own code rather than a library:
 * XML names, DOCTYPE well-formedness, and the tag scanner that finds candidate XML fragments in prose for
 * `contains-xml`. The same rules, so the same fragments are tried in the same order.
 */

export function isNameStart(cp: number | undefined): boolean {
  if (cp === undefined) return false;
  const ranges: Array<[number, number]> = [
    [65, 90],
    [97, 122],
    [192, 214],
    [216, 246],
    [248, 767],
    [880, 893],
    [895, 8191],
    [8204, 8205],
    [8304, 8591],
    [11264, 12271],
    [12289, 55295],
    [63744, 64975],
    [65008, 65533],
    [65536, 983039],
  ];
  return cp === 58 || cp === 95 || ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

function isNameChar(cp: number | undefined): boolean {
  if (cp === undefined) return false;
  return (
    isNameStart(cp) ||
    cp === 45 ||
    cp === 46 ||
    (cp >= 48 && cp <= 57) ||
    cp === 183 ||
    (cp >= 768 && cp <= 879) ||
    (cp >= 8255 && cp <= 8256)
  );
}

/** An XML Name starting at `start`, with the index after it. */
export function readName(input: string, start: number): { name: string; end: number } | undefined {
  const first = input.codePointAt(start);
  if (!isNameStart(first)) return undefined;
  let end = start + (first! > 0xffff ? 2 : 1);
  for (let cp = input.codePointAt(end); isNameChar(cp); cp = input.codePointAt(end)) end += cp! > 0xffff ? 2 : 1;
  return { name: input.slice(start, end), end };
}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function skipSpace(input: string, start: number): number {
  let i = start;
  while (isSpace(input[i])) i++;
  return i;
}

function quoted(input: string, start: number): { value: string; end: number } | undefined {
  const quote = input[start];
  if (quote !== '"' && quote !== "'") return undefined;
  const close = input.indexOf(quote, start + 1);
  return close === -1 ? undefined : { value: input.slice(start + 1, close), end: close + 1 };
}

/** `[` outside quotes: an internal DTD subset, which promptfoo's is-xml refuses. */
export function hasInternalSubset(doctype: string): boolean {
  let quote: string | undefined;
  for (const c of doctype) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') return true;
  }
  return false;
}

function systemLiteralEnds(input: string, start: number): boolean {
  const at = skipSpace(input, start);
  if (at === start) return false;
  const literal = quoted(input, at);
  return Boolean(literal && !literal.value.includes('#') && skipSpace(input, literal.end) === input.length);
}

/** ` name`, ` name SYSTEM "id"` or ` name PUBLIC "pubid" "id"`, as saxes hands the DOCTYPE's contents. */
export function isWellFormedDoctype(doctype: string): boolean {
  let i = skipSpace(doctype, 0);
  if (i === 0) return false;
  const name = readName(doctype, i);
  if (!name) return false;
  i = name.end;
  const external = skipSpace(doctype, i);
  if (external === doctype.length) return true;
  if (external === i) return false;
  if (doctype.startsWith('SYSTEM', external)) return systemLiteralEnds(doctype, external + 6);
  if (!doctype.startsWith('PUBLIC', external)) return false;
  const at = skipSpace(doctype, external + 6);
  if (at === external + 6) return false;
  const publicId = quoted(doctype, at);
  if (!publicId || !/^[\x20\r\na-zA-Z0-9'()+,./:=?;!*#@$_%-]*$/.test(publicId.value)) return false;
  return systemLiteralEnds(doctype, publicId.end);
}

export function hasExternalSubset(doctype: string): boolean {
  const name = readName(doctype, skipSpace(doctype, 0));
  if (!name) return false;
  const at = skipSpace(doctype, name.end);
  return doctype.startsWith('SYSTEM', at) || doctype.startsWith('PUBLIC', at);
}

type Tag =
  | { kind: 'declaration'; start: number; end: number }
  | { kind: 'closing'; start: number; end: number; name: string }
  | { kind: 'opening'; start: number; end: number; name: string; selfClosing: boolean };

/** The `>` closing a tag that starts at `start` (quotes respected); -1 when a `<` comes first or none does. */
function tagEnd(input: string, start: number): number {
  let quote: string | undefined;
  for (let i = start + 1; i < input.length; i++) {
    const c = input[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '<') return -1;
    else if (c === '>') return i;
  }
  return -1;
}

function delimitedEnd(input: string, start: number, delimiter: string): number {
  const at = input.indexOf(delimiter, start);
  return at === -1 ? input.length - 1 : at + delimiter.length - 1;
}

function declarationEnd(input: string, start: number): number {
  if (input.startsWith('<!--', start)) return delimitedEnd(input, start + 4, '-->');
  if (input.startsWith('<![CDATA[', start)) return delimitedEnd(input, start + 9, ']]>');
  let quote: string | undefined;
  let depth = 0;
  for (let i = start + 2; i < input.length; i++) {
    const c = input[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
    else if (c === '>' && depth === 0) return i;
  }
  return input.length - 1;
}

function readTag(input: string, start: number): Tag | undefined {
  const next = input[start + 1];
  if (next === undefined) return undefined;
  if (next === '!') return { kind: 'declaration', start, end: declarationEnd(input, start) };
  if (next === '?') return { kind: 'declaration', start, end: delimitedEnd(input, start + 2, '?>') };
  const closing = next === '/';
  const name = readName(input, start + (closing ? 2 : 1));
  if (!name) return undefined;
  const end = tagEnd(input, start);
  if (end === -1) return undefined;
  if (closing) return { kind: 'closing', start, end, name: name.name };
  let last = end - 1;
  while (last > start && /\s/.test(input[last])) last--;
  return { kind: 'opening', start, end, name: name.name, selfClosing: input[last] === '/' };
}

export interface XmlCandidate {
  start: number;
  end: number;
  parentStart?: number;
}

/** Balanced elements found by the scanner; a mismatched closing tag forgets every open one. */
function balancedElements(output: string): XmlCandidate[] {
  const stack: Array<{ name: string; start: number }> = [];
  const found: XmlCandidate[] = [];
  for (let i = 0; i < output.length; i++) {
    if (output[i] !== '<') continue;
    const tag = readTag(output, i);
    if (!tag) continue;
    const parentStart = () => stack[stack.length - 1]?.start;
    if (tag.kind === 'opening') {
      if (tag.selfClosing) found.push({ start: tag.start, end: tag.end + 1, parentStart: parentStart() });
      else stack.push({ name: tag.name, start: tag.start });
    } else if (tag.kind === 'closing') {
      const open = stack[stack.length - 1];
      if (open?.name === tag.name) {
        stack.pop();
        found.push({ start: open.start, end: tag.end + 1, parentStart: parentStart() });
      } else stack.length = 0;
    }
    i = tag.end;
  }
  return found;
}

/**
 * The fragments contains-xml tries, in promptfoo's order: first, for each group of two or more top-level siblings,
 * the span from the first to the last; then every top-level element, outer first.
 */
export function xmlCandidates(output: string): XmlCandidate[] {
  const found = balancedElements(output);
  const ordered: XmlCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: XmlCandidate) => {
    const key = `${c.start}:${c.end}`;
    if (!seen.has(key)) {
      seen.add(key);
      ordered.push(c);
    }
  };
  const starts = new Set(found.map((c) => c.start));
  const byParent = new Map<number | undefined, XmlCandidate[]>();
  for (const c of found) byParent.set(c.parentStart, [...(byParent.get(c.parentStart) ?? []), c]);
  for (const [parentStart, siblings] of byParent) {
    if (siblings.length <= 1 || (parentStart !== undefined && starts.has(parentStart))) continue;
    siblings.sort((a, b) => a.start - b.start || a.end - b.end);
    add({ start: siblings[0].start, end: siblings[siblings.length - 1].end, parentStart });
  }
  found
    .filter((c) => c.parentStart === undefined || !starts.has(c.parentStart))
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .forEach(add);
  return ordered;
}
