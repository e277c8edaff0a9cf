import { fMeasure, nGram, treeBankTokenize } from 'js-rouge';
import type { Check } from './assertionOutcome';

function counts(grams: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of grams) out.set(g, (out.get(g) ?? 0) + 1);
  return out;
}

/**
 * ROUGE-N F-score (n = 1) with clipped n-gram counts, on js-rouge's tokenizer and f-measure, as promptfoo 0.123.1
 * computes it (src/assertions/rouge.ts): both texts lower-cased, overlap = sum of min(candidate, reference) counts.
 */
export function rougeN(candidate: string, reference: string, n = 1): number {
  const cand = treeBankTokenize(candidate);
  const ref = treeBankTokenize(reference);
  if (cand.length < n || ref.length < n) return 0;
  const candGrams = nGram(cand, n);
  const refGrams = nGram(ref, n);
  const refCounts = counts(refGrams);
  let overlap = 0;
  for (const [gram, count] of counts(candGrams)) overlap += Math.min(count, refCounts.get(gram) ?? 0);
  if (overlap === 0) return 0;
  return fMeasure(overlap / candGrams.length, overlap / refGrams.length, 1);
}

/** rouge-n (promptfoo docs "ROUGE-N"): passes when the score >= threshold (default 0.75); `not-` flips pass and score. */
export function checkRougeN(output: string, value: unknown, negate: boolean, threshold = 0.75): Check {
  const score = rougeN(output.toLowerCase(), String(value).toLowerCase());
  return {
    pass: score >= threshold !== negate,
    score: negate ? 1 - score : score,
    reason: `ROUGE-N score ${score.toFixed(2)} is ${score >= threshold ? 'greater than or equal to' : 'less than'} threshold ${threshold}`,
    expected: String(value),
    actual: output,
  };
}

const words = (text: string) => text.toLowerCase().trim().split(/\s+/);

function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/**
 * Sentence BLEU with uniform 1-4-gram weights, clipped counts against the best reference, the closest reference
 * length for the brevity penalty, orders without candidate n-grams left out and zero precisions smoothed to 1e-7 —
 * promptfoo 0.123.1's definition (src/assertions/bleu.ts), not a textbook variant.
 */
export function bleu(candidate: string, references: readonly string[]): number {
  if (candidate.trim() === '') return 0;
  const cand = words(candidate);
  const refs = references.map(words);
  const closest = refs
    .map((r) => r.length)
    .reduce((prev, curr) => {
      const dc = Math.abs(curr - cand.length);
      const dp = Math.abs(prev - cand.length);
      return dc < dp || (dc === dp && curr < prev) ? curr : prev;
    });
  const orders: { precision: number; weight: number }[] = [];
  for (let n = 1; n <= 4; n++) {
    const candGrams = ngrams(cand, n);
    if (candGrams.length === 0) continue;
    const candCounts = counts(candGrams);
    let best = 0;
    for (const ref of refs) {
      const refCounts = counts(ngrams(ref, n));
      let clipped = 0;
      for (const [gram, count] of candCounts) clipped += Math.min(count, refCounts.get(gram) ?? 0);
      best = Math.max(best, clipped);
    }
    orders.push({ precision: best / candGrams.length, weight: 0.25 });
  }
  const bp = cand.length > closest ? 1 : Math.exp(1 - closest / cand.length);
  const weightSum = orders.reduce((a, o) => a + o.weight, 0);
  if (weightSum === 0) return 0;
  const logSum = orders.reduce((a, o) => a + (o.weight / weightSum) * Math.log(o.precision === 0 ? 1e-7 : o.precision), 0);
  return bp * Math.exp(logSum);
}

/** bleu (promptfoo docs "BLEU"): one reference or a list; passes when the score >= threshold (default 0.5). */
export function checkBleu(output: string, value: unknown, negate: boolean, threshold = 0.5): Check {
  const refs = Array.isArray(value) ? value.map(String) : [String(value)];
  const score = bleu(output, refs);
  const pass = score >= threshold !== negate;
  return {
    pass,
    score: negate ? 1 - score : score,
    reason: pass ? 'Assertion passed' : `BLEU score ${score.toFixed(4)} is ${negate ? 'greater' : 'less'} than threshold ${threshold}`,
    expected: refs.join('\n'),
    actual: output,
  };
}
