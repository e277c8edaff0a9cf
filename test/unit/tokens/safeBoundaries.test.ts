import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { loadTokenizer } from '../../../src/core/tokens/encodings';
import { isSafeBoundary, nextSafeBoundary } from '../../../src/core/tokens/safeBoundaries';
import type { Tokenizer } from '../../../src/core/tokens/tokenizer';
import { mixedDocument } from '../../fixtures/tokens/mixedDocument';
import { TRICKY_FRAGMENTS } from './trickyText';

function splitIsExact(tokenizer: Tokenizer, text: string, p: number): boolean {
  return tokenizer.encode(text.slice(0, p)).length + tokenizer.encode(text.slice(p)).length === tokenizer.encode(text).length;
}

describe('safe chunk boundaries', () => {
  let o200k: Tokenizer;
  let cl100k: Tokenizer;
  before(async () => {
    [o200k, cl100k] = await Promise.all([loadTokenizer('o200k_base'), loadTokenizer('cl100k_base')]);
  });

  it('every boundary it calls safe splits exactly, in both encodings (random tricky text)', () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom(...TRICKY_FRAGMENTS), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 14 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (s) => {
        for (let p = 1; p < s.length; p++) {
          if (!isSafeBoundary(s, p)) continue;
          for (const tokenizer of [o200k, cl100k]) {
            assert.ok(splitIsExact(tokenizer, s, p), `${tokenizer.encoding}: cut at ${p} of ${JSON.stringify(s)} is not exact`);
          }
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('rejects the boundaries a token can cross (each counterexample really changes a count)', () => {
    const cases: { text: string; p: number; tokenizer: () => Tokenizer; why: string }[] = [
      { text: "it's", p: 2, tokenizer: () => o200k, why: "letter|' (o200k contraction)" },
      { text: 'say hello', p: 4, tokenizer: () => o200k, why: 'space|letter' },
      { text: 'a    b', p: 3, tokenizer: () => o200k, why: 'space|space (look-ahead \\s+(?!\\S))' },
      { text: 'x\n   \n  y', p: 2, tokenizer: () => cl100k, why: 'newline|whitespace' },
      { text: '}\n// note', p: 2, tokenizer: () => o200k, why: 'newline|slash in o200k' },
      { text: '});\n', p: 1, tokenizer: () => o200k, why: 'punctuation|punctuation' },
      { text: '123', p: 1, tokenizer: () => cl100k, why: 'digit|digit' },
    ];
    for (const c of cases) {
      assert.equal(isSafeBoundary(c.text, c.p), false, c.why);
      assert.equal(
        splitIsExact(c.tokenizer(), c.text, c.p),
        false,
        `${c.why}: the split should change the count, or the case proves nothing`,
      );
    }
  });

  it('rejects letter|combining mark (one o200k piece; BPE happens to give the same count, so only the rule is checked)', () => {
    assert.equal(isSafeBoundary('cafe\u0301s', 4), false);
  });

  it('never cuts a surrogate pair', () => {
    const s = 'a😀b';
    assert.equal(isSafeBoundary(s, 2), false);
    assert.equal(isSafeBoundary('1𝟏', 2), false);
  });

  it('finds boundaries inside long lines: minified JSON, prose, CJK', () => {
    const json = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, v: [i * 3, 'x'] })));
    const prose = 'word '.repeat(5000);
    const cjk = '退款政策，年度计划的部分月份不予退款。'.repeat(500);
    for (const line of [json, prose, cjk]) {
      assert.ok(!line.includes('\n'));
      let cuts = 0;
      for (let p = nextSafeBoundary(line, 0); p !== -1; p = nextSafeBoundary(line, p + 200)) cuts++;
      assert.ok(cuts > line.length / 400, `only ${cuts} boundaries in a ${line.length}-character line`);
    }
  });

  it('finds line-start boundaries in real mixed text and they are exact', () => {
    const doc = mixedDocument(6_000, 7);
    let checked = 0;
    for (let p = nextSafeBoundary(doc, 0); p !== -1; p = nextSafeBoundary(doc, p + 53)) {
      for (const tokenizer of [o200k, cl100k]) assert.ok(splitIsExact(tokenizer, doc, p), `${tokenizer.encoding} cut at ${p}`);
      checked++;
    }
    assert.ok(checked > 50, `only ${checked} boundaries`);
  });
});
