import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { get_encoding, type Tiktoken as WasmTiktoken } from 'tiktoken';
import { Tiktoken as JsTiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import {
  CL100K_PATTERN,
  CL100K_PRE_TOKENIZER,
  O200K_PATTERN,
  O200K_PRE_TOKENIZER,
  preTokenizerFor,
  type PreTokenizer,
} from '../../../src/core/tokens/preTokenizer';
import { PieceCountMemo, pieceHash } from '../../../src/core/tokens/pieceCountMemo';
import { writeUtf8 } from '../../../src/core/tokens/pieceEncoder';
import { createTokenizer } from '../../../src/core/tokens/encodings';
import type { EncodingName } from '../../../src/core/models/modelInfo';
import type { Tokenizer } from '../../../src/core/tokens/tokenizer';
import { mixedDocument } from '../../fixtures/tokens/mixedDocument';
import { TRICKY_FRAGMENTS } from './trickyText';

const root = join(__dirname, '..', '..', '..');
// js-tiktoken's package exports (ranks/*) are invisible to this tsconfig's node10 resolution; require them untyped.
const ranksOf = (encoding: EncodingName) => createRequire(__filename)(`js-tiktoken/ranks/${encoding}`) as TiktokenBPE;

/** Characters of every class the patterns distinguish, several per class, including the ones at their edges. */
const CLASSES: Record<string, string[]> = {
  lower: [...'abcxyzßàéıſ'],
  upper: [...'ABCXYZÀÉİΩЖ'],
  title: ['ǅ', 'ǈ', 'ᾈ'],
  modifier: ['ʰ', 'ˈ', 'ー', 'ᵃ'],
  otherLetter: [...'中文日本語한국어אבגعربيةหก'],
  marks: ['\u0301', '\u0308', '\u0303', '\u093f', '\u20dd', '\ufe0f'],
  digits: [...'0123456789', '٣', '४', 'Ⅻ', '½', '²', '𝟎', '𝟗'],
  punctuation: [...'.,;:!?()[]{}<>/\\|+&^%$@`"#*=-_~', '…', '。', '€', '©'],
  apostrophes: ["'", "'", '’', ...'sStTrReEvVlLmMdD'],
  spaces: [' ', ' ', '  ', '\t', '\u000b', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000'],
  breaks: ['\n', '\r', '\r\n', '\n\n', ' \n', '\n '],
  emoji: ['😀', '👍🏽', '🧑‍💻', '❤️', '🇫🇷', '👨‍👩‍👧', '\u200d', '🏽'],
  surrogates: ['\ud800', '\udc00', '\ud83d', '\ude00', '\udbff\udfff'],
  formats: ['\u200b', '\u200e', '\u00ad', '\u2060'],
};
/** Characters JavaScript's `\s` and Rust's disagree on (U+0085 is only Rust's, U+FEFF only JavaScript's): js-tiktoken and OpenAI's tiktoken split them differently. */
const JS_ONLY: string[] = ['\u0085', '\ufeff'];
const ALL = Object.values(CLASSES).flat();

/** Random strings mixing the classes: mostly one or two classes (long same-class runs), sometimes all of them. */
function randomText(alphabet: string[] = ALL): fc.Arbitrary<string> {
  const classes = Object.values(CLASSES);
  const mixes = fc.oneof(
    fc.constant(alphabet),
    fc
      .tuple(fc.constantFrom(...classes), fc.constantFrom(...classes))
      .map(([a, b]) => [...a, ...b].filter((c) => alphabet.includes(c) || !ALL.includes(c))),
  );
  return mixes.chain((chars) =>
    fc
      .array(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...chars) }, { weight: 1, arbitrary: fc.constantFrom(...TRICKY_FRAGMENTS) }),
        {
          maxLength: 40,
        },
      )
      .map((parts) => parts.join('')),
  );
}

/** The pieces `scanner` cuts `text` into. */
function scan(scanner: PreTokenizer, text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length;) {
    const end = scanner.pieceEnd(text, start);
    assert.ok(end > start && end <= text.length, `piece end ${end} after ${start}`);
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** The pieces the pattern itself matches (what js-tiktoken splits with). */
function patternPieces(pattern: string, text: string): string[] {
  return text.match(new RegExp(pattern, 'gu')) ?? [];
}

/** The first text the scanner splits differently from the pattern, or undefined. */
function firstDifference(scanner: PreTokenizer, pattern: string, numRuns: number, seed: number): string | undefined {
  const run = fc.check(
    fc.property(randomText([...ALL, ...JS_ONLY]), (s) => {
      assert.deepEqual(scan(scanner, s), patternPieces(pattern, s));
    }),
    { numRuns, seed },
  );
  return run.failed ? run.counterexample![0] : undefined;
}

/** Real texts: this repository's README and source (prose, markdown tables, code), its package-lock (JSON), the seeds. */
function realTexts(): Record<string, string> {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  return {
    readme: read('README.md'),
    code: read('src/core/tokens/bytePairMerge.ts') + read('src/features/languageModels/chatModelProvider.ts'),
    json: read('package-lock.json').slice(0, 200_000),
    mixed: mixedDocument(100_000, 23),
    crlf: read('README.md').slice(0, 50_000).replace(/\n/g, '\r\n'),
  };
}

const SCANNERS: ReadonlyArray<readonly [EncodingName, PreTokenizer, string]> = [
  ['o200k_base', O200K_PRE_TOKENIZER, O200K_PATTERN],
  ['cl100k_base', CL100K_PRE_TOKENIZER, CL100K_PATTERN],
];

describe('pre-tokenizer scanners (the o200k and cl100k split patterns without a regex)', () => {
  for (const [encoding, scanner, pattern] of SCANNERS) {
    describe(encoding, () => {
      it("is used only for js-tiktoken's exact pattern for this encoding", () => {
        assert.equal(ranksOf(encoding).pat_str, pattern, 'js-tiktoken changed its pattern: the scanner no longer applies');
        assert.equal(preTokenizerFor(pattern), scanner);
        assert.equal(preTokenizerFor(pattern.replace('{1,3}', '{1,2}')), undefined, 'any other pattern keeps the regex');
      });

      it('cuts random strings of every character class into exactly the pattern’s pieces', function () {
        this.timeout(120_000);
        assert.equal(firstDifference(scanner, pattern, 4000, 17), undefined);
      });

      it('cuts every pair and triple of tricky fragments and class characters exactly as the pattern', () => {
        const units = [...new Set([...TRICKY_FRAGMENTS, ...ALL, ...JS_ONLY, 'x', 'X', "'"])];
        for (const a of units)
          for (const b of units) {
            const s = a + b;
            assert.deepEqual(scan(scanner, s), patternPieces(pattern, s), JSON.stringify(s));
            for (const c of [' ', 'a', 'A', "'", '\n', '1', '.', '\u0301']) {
              assert.deepEqual(scan(scanner, s + c), patternPieces(pattern, s + c), JSON.stringify(s + c));
            }
          }
      });

      it('cuts long runs of one repeated character or fragment (every class, surrogate halves too) exactly as the pattern', function () {
        // The scanners cross a run of one repeated UTF-16 unit without classifying each copy (afterRepeats): texts
        // here are runs of 1-300 copies of one character or fragment, several runs in a row, so every loop meets
        // runs that start, end and abut inside it.
        this.timeout(120_000);
        const units = [...new Set([...ALL, ...JS_ONLY, ...TRICKY_FRAGMENTS, '\ud83d\ud83d\ude00', '\ud800\ud800'])];
        const runs = fc
          .array(fc.tuple(fc.constantFrom(...units), fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 6 })
          .map((parts) => parts.map(([unit, copies]) => unit.repeat(copies)).join(''));
        fc.assert(
          fc.property(runs, (s) => assert.deepEqual(scan(scanner, s), patternPieces(pattern, s))),
          { numRuns: 3000, seed: 29 },
        );
      });

      it('cuts real texts (README, code, JSON, mixed, CRLF) exactly as the pattern', () => {
        for (const [name, text] of Object.entries(realTexts())) assert.deepEqual(scan(scanner, text), patternPieces(pattern, text), name);
      });
    });
  }

  it('the differential test catches a wrong rule: o200k without `/` after a line break, cl100k with case-sensitive contractions', () => {
    // Each mutant differs from the real scanner in one rule; the same property run must find a text that shows it.
    const noSlashAfterBreak: PreTokenizer = {
      pieceEnd(text, start) {
        const end = O200K_PRE_TOKENIZER.pieceEnd(text, start);
        const slash = text.slice(start, end).search(/[\r\n]\//);
        return slash > 0 ? start + slash + 1 : end;
      },
    };
    const lowerCaseContractions: PreTokenizer = {
      pieceEnd(text, start) {
        const end = CL100K_PRE_TOKENIZER.pieceEnd(text, start);
        return text[start] === "'" && /[A-Z]/.test(text[start + 1] ?? '') && end > start + 1 ? start + 1 : end;
      },
    };
    const o200k = firstDifference(noSlashAfterBreak, O200K_PATTERN, 4000, 17);
    assert.ok(o200k !== undefined && /[\r\n]\//.test(o200k), `found ${JSON.stringify(o200k)}`);
    const cl100k = firstDifference(lowerCaseContractions, CL100K_PATTERN, 4000, 17);
    assert.ok(cl100k !== undefined && /'[A-Z]/.test(cl100k), `found ${JSON.stringify(cl100k)}`);
  });
});

describe('counts with the scanner equal full encodes by OpenAI’s tiktoken and js-tiktoken', () => {
  const wasm = new Map<EncodingName, WasmTiktoken>();
  const js = new Map<EncodingName, JsTiktoken>();
  const ours = new Map<EncodingName, Tokenizer>();
  before(async function () {
    this.timeout(60_000);
    for (const [encoding] of SCANNERS) {
      wasm.set(encoding, get_encoding(encoding));
      js.set(encoding, new JsTiktoken(ranksOf(encoding)));
      ours.set(encoding, await createTokenizer(encoding));
    }
  });
  after(() => {
    for (const encoder of wasm.values()) encoder.free();
  });

  for (const [encoding] of SCANNERS) {
    it(`${encoding}: random strings of every class (tokens equal js-tiktoken's; counts equal tiktoken's)`, function () {
      this.timeout(120_000);
      const tokenizer = ours.get(encoding)!;
      fc.assert(
        fc.property(randomText(), (s) => {
          const tokens = tokenizer.encode(s);
          assert.deepEqual(tokens, js.get(encoding)!.encode(s, [], []));
          assert.equal(tokenizer.count(s), tokens.length);
          if (/[\u0085\ufeff]/.test(s)) return; // split differently by tiktoken (see JS_ONLY): js-tiktoken is the reference here
          assert.equal(tokenizer.count(s), wasm.get(encoding)!.encode(s, [], []).length);
        }),
        { numRuns: 1500, seed: 5 },
      );
    });

    it(`${encoding}: real texts and 200 new 10k-token messages, counted once and again, equal tiktoken's`, function () {
      this.timeout(120_000);
      const tokenizer = ours.get(encoding)!;
      const reference = wasm.get(encoding)!;
      for (const [name, text] of Object.entries(realTexts())) {
        const expected = reference.encode(text, [], []).length;
        assert.equal(tokenizer.count(text), expected, name);
        assert.equal(tokenizer.count(text), expected, `${name}, counted again`);
      }
      const corpus = mixedDocument(200 * 36_000, 17);
      for (let at = 0; at < corpus.length; at += 36_000) {
        const text = corpus.slice(at, at + 36_000);
        assert.equal(tokenizer.count(text), reference.encode(text, [], []).length, `message at ${at}`);
      }
    });
  }
});

describe('PieceCountMemo', () => {
  it('finds pieces by a range of any text, keeps the pieces in use across generations, and forgets the rest', () => {
    const memo = new PieceCountMemo();
    const text = 'xx hello world';
    const hello = pieceHash(text, 2, 8);
    assert.equal(memo.get(text, 2, 6, hello), -1);
    memo.set(text, 2, 6, hello, 1);
    assert.equal(memo.get(' hello', 0, 6, pieceHash(' hello', 0, 6)), 1, 'same characters, another text');
    assert.equal(memo.get(' hellO', 0, 6, pieceHash(' hellO', 0, 6)), -1);
    // Fill two generations with other pieces while ` hello` keeps being used: it survives; `stale` does not.
    memo.set('stale', 0, 5, pieceHash('stale', 0, 5), 7);
    for (let i = 0; i < 300_000; i++) {
      const piece = `p${i}`;
      memo.set(piece, 0, piece.length, pieceHash(piece, 0, piece.length), 2);
      if (i % 1000 === 0) assert.equal(memo.get(text, 2, 6, hello), 1, `still there after ${i}`);
    }
    assert.equal(memo.get('stale', 0, 5, pieceHash('stale', 0, 5)), -1);
    assert.ok(memo.size <= 1 << 17, `bounded: ${memo.size}`);
    assert.equal(memo.get('p299999', 0, 7, pieceHash('p299999', 0, 7)), 2);
  });

  it('writes UTF-8 exactly as TextEncoder (lone surrogates as U+FFFD)', () => {
    const encoder = new TextEncoder();
    const out = new Uint8Array(300);
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 64 }),
        fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', 'é', '中', '😀'), maxLength: 40 }),
        (a, b) => {
          for (const s of [a, b]) assert.deepEqual(out.slice(0, writeUtf8(s, 0, s.length, out)), encoder.encode(s));
        },
      ),
      { numRuns: 500 },
    );
  });
});
