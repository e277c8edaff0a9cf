import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadTokenizer } from '../../../src/core/tokens/encodings';
import { IncrementalCounter, type TextChange } from '../../../src/core/tokens/incrementalCounter';
import type { Tokenizer } from '../../../src/core/tokens/tokenizer';
import { mixedDocument, seededRandom } from '../../fixtures/tokens/mixedDocument';
import { TRICKY_FRAGMENTS } from './trickyText';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Real files of the repository (and CRLF copies), cut to a few KB so each full reference encode stays fast. */
const REAL_TEXTS: string[] = (() => {
  const files = [
    'test/fixtures/tokens/mixed.prompt.md',
    'test/fixtures/tokens/comments.go',
    'src/core/tokens/safeBoundaries.ts',
    'src/core/tokens/incrementalCounter.ts',
    'src/core/models/catalog.ts',
    'package.json',
  ].map(read);
  return [...files, ...files.map((text) => text.replace(/\n/g, '\r\n'))];
})();

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY_FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);
const fragments = (maxLength: number) => fc.array(fragment, { maxLength }).map((parts) => parts.join(''));

const documentArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...REAL_TEXTS), fc.nat(), fc.integer({ min: 0, max: 6000 })).map(([text, from, size]) => {
    const start = from % Math.max(1, text.length);
    return text.slice(start, start + size);
  }),
  fragments(600),
  fc.integer({ min: 1, max: 1_000_000 }).map((seed) => mixedDocument(3000 + (seed % 3000), seed)),
  // One very long line: minified JSON, or prose without a line break.
  fc.integer({ min: 1, max: 1_000_000 }).map((seed) => {
    const random = seededRandom(seed);
    const items = Array.from({ length: 120 }, (_, i) => ({
      id: i,
      name: `item ${i}`,
      tags: ['a/b', '退款', '😀'],
      x: Math.round(random() * 1e5) / 100,
    }));
    return seed % 2 ? JSON.stringify(items) : mixedDocument(4000, seed).replace(/[\r\n]+/g, ' ');
  }),
  fc.constant(''),
);

/** Where and what to edit, relative to the current length so it always lands inside the document. */
const editArb = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  deleteLength: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3000 })),
  insert: fc.oneof(fc.constant(''), fragment, fragments(40), fc.constantFrom('\n', ' ', '/', "'", 'x', '1', '\r\n')),
});
const batchArb = fc.array(editArb, { minLength: 1, maxLength: 4 });

function toChange(text: string, edit: { at: number; deleteLength: number; insert: string }): TextChange {
  const rangeOffset = Math.min(text.length, Math.floor(edit.at * (text.length + 1)));
  return { rangeOffset, rangeLength: Math.min(edit.deleteLength, text.length - rangeOffset), text: edit.insert };
}

function apply(text: string, change: TextChange): string {
  return text.slice(0, change.rangeOffset) + change.text + text.slice(change.rangeOffset + change.rangeLength);
}

describe('IncrementalCounter', () => {
  const tokenizers: Tokenizer[] = [];
  before(async () => {
    tokenizers.push(await loadTokenizer('o200k_base'), await loadTokenizer('cl100k_base'));
  });

  for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
    describe(encoding, () => {
      const tokenizer = () => tokenizers.find((t) => t.encoding === encoding)!;

      it('total equals a full js-tiktoken encode after every batch of random edits', () => {
        fc.assert(
          fc.property(documentArb, fc.array(batchArb, { minLength: 1, maxLength: 6 }), (initial, batches) => {
            const counter = new IncrementalCounter(tokenizer(), initial);
            assert.equal(counter.total, tokenizer().encode(initial).length, 'initial count');
            let text = initial;
            for (const batch of batches) {
              const changes: TextChange[] = [];
              for (const edit of batch) {
                const change = toChange(text, edit);
                text = apply(text, change);
                changes.push(change);
              }
              counter.applyChanges(changes);
              assert.equal(counter.text, text);
              assert.equal(counter.total, tokenizer().encode(text).length, `after ${JSON.stringify(changes).slice(0, 300)}`);
            }
          }),
          { numRuns: 500 },
        );
      });

      it('stays exact when edits land on and around chunk boundaries (where a kept boundary could turn unsafe)', () => {
        const nearBoundary = fc.record({
          boundary: fc.nat(),
          shift: fc.integer({ min: -3, max: 3 }),
          deleteLength: fc.integer({ min: 0, max: 4 }),
          insert: fc.oneof(
            fc.constantFrom('/', "'", "'s", ' ', '  ', '\n', '\r\n', 'a', '1', '\u0301', '\uDE00', '\uD83D', '.', '😀', ''),
            fragment,
          ),
        });
        fc.assert(
          fc.property(documentArb, fc.array(nearBoundary, { minLength: 1, maxLength: 12 }), (initial, edits) => {
            const counter = new IncrementalCounter(tokenizer(), initial);
            let text = initial;
            for (const edit of edits) {
              const offsets = counter.chunkOffsets();
              const anchor = offsets.length ? offsets[edit.boundary % offsets.length] : 0;
              const rangeOffset = Math.max(0, Math.min(text.length, anchor + edit.shift));
              const change = { rangeOffset, rangeLength: Math.min(edit.deleteLength, text.length - rangeOffset), text: edit.insert };
              text = apply(text, change);
              counter.applyChange(change.rangeOffset, change.rangeLength, change.text);
              assert.equal(counter.total, tokenizer().count(text), `after ${JSON.stringify(change)}`);
            }
          }),
          { numRuns: 300 },
        );
      });

      it('countRange equals a full encode of the slice (selections)', () => {
        fc.assert(
          fc.property(
            documentArb,
            fc.array(editArb, { maxLength: 3 }),
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
            (initial, edits, a, b) => {
              const counter = new IncrementalCounter(tokenizer(), initial);
              let text = initial;
              for (const edit of edits) {
                const change = toChange(text, edit);
                text = apply(text, change);
                counter.applyChange(change.rangeOffset, change.rangeLength, change.text);
              }
              const at = (f: number) => Math.min(text.length, Math.floor(f * (text.length + 1)));
              const [start, end] = [at(a), at(b)].sort((x, y) => x - y);
              assert.equal(counter.countRange(start, end), tokenizer().count(text.slice(start, end)), `range ${start}..${end}`);
            },
          ),
          { numRuns: 500 },
        );
      });
    });
  }

  it('counts an empty document, typing into it and deleting everything', () => {
    const tokenizer = tokenizers[0];
    const counter = new IncrementalCounter(tokenizer, '');
    assert.equal(counter.total, 0);
    counter.applyChange(0, 0, 'Hello, world');
    assert.equal(counter.total, tokenizer.count('Hello, world'));
    counter.applyChange(0, counter.text.length, '');
    assert.equal(counter.total, 0);
    assert.equal(counter.text, '');
    assert.equal(counter.countRange(0, 0), 0);
  });

  it('applies a batch one change after another (VS Code multi-cursor order)', () => {
    const tokenizer = tokenizers[0];
    const counter = new IncrementalCounter(tokenizer, 'alpha beta gamma');
    counter.applyChanges([
      { rangeOffset: 11, rangeLength: 5, text: 'GAMMA' },
      { rangeOffset: 0, rangeLength: 5, text: 'ALPHA' },
    ]);
    assert.equal(counter.text, 'ALPHA beta GAMMA');
    assert.equal(counter.total, tokenizer.count('ALPHA beta GAMMA'));
  });

  it('rejects a change outside the document instead of drifting out of sync', () => {
    const counter = new IncrementalCounter(tokenizers[0], 'short');
    assert.throws(() => counter.applyChange(3, 10, 'x'), RangeError);
    assert.throws(() => counter.applyChange(-1, 0, 'x'), RangeError);
    assert.throws(() => counter.countRange(2, 9), RangeError);
    assert.equal(counter.text, 'short');
  });

  it('re-encodes only a few KB per single-character edit, even inside a long minified JSON line', () => {
    let encodedChars = 0;
    const base = tokenizers[0];
    const spy: Tokenizer = {
      encoding: base.encoding,
      encode: (t) => base.encode(t),
      count: (t) => ((encodedChars += t.length), base.count(t)),
    };
    const doc = mixedDocument(300_000, 3);
    assert.ok(
      doc.split('\n').some((line) => line.length > 25_000),
      'the document has a long line',
    );
    const counter = new IncrementalCounter(spy, doc);
    assert.ok(counter.chunkCount > 300, `${counter.chunkCount} chunks`);
    const random = seededRandom(11);
    let worst = 0;
    let text = doc;
    for (let i = 0; i < 400; i++) {
      const offset = Math.floor(random() * text.length);
      const change =
        random() < 0.5 ? { rangeOffset: offset, rangeLength: 0, text: 'x' } : { rangeOffset: offset, rangeLength: 1, text: '' };
      encodedChars = 0;
      counter.applyChange(change.rangeOffset, change.rangeLength, change.text);
      text = apply(text, change);
      worst = Math.max(worst, encodedChars);
    }
    assert.ok(worst <= 4096, `an edit re-encoded ${worst} characters`);
    assert.equal(counter.total, base.count(text));
  });
});
