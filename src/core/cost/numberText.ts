/**
 * `n.toLocaleString('en-US')` and its two-decimals form, written out: the first Intl number format in a process
 * loads ICU's locale data (45-100 ms), and the spend status bar formats its amounts during activation. Same text as
 * Intl for the numbers handled here (test/unit/cost/numberText.test.ts compares them over many values); anything
 * else (exponent forms, non-integer counts) is left to Intl itself.
 */

/** `12,408` for a whole number, as `toLocaleString('en-US')` writes it. */
export function countText(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return (n < 0 || Object.is(n, -0) ? '-' : '') + groupThousands(String(Math.abs(n)));
}

/**
 * `1,234.50`, as `toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })` writes it: Intl
 * rounds the number's shortest decimal form (what `String(n)` prints) half away from zero, so 1.005 gives 1.01.
 */
export function twoDecimalsText(n: number): string {
  const shortest = String(n);
  if (!/^-?\d+(\.\d+)?$/.test(shortest)) return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const negative = shortest.startsWith('-') || Object.is(n, -0);
  const [whole, fraction = ''] = shortest.replace('-', '').split('.');
  // Hundredths as a whole number of cents (digits only, no float arithmetic), rounded on the third decimal.
  let cents = BigInt(whole + (fraction + '00').slice(0, 2));
  if (fraction.length > 2 && fraction[2] >= '5') cents += 1n;
  const digits = cents.toString().padStart(3, '0');
  return `${negative ? '-' : ''}${groupThousands(digits.slice(0, -2))}.${digits.slice(-2)}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
