import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { countParts, joinParts, MIN_COPIES, SOUND, type Part, type ShorteningRules } from '../../../src/core/tokens/compressedRuns';
import { IncrementalCounter } from '../../../src/core/tokens/incrementalCounter';
import type { EncodingName } from '../../../src/core/models/modelInfo';
import type { Tokenizer } from '../../../src/core/tokens/tokenizer';
import { seededRandom } from '../../fixtures/tokens/mixedDocument';
import { pairRanksOf, useReferenceEncoders } from './referenceEncoders';

/**
 * Long runs of one character counted with the run shortened (compressedRuns.ts), and the incremental counter's long
 * chunks kept as parts (textParts.ts): every count is compared with OpenAI's tiktoken (WASM) encoding the whole text
 * (js-tiktoken's quadratic merge takes seconds per run this long; the two are compared with each other elsewhere).
 * Variants that break one requirement of the exactness argument must fail the same comparisons.
 */
const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];

/** One character of every class a run can be made of (digits and emoji are not shortened: they must stay exact too). */
const RUN_UNITS = ['x', 'a', 'Z', 'é', '中', '=', '-', '/', "'", '.', ' ', '\t', '\n', '\r', '\u3000', '\u0301', '7', '😀'];
/** What stands next to a run: text that joins its piece, splits it, or changes how its first and last copies merge. */
const NEIGHBOURS = [
  '',
  'abc',
  'ABC',
  'Hello',
  ' ',
  '\n',
  '  \n',
  "'s",
  "'ll",
  '123',
  '中文',
  '😀',
  '=',
  'x',
  'Z',
  'é',
  '\u0301',
  '\t',
  ' x',
  '//',
  '}\n/',
];

/** Parts: neighbours and runs (each run split into one to three run parts, as edits leave them). */
function partsDocument(random: () => number, runs: number, minRun: number): Part[] {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const parts: Part[] = [];
  const literal = (text: string) => text && parts.push({ text, unit: -1 });
  literal(pick(NEIGHBOURS));
  for (let r = 0; r < runs; r++) {
    const char = pick(RUN_UNITS);
    let copies = minRun + Math.floor(random() * 2500);
    const pieces = 1 + Math.floor(random() * 3);
    for (let p = 0; p < pieces && copies > 0; p++) {
      const length = p === pieces - 1 ? copies : Math.min(copies, 512 + Math.floor(random() * copies));
      // A surrogate pair is never a run part (textParts.ts does not make one): it is literal text here.
      parts.push({ text: char.repeat(length), unit: char.length === 1 ? char.charCodeAt(0) : -1 });
      copies -= length;
    }
    literal(pick(NEIGHBOURS));
  }
  return parts;
}

/** A tokenizer that notes when a whole text is counted (the shortening did not apply). */
function noting(tokenizer: Tokenizer, whole: { count: number }): Tokenizer {
  return {
    encoding: tokenizer.encoding,
    encode: (text) => tokenizer.encode(text),
    count: (text) => {
      whole.count++;
      return tokenizer.count(text);
    },
    runs: tokenizer.runs,
  };
}

describe('counting long runs by shortening them', () => {
  const encoders = useReferenceEncoders(ENCODINGS);
  const reference = (encoding: EncodingName, text: string) => encoders.wasm(encoding).encode_ordinary(text).length;

  /** Whether `count` equals the reference on random documents of runs (fast-check finds a counterexample if not). */
  function agreesOnRuns(encoding: EncodingName, count: (tokenizer: Tokenizer, parts: Part[]) => number, numRuns: number): void {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 3 }), (seed, runs) => {
        const parts = partsDocument(seededRandom(seed), runs, 520);
        const text = joinParts(parts);
        assert.equal(
          count(encoders.ours(encoding), parts),
          reference(encoding, text),
          JSON.stringify(parts.map((p) => [p.text.slice(0, 6), p.text.length])),
        );
      }),
      { numRuns },
    );
  }

  it('keeps more copies in a shortened run than the longest token has bytes (neither piece is itself a token)', async function () {
    this.timeout(60_000);
    for (const encoding of ENCODINGS) {
      const ranks = await pairRanksOf(encoding);
      assert.ok(ranks.maxTokenBytes < MIN_COPIES, `${encoding}: longest token ${ranks.maxTokenBytes} bytes`);
    }
  });

  for (const encoding of ENCODINGS) {
    it(`${encoding}: equals OpenAI tiktoken on random runs of every class between tricky neighbours`, function () {
      this.timeout(120_000);
      const whole = { count: 0 };
      let documents = 0;
      agreesOnRuns(
        encoding,
        (tokenizer, parts) => {
          documents++;
          return countParts(noting(tokenizer, whole), parts);
        },
        150,
      );
      // Most documents hold a run that is shortened (digits and emoji are counted whole): the comparison is not vacuous.
      assert.ok(whole.count < documents / 2, `${whole.count} of ${documents} counted whole`);
    });

    it(`${encoding}: every run class is shortened and exact, at every length modulo its block`, function () {
      this.timeout(120_000);
      const tokenizer = encoders.ours(encoding);
      for (const char of RUN_UNITS.filter((c) => c.length === 1 && c !== '7')) {
        const block = tokenizer.runs!.runBlock(char.charCodeAt(0));
        assert.ok(block !== undefined, `a block for ${JSON.stringify(char)}`);
        for (const [before, after] of [
          ['', ''],
          ['ab', 'Cd'],
          [' ', 'x'],
          ['=', '\n'],
          ['中', "'s"],
        ]) {
          for (let extra = 0; extra < Math.min(block, 9); extra++) {
            const parts: Part[] = [
              { text: before, unit: -1 },
              { text: char.repeat(1500 + extra), unit: char.charCodeAt(0) },
              { text: after, unit: -1 },
            ];
            const whole = { count: 0 };
            assert.equal(
              countParts(noting(tokenizer, whole), parts),
              reference(encoding, joinParts(parts)),
              `${JSON.stringify([before, char, after])} + ${extra}`,
            );
            assert.equal(whole.count, 0, `${JSON.stringify(char)} was shortened`);
          }
        }
      }
    });
  }

  describe('a variant that breaks the argument fails the same comparison', () => {
    const broken = (rules: Partial<ShorteningRules>) => (tokenizer: Tokenizer, parts: Part[]) =>
      countParts(tokenizer, parts, { ...SOUND, ...rules });

    it('restarting the count at every part boundary (parts counted on their own)', function () {
      this.timeout(60_000);
      const restart = (tokenizer: Tokenizer, parts: Part[]) => parts.reduce((total, part) => total + tokenizer.count(part.text), 0);
      assert.throws(() => agreesOnRuns('o200k_base', restart, 100), /Property failed/);
    });

    it('removing copies that are not a whole number of blocks', function () {
      this.timeout(60_000);
      assert.throws(() => agreesOnRuns('o200k_base', broken({ wholeBlocks: false }), 100), /Property failed/);
    });
  });
});

describe('IncrementalCounter: long chunks kept as parts', () => {
  const encoders = useReferenceEncoders(ENCODINGS);
  const TYPED = ['a', 'x', 'Z', ' ', '\n', '/', "'", '1', '.', '{', '\t', '中', '😀', 'é', '=', '\u0301', "'s", 'xx', '  '];

  for (const encoding of ENCODINGS) {
    it(`${encoding}: equals OpenAI tiktoken after every random edit in uniform runs of every class`, function () {
      this.timeout(240_000);
      const reference = (text: string) => encoders.wasm(encoding).encode_ordinary(text).length;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 10, max: 30 }), (seed, edits) => {
          const random = seededRandom(seed);
          let text = joinParts(partsDocument(random, 2, 1500));
          // Parts from 1 K characters on: every region of the runs takes the parts path, and the reference stays fast.
          const counter = new IncrementalCounter(encoders.ours(encoding), text, { partsAbove: 1024 });
          assert.equal(counter.total, reference(text), 'initial count');
          for (let i = 0; i < edits; i++) {
            let offset = Math.floor(random() * text.length);
            if (offset > 0 && /[\uDC00-\uDFFF]/.test(text[offset])) offset--;
            let length = random() < 0.6 ? 0 : Math.min(1 + Math.floor(random() * 3), text.length - offset);
            if (length > 0 && /[\uD800-\uDBFF]/.test(text[offset + length - 1])) length = Math.min(length + 1, text.length - offset);
            const run = text[Math.floor(random() * text.length)];
            const insert =
              random() < 0.2 ? '' : random() < 0.3 && !/[\uD800-\uDFFF]/.test(run) ? run : TYPED[Math.floor(random() * TYPED.length)];
            counter.applyChange(offset, length, insert);
            text = text.slice(0, offset) + insert + text.slice(offset + length);
            assert.equal(counter.total, reference(text), `after ${JSON.stringify({ offset, length, insert })}`);
          }
          assert.equal(counter.text, text);
          assert.equal(counter.countRange(0, text.length), reference(text));
          const from = Math.floor(random() * text.length);
          const to = from + Math.floor(random() * (text.length - from));
          assert.equal(counter.countRange(from, to), reference(text.slice(from, to)), `range ${from}..${to}`);
        }),
        { numRuns: 12 },
      );
    });
  }

  it('keeps a 1 MB run as parts: after the first keystroke none counts more than a few K characters', function () {
    this.timeout(60_000);
    const tokenizer = encoders.ours('o200k_base');
    let text = 'x'.repeat(1_000_000);
    const longest = { chars: 0 };
    const spy: Tokenizer = {
      ...tokenizer,
      count: (t) => {
        longest.chars = Math.max(longest.chars, t.length);
        return tokenizer.count(t);
      },
    };
    const counter = new IncrementalCounter(spy, text);
    longest.chars = 0;
    for (const [offset, insert] of [
      [500_000, 'e'],
      [250_000, 'Z'],
      [750_000, '中'],
      [100, "'"],
      [600_000, '='],
    ] as const) {
      counter.applyChange(offset, 0, insert);
      text = text.slice(0, offset) + insert + text.slice(offset);
    }
    assert.ok(longest.chars < 10_000, `longest text counted: ${longest.chars}`);
    // The whole text through the engine's own full count (compared with js-tiktoken and tiktoken in longPieces.test.ts).
    assert.equal(counter.total, tokenizer.count(text));
  });
});
