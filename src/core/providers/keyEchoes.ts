/**
 * Every spelling in which a provider, a proxy or a model can echo a key back: the key itself, JSON-escaped,
 * URL-encoded (as `encodeURIComponent` writes it, and every byte as `%XX` in either case), `\uXXXX`-escaped, and
 * base64 / base64url at each of the three byte alignments a key can have inside a larger encoded blob
 * (`Authorization: Basic …`, a base64 JSON body). Each spelling comes with the length of its shortest fragment worth
 * redacting: the spelling of `MIN_FRAGMENT` characters of the key, so a key clipped or split anywhere by an error
 * body still cannot leave a useful piece behind.
 */

/** Key characters a fragment must span before it is redacted: shorter pieces are too common in ordinary text. */
export const MIN_FRAGMENT = 8;

export interface KeySpelling {
  text: string;
  /** Fragments of `text` this long or longer are redacted wherever they occur. */
  minFragment: number;
}

export function keySpellings(key: string): KeySpelling[] {
  const spellings = new Map<string, number>();
  const add = (text: string, minFragment: number) => {
    if (text.length === 0) return;
    const known = spellings.get(text);
    spellings.set(text, known === undefined ? minFragment : Math.min(known, minFragment));
  };
  // A key shorter than MIN_FRAGMENT is only ever redacted whole.
  const whole = (encoded: string, perChar: number) => (key.length < MIN_FRAGMENT ? encoded.length : Math.ceil(MIN_FRAGMENT * perChar));
  add(key, whole(key, 1));
  const json = JSON.stringify(key).slice(1, -1);
  add(json, whole(json, json.length / key.length));
  const uri = encodeURIComponent(key);
  add(uri, whole(uri, uri.length / key.length));
  const bytes = Buffer.from(key, 'utf8');
  for (const upper of [true, false]) {
    const hex = (n: number) => (upper ? n.toString(16).toUpperCase() : n.toString(16)).padStart(2, '0');
    const percent = [...bytes].map((b) => `%${hex(b)}`).join('');
    add(percent, whole(percent, percent.length / key.length));
    const unicode = [...key].map((c) => `\\u${hex(c.charCodeAt(0) >> 8)}${hex(c.charCodeAt(0) & 0xff)}`).join('');
    add(unicode, whole(unicode, unicode.length / key.length));
  }
  if (key.length >= MIN_FRAGMENT) {
    for (const core of base64Cores(bytes)) {
      add(core, Math.ceil((MIN_FRAGMENT * 8) / 6));
      add(core.replace(/\+/g, '-').replace(/\//g, '_'), Math.ceil((MIN_FRAGMENT * 8) / 6));
    }
  }
  return [...spellings].map(([text, minFragment]) => ({ text, minFragment }));
}

/**
 * The base64 characters that depend only on the key's own bytes, for the key starting at byte offset 0, 1 or 2 of a
 * 3-byte group: whatever surrounds the key in the encoded blob, one of these three appears in it verbatim.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6);
    if (last > first) cores.push(encoded.slice(first, last));
  }
  return cores;
}

/**
 * Spans of `text` that are fragments (of at least `minFragment` characters) of `spelling`, or the whole spelling.
 * Greedy left to right, each span as long as it goes, so a key clipped at either end is still covered.
 */
export function fragmentSpans(text: string, spelling: KeySpelling): Array<[number, number]> {
  const { text: s, minFragment } = spelling;
  const size = Math.min(minFragment, s.length);
  if (text.length < size) return [];
  // Where each `size`-long piece of the spelling starts in it.
  const starts = new Map<string, number[]>();
  for (let i = 0; i + size <= s.length; i++) {
    const piece = s.slice(i, i + size);
    const list = starts.get(piece);
    if (list) list.push(i);
    else starts.set(piece, [i]);
  }
  const spans: Array<[number, number]> = [];
  for (let i = 0; i + size <= text.length;) {
    const candidates = starts.get(text.slice(i, i + size));
    if (!candidates) {
      i++;
      continue;
    }
    let end = i + size;
    for (const at of candidates) {
      let k = size;
      while (i + k < text.length && at + k < s.length && text[i + k] === s[at + k]) k++;
      end = Math.max(end, i + k);
    }
    spans.push([i, end]);
    i = end;
  }
  return spans;
}
