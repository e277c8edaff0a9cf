import assert from 'node:assert/strict';
import { FragmentIndex, keySpellings, type KeySpelling } from '../../../src/core/providers/keyEchoes';
import { REDACTED, redactSecrets } from '../../../src/core/providers/redactSecrets';

/**
 * The one-pass fragment index against the scan it replaced, kept here verbatim as the oracle: for each key and each
 * spelling, a Map of the spelling's pieces and a walk over the whole text. Both must find the same spans, so
 * `redactSecrets` redacts exactly what it redacted before, only faster.
 */
function oracleFragmentSpans(text: string, spelling: KeySpelling): Array<[number, number]> {
  const { text: s, minFragment } = spelling;
  const size = Math.min(minFragment, s.length);
  if (text.length < size) return [];
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

function oracleSpans(text: string, keys: string[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const key of new Set(keys.map((k) => k.trim()).filter((k) => k.length >= 4))) {
    for (const spelling of keySpellings(key)) spans.push(...oracleFragmentSpans(text, spelling));
  }
  return spans;
}

/** Overlapping or touching spans merged, as `redactSecrets` replaces them: equal merges mean equal redaction. */
function merged(spans: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0] || x[1] - y[1])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The old redactSecrets' fragment step: the text with the oracle's merged spans replaced. */
function oracleRedactFragments(text: string, keys: string[]): string {
  let out = '';
  let at = 0;
  for (const [a, b] of merged(oracleSpans(text, keys))) {
    out += text.slice(at, a) + REDACTED;
    at = b;
  }
  return out + text.slice(at);
}

/** mulberry32: a seeded generator, so a failure names the seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABETS = ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'abc012_-', 'AB+/=', 'xX', 'éклю🔑ч%\\"'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function randomString(rnd: () => number, alphabet: string, length: number): string {
  const chars = [...alphabet];
  let s = '';
  for (let i = 0; i < length; i++) s += pick(rnd, chars);
  return s;
}

/** Keys of every shape: ordinary tokens, short ones (redacted whole only), repetitive ones, non-ASCII ones, related ones. */
function randomKeys(rnd: () => number): string[] {
  const keys: string[] = [];
  const count = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < count; i++) {
    const kind = Math.floor(rnd() * 5);
    if (kind === 0) keys.push(randomString(rnd, ALPHABETS[0], 4 + Math.floor(rnd() * 5)));
    else if (kind === 1) keys.push(randomString(rnd, pick(rnd, ALPHABETS), 8 + Math.floor(rnd() * 40)));
    else if (kind === 2) {
      const unit = randomString(rnd, ALPHABETS[3], 2 + Math.floor(rnd() * 9));
      keys.push((unit + randomString(rnd, 'AB', 1)).repeat(2 + Math.floor(rnd() * 3)));
    } else if (kind === 3 && keys.length > 0) {
      const other = pick(rnd, keys);
      keys.push(other.slice(0, Math.max(4, Math.floor(other.length / 2))) + randomString(rnd, ALPHABETS[1], 8));
    } else keys.push(` ${randomString(rnd, ALPHABETS[0], 20 + Math.floor(rnd() * 30))} `);
  }
  return keys;
}

const spellingCache = new Map<string, KeySpelling[]>();
function spellingsOf(key: string): KeySpelling[] {
  let list = spellingCache.get(key);
  if (!list) spellingCache.set(key, (list = keySpellings(key)));
  return list;
}

/** Filler near the keys' alphabets, with pieces of every spelling of the keys, clipped, repeated and encoded in place. */
function randomText(rnd: () => number, keys: string[]): string {
  const parts: string[] = [];
  const count = Math.floor(rnd() * 8);
  for (let i = 0; i < count; i++) {
    const roll = rnd();
    if (roll < 0.3) parts.push(randomString(rnd, pick(rnd, ALPHABETS), Math.floor(rnd() * 30)));
    else {
      const key = pick(rnd, keys).trim();
      const spelling = pick(rnd, spellingsOf(key)).text;
      const from = rnd() < 0.5 ? 0 : Math.floor(rnd() * spelling.length);
      const to = rnd() < 0.5 ? spelling.length : from + Math.floor(rnd() * (spelling.length - from + 1));
      const piece = spelling.slice(from, to);
      if (roll < 0.85) parts.push(piece);
      else if (roll < 0.95)
        parts.push(Buffer.from(randomString(rnd, 'ab', Math.floor(rnd() * 3)) + key).toString(rnd() < 0.5 ? 'base64' : 'base64url'));
      else parts.push(piece + piece.slice(0, Math.floor(rnd() * piece.length)));
    }
  }
  return parts.join(rnd() < 0.5 ? '' : pick(rnd, [' ', '\n', '"', '%', 'x']));
}

describe('FragmentIndex: one pass over all keys and spellings, exactly the spans of the per-spelling scan', () => {
  it('finds the same spans as the old scan on 1,000 random texts with embedded key pieces of every spelling', function () {
    // The old scan is the slow one (it is why this test exists): generous room on a loaded machine.
    this.timeout(120_000);
    for (let seed = 1; seed <= 1000; seed++) {
      const rnd = random(seed);
      const keys = randomKeys(rnd);
      const text = randomText(rnd, keys);
      // redactSecrets runs the key-shape rules after the fragments, on the same text both ways.
      const expected = redactSecrets(oracleRedactFragments(text, keys));
      assert.equal(redactSecrets(text, keys), expected, `seed ${seed}: keys ${JSON.stringify(keys)} text ${JSON.stringify(text)}`);
    }
  });

  it('the greedy scan per spelling, not the union of all matches: a later, longer match inside a span is left as the old scan left it', () => {
    // "XXXXXXXX" occurs twice in the key; from position 1 of the text it would extend over the B, from 0 it cannot.
    const key = 'XXXXXXXXAXXXXXXXXB';
    const text = 'XXXXXXXXXB';
    const index = new FragmentIndex(keySpellings(key));
    assert.deepEqual(merged(index.spans(text)), merged(oracleSpans(text, [key])));
    assert.deepEqual(merged(index.spans(text)), [[0, 8]]);
  });

  it('no keys, short texts and texts shorter than the shortest fragment: no spans', () => {
    assert.deepEqual(new FragmentIndex([]).spans('anything at all'), []);
    const index = new FragmentIndex(keySpellings('abcdefghij'));
    assert.deepEqual(index.spans(''), []);
    assert.deepEqual(index.spans('abcdefg'), []);
    assert.deepEqual(index.spans('abcdefgh'), [[0, 8]]);
  });

  it('a different key set gets its own index: keys used earlier are not redacted when not given', () => {
    assert.equal(redactSecrets('one abcdefghij two', ['abcdefghij']), `one ${REDACTED} two`);
    assert.equal(redactSecrets('one abcdefghij two', ['zyxwvutsrq']), 'one abcdefghij two');
    assert.equal(redactSecrets('one abcd\u0000efgh two', ['abcd', 'efgh']), `one ${REDACTED}\u0000${REDACTED} two`);
    assert.equal(redactSecrets('one abcd\u0000efgh two', ['abcd\u0000efgh']), `one ${REDACTED} two`);
  });
});
