import { strict as assert } from 'node:assert';
import { IncrementalCounter } from '../../../src/core/tokens/incrementalCounter';
import { isLatin1, oneByteCopy } from '../../../src/core/tokens/oneByteText';
import type { EncodingName } from '../../../src/core/models/modelInfo';
import { seededRandom } from '../../fixtures/tokens/mixedDocument';
import { useReferenceEncoders } from './referenceEncoders';

/**
 * The counter keeps chunks whose text is Latin-1 stored one byte per character (oneByteText.ts): a chunk cut from a
 * two-byte string is copied through Latin-1 bytes. A wrong copy would change the text it counts, so every total is
 * compared with OpenAI's tiktoken (WASM) encoding the whole document, and the counter's text with the document.
 */
const LATIN1_ALL = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).join('');

describe('oneByteText', () => {
  it('copies every Latin-1 character unchanged, at every length (the reused buffer grows)', () => {
    assert.equal(oneByteCopy(LATIN1_ALL), LATIN1_ALL);
    const random = seededRandom(7);
    for (const length of [0, 1, 63, 256, 4097, 70_000, 300_000]) {
      let text = '';
      while (text.length < length) text += LATIN1_ALL[Math.floor(random() * 256)];
      // Made two-byte the way the counter meets it: sliced out of a string holding a non-Latin-1 character.
      const twoByte = `中${text}`.slice(1);
      assert.equal(oneByteCopy(twoByte), text);
    }
  });

  it('tells Latin-1 text from text with any other UTF-16 unit', () => {
    assert.equal(isLatin1(''), true);
    assert.equal(isLatin1(LATIN1_ALL), true);
    for (const other of ['\u0100', 'Ā', '中', '😀', '\ud83d', '\udc00', '\u3000', 'e\u0301']) {
      assert.equal(isLatin1(`abc${other}def`), false, JSON.stringify(other));
    }
  });
});

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];
/** Runs of Latin-1 characters of every class (letters with and without accents, digits, punctuation, spaces, NBSP). */
const RUN_UNITS = ['x', 'é', '=', '-', ' ', '\u00a0', '7', 'ß', 'ÿ', 'aé', '»«', '\t', 'Ü'];
/** Typed text: Latin-1 and not, single characters and pastes, some changing the run's class. */
const TYPED = ['x', 'é', 'Z', ' ', '\n', "'s", '=', '1', '中', '😀', 'Ā', 'e\u0301', 'ÿÿ', 'abc中def', '\u00a0\u00a0', '中😀é'];

/** A document of long Latin-1 runs between code lines, stored two-byte (sliced from a string with a CJK character). */
function twoByteDocument(seed: number): string {
  const random = seededRandom(seed);
  let text = '';
  for (let i = 0; i < 4; i++) {
    const unit = RUN_UNITS[Math.floor(random() * RUN_UNITS.length)];
    const chars = i === 0 ? 9000 + Math.floor(random() * 2000) : 800 + Math.floor(random() * 1500);
    text += `${unit.repeat(Math.ceil(chars / unit.length))}\nconst v${i} = "ä"; // ok ${i}\n`;
  }
  return `中${text}`.slice(1);
}

describe('IncrementalCounter: chunks moved to one-byte storage stay exact', () => {
  const encoders = useReferenceEncoders(ENCODINGS);

  for (const encoding of ENCODINGS) {
    it(`${encoding}: typing non-Latin-1 text into Latin-1 runs and deleting it again`, function () {
      this.timeout(240_000);
      const reference = (text: string) => encoders.wasm(encoding).encode_ordinary(text).length;
      for (const seed of [1, 2, 3, 4]) {
        let text = twoByteDocument(seed);
        const counter = new IncrementalCounter(encoders.ours(encoding), text);
        assert.equal(counter.total, reference(text), 'initial count');
        const random = seededRandom(seed + 100);
        const typed: { at: number; length: number }[] = [];
        for (let i = 0; i < 24; i++) {
          let offset: number;
          let length: number;
          let insert: string;
          if (typed.length > 0 && random() < 0.4) {
            // Delete something typed earlier: the chunk's text becomes Latin-1 again, in two-byte storage.
            const { at, length: typedLength } = typed.splice(Math.floor(random() * typed.length), 1)[0];
            [offset, length, insert] = [at, typedLength, ''];
          } else {
            offset = Math.floor(random() * text.length);
            if (offset > 0 && /[\uDC00-\uDFFF]/.test(text[offset])) offset--;
            length = random() < 0.3 ? Math.min(1 + Math.floor(random() * 4), text.length - offset) : 0;
            if (length > 0 && /[\uD800-\uDBFF]/.test(text[offset + length - 1])) length++;
            insert = TYPED[Math.floor(random() * TYPED.length)];
          }
          counter.applyChange(offset, length, insert);
          text = text.slice(0, offset) + insert + text.slice(offset + length);
          // Earlier typed spans after this edit move with it; one it overlapped is dropped.
          for (let t = typed.length - 1; t >= 0; t--) {
            const span = typed[t];
            if (span.at >= offset + length) span.at += insert.length - length;
            else if (span.at + span.length > offset) typed.splice(t, 1);
          }
          if (insert && !isLatin1(insert)) typed.push({ at: offset, length: insert.length });
          assert.equal(counter.total, reference(text), `seed ${seed}, edit ${i}: ${JSON.stringify({ offset, length, insert })}`);
        }
        assert.equal(counter.text, text, `seed ${seed}: the counter's text`);
      }
    });
  }
});
