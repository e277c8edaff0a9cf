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
  // A lone surrogate has no URI encoding (encodeURIComponent throws), so no echo can spell it that way.
  const uri = uriEncoded(key);
  if (uri !== undefined) add(uri, whole(uri, uri.length / key.length));
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

function uriEncoded(key: string): string | undefined {
  try {
    return encodeURIComponent(key);
  } catch {
    return undefined;
  }
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

/** One spelling of one key as the scan uses it: its text and the length of the shortest fragment redacted. */
interface IndexedSpelling {
  text: string;
  size: number;
}

/** Fragments of one size, by their text: which spellings hold each and where each starts in them. */
interface SizeGroup {
  size: number;
  /** piece -> pairs (spelling number, start in that spelling), flattened, grouped by spelling. */
  pieces: Map<string, number[]>;
}

const HASH_BASE = 0x01000193;
/** Bits of a window hash the prefilter in `FragmentIndex` keys on (a 128 KB bitmap). */
const FILTER_BITS = 20;

/** Polynomial hash of `text[from, from + length)`, as the rolling hash in `spans` computes it. */
function windowHash(text: string, from: number, length: number): number {
  let h = 0;
  for (let i = from; i < from + length; i++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Every spelling of every key, indexed once so a text is scanned in one pass whatever the number of keys and
 * spellings. A rolling hash over the shortest fragment length finds the few positions where a fragment can start
 * (any fragment begins with a window of that length of its spelling); only there are the fragments of each length
 * looked up. Per spelling the result is exactly the greedy left-to-right scan: at each position not already inside a
 * span of that spelling, a span as long as any occurrence of the piece extends, then on from its end.
 */
export class FragmentIndex {
  private readonly spellings: IndexedSpelling[] = [];
  private readonly groups: SizeGroup[] = [];
  private readonly starts = new Set<number>();
  /**
   * One bit per value of a hash's top FILTER_BITS bits, set for every hash in `starts`: most windows of a text are
   * ruled out by one array read instead of a Set lookup (the scan runs on every report line of an eval run).
   */
  private readonly filter = new Int32Array(1 << (FILTER_BITS - 5));
  private readonly window: number;
  /** HASH_BASE ** (window - 1), to drop the character leaving the window. */
  private readonly lead: number;

  constructor(spellings: Iterable<KeySpelling>) {
    const seen = new Set<string>();
    for (const { text, minFragment } of spellings) {
      const size = Math.min(minFragment, text.length);
      const id = `${size}:${text}`;
      if (size <= 0 || seen.has(id)) continue;
      seen.add(id);
      this.spellings.push({ text, size });
    }
    this.window = this.spellings.length === 0 ? 1 : Math.min(...this.spellings.map((s) => s.size));
    this.lead = 1;
    for (let i = 1; i < this.window; i++) this.lead = Math.imul(this.lead, HASH_BASE);
    const bySize = new Map<number, SizeGroup>();
    this.spellings.forEach(({ text, size }, n) => {
      let group = bySize.get(size);
      if (!group) bySize.set(size, (group = { size, pieces: new Map() }));
      for (let at = 0; at + size <= text.length; at++) {
        const piece = text.slice(at, at + size);
        const list = group.pieces.get(piece);
        if (list) list.push(n, at);
        else group.pieces.set(piece, [n, at]);
      }
      this.forEachWindowHash(text, (h) => {
        this.starts.add(h);
        const bit = h >>> (32 - FILTER_BITS);
        this.filter[bit >>> 5] |= 1 << (bit & 31);
      });
    });
    this.groups = [...bySize.values()];
  }

  /** Spans of `text` that are fragments of a spelling (or a whole spelling); they may overlap. */
  spans(text: string): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    if (this.spellings.length === 0) return spans;
    // Per spelling: the first position its scan looks at again (the end of its last span).
    const next = new Array<number>(this.spellings.length).fill(0);
    // forEachWindowHash's rolling hash, inlined with the filter: this loop runs once per character of the text.
    const w = this.window;
    if (text.length < w) return spans;
    const { filter, starts, lead } = this;
    let h = windowHash(text, 0, w);
    for (let i = 0; ; i++) {
      const bit = h >>> (32 - FILTER_BITS);
      if ((filter[bit >>> 5] & (1 << (bit & 31))) !== 0 && starts.has(h)) this.spansAt(text, i, next, spans);
      if (i + w >= text.length) return spans;
      // `| 0` keeps the difference a 32-bit integer (Math.imul reads it mod 2^32 either way): an overflowing
      // subtraction would turn the loop's arithmetic into doubles.
      h = (Math.imul((h - Math.imul(text.charCodeAt(i), lead)) | 0, HASH_BASE) + text.charCodeAt(i + w)) | 0;
    }
  }

  /** The rolling hash of every `window`-long run of `text`, with where it starts. */
  private forEachWindowHash(text: string, each: (hash: number, at: number) => void): void {
    const w = this.window;
    if (text.length < w) return;
    let h = windowHash(text, 0, w);
    for (let i = 0; ; i++) {
      each(h, i);
      if (i + w >= text.length) return;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), this.lead), HASH_BASE) + text.charCodeAt(i + w)) | 0;
    }
  }

  private spansAt(text: string, i: number, next: number[], spans: Array<[number, number]>): void {
    for (const { size, pieces } of this.groups) {
      if (i + size > text.length) continue;
      const found = pieces.get(text.slice(i, i + size));
      if (!found) continue;
      for (let k = 0; k < found.length;) {
        const n = found[k];
        if (next[n] > i) {
          while (k < found.length && found[k] === n) k += 2;
          continue;
        }
        const s = this.spellings[n].text;
        let end = i + size;
        for (; k < found.length && found[k] === n; k += 2) {
          const at = found[k + 1];
          let m = size;
          while (i + m < text.length && at + m < s.length && text.charCodeAt(i + m) === s.charCodeAt(at + m)) m++;
          end = Math.max(end, i + m);
        }
        spans.push([i, end]);
        next[n] = end;
      }
    }
  }
}
