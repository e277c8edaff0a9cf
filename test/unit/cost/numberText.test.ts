import * as assert from 'node:assert/strict';
import { countText, twoDecimalsText } from '../../../src/core/cost/numberText';

// The anchor is Intl itself: every value below must read exactly as toLocaleString('en-US', ...) writes it (which is
// Intl.NumberFormat with the same arguments; one instance each, as a formatter per call takes seconds over these values).
const intlCount = new Intl.NumberFormat('en-US').format;
const intlTwo = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format;

/** A fixed-seed generator, so a failure names a value that fails again. */
function* values(seed: number, count: number): Generator<number> {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** Math.floor(next() * 16 - 4);
    const sign = next() < 0.2 ? -1 : 1;
    // Raw doubles, values on a half cent (the rounding edge) and money-shaped sums of float cents.
    yield sign * next() * magnitude;
    yield (sign * (Math.floor(next() * 100_000) + 0.5)) / 100;
    yield sign * (Math.floor(next() * 1000) * 0.001 + Math.floor(next() * 1000) * 0.01);
  }
}

const EDGES = [
  0,
  -0,
  0.005,
  0.015,
  1.005,
  1.255,
  2.675,
  0.125,
  0.135,
  999.995,
  9999.995,
  1e15 + 0.5,
  123456789.125,
  1e-7,
  -1e-7,
  5e-324,
  1e21,
  1.5e21,
  -0.001,
  0.994999,
  0.995,
  1e300,
  1.2345678901234568e20,
  123456.785,
  Number.MAX_SAFE_INTEGER,
  NaN,
  Infinity,
  -Infinity,
];

describe('numberText: en-US number text without Intl (matches Intl exactly)', () => {
  it('twoDecimalsText writes what toLocaleString(en-US, 2 decimals) writes, at the rounding edges and over 15,000 values', () => {
    for (const n of [...EDGES, ...values(7, 5_000)]) assert.equal(twoDecimalsText(n), intlTwo(n), `for ${n}`);
  });

  it('countText writes what toLocaleString(en-US) writes, for whole numbers and anything else', () => {
    assert.equal(countText(1234.5), (1234.5).toLocaleString('en-US'));
    const whole = [...values(11, 5_000)].map((n) => Math.round(n));
    for (const n of [...EDGES, ...whole, 1, 12, 123, 1234, 12345, 123456, 1234567, -1234567, 1.5, 0.0004]) {
      assert.equal(countText(n), intlCount(n), `for ${n}`);
    }
  });
});
