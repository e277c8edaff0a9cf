import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import { BytePairMerger, type PieceEncoding } from '../../../src/core/tokens/bytePairMerge';
import { createTokenizer } from '../../../src/core/tokens/encodings';
import { LongPieceCache } from '../../../src/core/tokens/longPieceCache';
import { PieceEncoder } from '../../../src/core/tokens/pieceEncoder';
import { RunTiler, findPeriodicRuns } from '../../../src/core/tokens/periodicRuns';
import type { EncodingName } from '../../../src/core/models/modelInfo';
import { seededRandom } from '../../fixtures/tokens/mixedDocument';
import { jsTiktokenRanks, pairRanksOf, useReferenceEncoders } from './referenceEncoders';
import { RUN_CLASSES } from './runClasses';

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];

/** The long-run classes, and lone surrogates (js-tiktoken is the reference here, and it keeps them). */
const CLASSES: Record<string, string[]> = { ...RUN_CLASSES, lone: ['\uD800', '\uDC00', 'a', '\uD83D'] };

function run(alphabet: string[], length: number, seed: number): string {
  const random = seededRandom(seed);
  let text = '';
  while (text.length < length) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** Pieces of one repeated unit (or a pair of them), with a random length: the shapes that make long pieces. */
const longRun = (maxChars: number) =>
  fc
    .record({
      kind: fc.constantFrom(...Object.keys(CLASSES)),
      chars: fc.integer({ min: 65, max: maxChars }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      repeat: fc.boolean(),
    })
    .map(({ kind, chars, seed, repeat }) => {
      const alphabet = CLASSES[kind];
      if (!repeat) return run(alphabet, chars, seed);
      const unit = run(alphabet, 1 + (seed % 3), seed);
      return unit.repeat(Math.ceil(chars / unit.length));
    });

describe('long pieces: exact byte-pair merges in O(n log n)', () => {
  const jsTiktoken = new Map<EncodingName, JsTiktoken>();
  const encoders = useReferenceEncoders(ENCODINGS);
  before(() => {
    for (const encoding of ENCODINGS) {
      // js-tiktoken's package exports (ranks/*) are invisible to this tsconfig's node10 resolution; require them untyped.
      jsTiktoken.set(encoding, new JsTiktoken(jsTiktokenRanks(encoding)));
    }
  });

  for (const encoding of ENCODINGS) {
    describe(encoding, () => {
      const tokenizer = () => encoders.ours(encoding);
      const reference = (text: string) => jsTiktoken.get(encoding)!.encode(text, [], []);

      it('encodes random long runs of every character class exactly as js-tiktoken (tokens, not just counts)', function () {
        this.timeout(240_000);
        const text = fc.oneof(
          longRun(400),
          fc.tuple(longRun(200), fc.constantFrom(' ', '\n', '', "'s", '1', '='), longRun(200)).map((parts) => parts.join('')),
        );
        fc.assert(
          fc.property(text, (s) => {
            const expected = reference(s);
            assert.deepEqual(tokenizer().encode(s), expected, JSON.stringify(s.slice(0, 80)));
            assert.equal(tokenizer().count(s), expected.length);
          }),
          { numRuns: 250 },
        );
      });

      it('matches js-tiktoken on every class at lengths around the short/long cut (64 characters)', () => {
        for (const [kind, alphabet] of Object.entries(CLASSES)) {
          for (const chars of [1, 2, 3, 31, 32, 63, 64, 65, 66, 127, 128, 129, 200]) {
            const s = run(alphabet, chars, chars * 31 + kind.length);
            assert.deepEqual(tokenizer().encode(s), reference(s), `${kind} × ${chars}`);
            assert.equal(tokenizer().count(s), reference(s).length, `${kind} × ${chars}`);
          }
        }
      });

      it('counts worst-case fixtures (50,000-character runs, 5,000-letter lines, base64) exactly as OpenAI tiktoken', async function () {
        this.timeout(240_000);
        // js-tiktoken needs minutes on these (O(n²) per piece); OpenAI's own tiktoken (WASM) is the reference here,
        // and it agrees with js-tiktoken on every smaller input above.
        const cold = await createTokenizer(encoding);
        const random = seededRandom(15);
        const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
        const base64 = Buffer.from(Array.from({ length: 30_000 }, () => Math.floor(random() * 256))).toString('base64');
        const fixtures: Record<string, string> = {
          'single letter': 'x'.repeat(50_000),
          'equals line': '='.repeat(50_000),
          spaces: ' '.repeat(50_000) + 'end',
          'dashes and newline': '-'.repeat(20_000) + '\n' + '-'.repeat(20_000),
          'upper case': 'A'.repeat(20_000) + 'b',
          'two letters': 'ab'.repeat(25_000),
          cjk: '中'.repeat(15_000),
          emoji: '😀'.repeat(10_000),
          'three 5,000-letter lines': [letters(5000), letters(5000), letters(5000)].join('\n'),
          'letters and code': Array.from({ length: 6 }, (_, i) => `${letters(5000)}\nfunction f${i}(a, b) { return a + b; } // ok\n`).join(
            '',
          ),
          base64,
        };
        for (const [name, text] of Object.entries(fixtures)) {
          const expected = encoders.wasm(encoding).encode_ordinary(text).length;
          assert.equal(cold.count(text), expected, `${name} (first count)`);
          assert.equal(cold.count(text), expected, `${name} (remembered)`);
          assert.equal(cold.encode(text).length, expected, `${name} (encode)`);
        }
      });

      it('stays exact through random edits of a long piece (re-merging only a window around each edit)', function () {
        this.timeout(240_000);
        const edit = fc.record({
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          remove: fc.integer({ min: 0, max: 40 }),
          insert: fc.string({ maxLength: 6 }),
        });
        fc.assert(
          fc.property(longRun(350), fc.array(edit, { minLength: 1, maxLength: 6 }), (initial, edits) => {
            let text = initial;
            assert.equal(tokenizer().count(text), reference(text).length);
            for (const { at, remove, insert } of edits) {
              const offset = Math.floor(at * text.length);
              text = text.slice(0, offset) + insert + text.slice(offset + remove);
              assert.deepEqual(tokenizer().encode(text), reference(text), JSON.stringify(text.slice(0, 80)));
            }
          }),
          { numRuns: 150 },
        );
      });

      it('widens the window until its check holds: exact even when the first window is a single byte', async () => {
        const merger = new BytePairMerger(await pairRanksOf(encoding));
        const cache = new LongPieceCache(merger, { firstContextBytes: 1 });
        const utf8 = new TextEncoder();
        const exact = (text: string) => merger.merge(utf8.encode(text));
        fc.assert(
          fc.property(
            longRun(300),
            fc.array(
              fc.record({
                at: fc.nat(),
                insert: fc.constantFrom('x', 'a', '=', '中', '😀', ' ', ''),
                remove: fc.integer({ min: 0, max: 3 }),
              }),
              { minLength: 1, maxLength: 8 },
            ),
            (initial, edits) => {
              let text = initial;
              cache.encode(utf8.encode(text));
              for (const { at, insert, remove } of edits) {
                const offset = at % (text.length + 1);
                text = text.slice(0, offset) + insert + text.slice(offset + remove);
                assertSameEncoding(cache.encode(utf8.encode(text)), exact(text), text);
              }
            },
          ),
          { numRuns: 300 },
        );
      });
    });
  }

  describe('periodic runs tiled from a block and small windows (periodicRuns.ts)', () => {
    /** Runs of one unit of every class, with short other text around and between them. */
    const runs = (minChars: number, maxChars: number) =>
      fc
        .array(
          fc.record({
            unit: fc.oneof(
              fc.constantFrom(...Object.values(CLASSES).flat()),
              fc.tuple(fc.constantFrom(...CLASSES.mixed), fc.constantFrom(...CLASSES.punctuation)).map(([a, b]) => a + b),
            ),
            chars: fc.integer({ min: minChars, max: maxChars }),
            between: fc.oneof(fc.constant(''), fc.constantFrom(...Object.values(CLASSES).flat()), fc.string({ maxLength: 5 })),
          }),
          { minLength: 1, maxLength: 4 },
        )
        .map((parts) => parts.map(({ unit, chars, between }) => unit.repeat(Math.ceil(chars / unit.length)) + between).join(''));

    for (const encoding of ENCODINGS) {
      it(`${encoding}: tiles random runs of every class exactly as js-tiktoken merges them (tokens and ends)`, async function () {
        this.timeout(240_000);
        const reference = jsTiktoken.get(encoding)!;
        const ranks = await pairRanksOf(encoding);
        const merger = new BytePairMerger(ranks);
        // Runs from 128 bytes are tiled here (1 KB by default), so js-tiktoken's O(n²) loop can check every case.
        const tiler = new RunTiler(merger, { minRunBytes: 128 });
        const pieces = new PieceEncoder(jsTiktokenRanks(encoding).pat_str, ranks, {
          minRunBytes: 128,
        });
        const utf8 = new TextEncoder();
        let tiled = 0;
        fc.assert(
          fc.property(runs(1, 500), (text) => {
            // Through the pre-tokenizer, piece by piece, against js-tiktoken.
            assert.deepEqual(pieces.encode(text), reference.encode(text, [], []), JSON.stringify(text.slice(0, 80)));
            assert.equal(pieces.count(text), reference.encode(text, [], []).length);
            // The whole text as one byte string, against the plain merge (equal to js-tiktoken's per piece, above).
            const bytes = utf8.encode(text);
            tiled += findPeriodicRuns(bytes, 128).length > 0 ? 1 : 0;
            const encoded = tiler.encode(bytes);
            assertSameEncoding(encoded, merger.merge(bytes), text);
            assert.equal(new RunTiler(merger, { minRunBytes: 128 }).encode(bytes).count, encoded.tokens.length);
          }),
          { numRuns: 200 },
        );
        assert.ok(tiled > 60, `only ${tiled} of 200 cases had a run to tile`);
      });

      it(`${encoding}: tiles long runs (default sizes, up to 12 KB) exactly as OpenAI's tiktoken, through random edits`, async function () {
        this.timeout(240_000);
        const merger = new BytePairMerger(await pairRanksOf(encoding));
        const cache = new LongPieceCache(merger);
        // Mostly periodic pieces above 64 KB are tiled on every count from the caller's (reused) buffer, not kept:
        // here every size takes that path, and the buffer is overwritten after each call.
        const unremembered = new LongPieceCache(merger, { maxRememberedPeriodicBytes: 0 });
        let scratch = new Uint8Array(0);
        const utf8 = new TextEncoder();
        const edit = fc.record({
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          remove: fc.integer({ min: 0, max: 3 }),
          insert: fc.constantFrom('', 'x', 'a', '=', '-', ' ', '中', '😀', 'é', '1', "'"),
        });
        fc.assert(
          fc.property(runs(1500, 12_000), fc.array(edit, { minLength: 1, maxLength: 4 }), (initial, edits) => {
            let text = initial;
            for (const { at, remove, insert } of [{ at: 0, remove: 0, insert: '' }, ...edits]) {
              const offset = Math.floor(at * text.length);
              text = text.slice(0, offset) + insert + text.slice(offset + remove);
              const expected = encoders.wasm(encoding).encode_ordinary(text);
              // The whole text as one piece (whatever the pre-tokenizer would split) and through the tokenizer.
              const bytes = utf8.encode(text);
              assertSameEncoding(cache.encode(bytes), merger.merge(bytes), text);
              assert.equal(cache.count(bytes), merger.merge(bytes).tokens.length);
              if (scratch.length < bytes.length) scratch = new Uint8Array(2 * bytes.length);
              scratch.set(bytes);
              const fromScratch = unremembered.encode(scratch.subarray(0, bytes.length));
              const countFromScratch = unremembered.count(scratch.subarray(0, bytes.length));
              scratch.fill(0x78);
              assertSameEncoding(fromScratch, merger.merge(bytes), text);
              assert.equal(countFromScratch, merger.merge(bytes).tokens.length);
              assert.deepEqual(encoders.ours(encoding).encode(text), [...expected], JSON.stringify(text.slice(0, 80)));
              assert.equal(encoders.ours(encoding).count(text), expected.length);
            }
          }),
          { numRuns: 25 },
        );
      });
    }

    it('finds runs of every period up to 32 bytes, and none in random text', () => {
      const utf8 = new TextEncoder();
      for (const unit of ['x', '=-', '中', '😀', '🧑‍💻', 'abcdefghij', '<!-- x -->  ']) {
        const bytes = utf8.encode(`abc${unit.repeat(Math.ceil(3000 / unit.length))}xyz`);
        const found = findPeriodicRuns(bytes, 1024);
        assert.equal(found.length, 1, unit);
        assert.equal(found[0].period, utf8.encode(unit).length, unit);
        assert.ok(found[0].end - found[0].start >= bytes.length - 20, unit);
      }
      assert.deepEqual(findPeriodicRuns(utf8.encode(run(CLASSES.base64, 100_000, 5)), 1024), []);
    });

    it('counts a 1 MB run of each class from a few KB of merges', async () => {
      const merger = new BytePairMerger(await pairRanksOf('o200k_base'));
      let mergedBytes = 0;
      const spy = Object.assign(Object.create(merger) as BytePairMerger, {
        merge: (bytes: Uint8Array) => ((mergedBytes += bytes.length), merger.merge(bytes)),
      });
      const utf8 = new TextEncoder();
      for (const unit of ['x', '=', ' ', '-=', '中', '😀', 'ab']) {
        const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
        mergedBytes = 0;
        const tiled = new RunTiler(spy).encode(utf8.encode(text));
        assert.ok(mergedBytes < 8_000, `${JSON.stringify(unit)}: merged ${mergedBytes} bytes`);
        // The O(n log n) merge is the reference here (it equals js-tiktoken and tiktoken above; they take hours on 1 MB).
        assertSameEncoding(tiled, merger.merge(utf8.encode(text)), text);
      }
    });
  });

  it('re-merges windows of a few KB, not the piece, after a keystroke inside a 200 KB run', async () => {
    const merger = new BytePairMerger(await pairRanksOf('o200k_base'));
    let mergedBytes = 0;
    const spy = Object.assign(Object.create(merger) as BytePairMerger, {
      merge: (bytes: Uint8Array) => ((mergedBytes += bytes.length), merger.merge(bytes)),
    });
    const cache = new LongPieceCache(spy);
    const utf8 = new TextEncoder();
    let text = 'x'.repeat(200_000);
    cache.encode(utf8.encode(text));
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      const offset = Math.floor(random() * text.length);
      text = text.slice(0, offset) + (i % 2 ? 'y' : '') + text.slice(offset + (i % 2 ? 0 : 1));
      mergedBytes = 0;
      const encoding = cache.encode(utf8.encode(text));
      assert.ok(mergedBytes < 8_000, `edit ${i} re-merged ${mergedBytes} of ${text.length} bytes`);
      assert.equal(encoding.ends[encoding.ends.length - 1], text.length);
    }
    assertSameEncoding(cache.encode(utf8.encode(text)), merger.merge(utf8.encode(text)), text);
  });

  it('keeps the long-piece cache within its memory budget', async () => {
    const merger = new BytePairMerger(await pairRanksOf('o200k_base'));
    const cache = new LongPieceCache(merger, { maxCachedBytes: 200_000 });
    const utf8 = new TextEncoder();
    for (let i = 0; i < 40; i++) cache.encode(utf8.encode(run(CLASSES.letters, 20_000, i + 1)));
    assert.ok(cache.cachedBytes <= 200_000, `${cache.cachedBytes} bytes cached`);
    assert.ok(cache.size >= 1 && cache.size < 40, `${cache.size} entries`);
  });
});

/** js-tiktoken's own rank → bytes table (the shared tokenizer builds the same one in slices). */
function assertSameEncoding(actual: PieceEncoding, expected: PieceEncoding, text: string): void {
  assert.deepEqual([...actual.tokens], [...expected.tokens], JSON.stringify(text.slice(0, 80)));
  assert.deepEqual([...actual.ends], [...expected.ends], JSON.stringify(text.slice(0, 80)));
}
