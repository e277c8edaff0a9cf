import { fail, type GradedCheck, type GraderCalls } from './graderCalls';

export type SimilarityMetric = 'cosine' | 'dot_product' | 'euclidean';

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error('Vectors must be of equal length');
  const dot = a.reduce((acc, v, i) => acc + v * b[i], 0);
  const ma = Math.sqrt(a.reduce((acc, v) => acc + v * v, 0));
  const mb = Math.sqrt(b.reduce((acc, v) => acc + v * v, 0));
  return ma === 0 || mb === 0 ? 0 : dot / (ma * mb);
}

function score(metric: SimilarityMetric, a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error('Vectors must be of equal length');
  if (metric === 'cosine') return cosineSimilarity(a, b);
  if (metric === 'dot_product') return a.reduce((acc, v, i) => acc + v * b[i], 0);
  return Math.sqrt(a.reduce((acc, v, i) => acc + (v - b[i]) * (v - b[i]), 0));
}

/** promptfoo `buildSimilarityResult`: similarity >= threshold (distance <= threshold for euclidean), with EPSILON slack. */
function verdict(value: number, threshold: number, negate: boolean, metric: SimilarityMetric): GradedCheck {
  if (metric === 'euclidean') {
    const pass = negate ? value >= threshold - Number.EPSILON : value <= threshold + Number.EPSILON;
    const normalized = 1 / (1 + value);
    const below = `Distance ${value.toFixed(2)} is less than or equal to threshold ${threshold}`;
    const above = `Distance ${value.toFixed(2)} is greater than threshold ${threshold}`;
    return { pass, score: negate ? 1 - normalized : normalized, reason: pass ? (negate ? above : below) : negate ? below : above };
  }
  const pass = negate ? value <= threshold + Number.EPSILON : value >= threshold - Number.EPSILON;
  const greater = `Similarity ${value.toFixed(2)} is greater than or equal to threshold ${threshold}`;
  const less = `Similarity ${value.toFixed(2)} is less than threshold ${threshold}`;
  return { pass, score: negate ? 1 - value : value, reason: pass ? (negate ? less : greater) : negate ? greater : less };
}

/** promptfoo `matchesSimilarity` for one expected text: both texts embedded by the embedding grader, then compared. */
export async function matchesSimilarity(
  calls: GraderCalls,
  expected: string,
  output: string,
  threshold: number,
  negate: boolean,
  metric: SimilarityMetric,
): Promise<GradedCheck> {
  const [e, o] = await Promise.all([calls.embed(expected), calls.embed(output)]);
  if (e.error || o.error) return fail(e.error || o.error || 'Unknown error fetching embeddings');
  if (!e.embedding || !o.embedding) return fail('Embedding not found');
  return verdict(score(metric, e.embedding, o.embedding), threshold, negate, metric);
}

/**
 * similar / similar:cosine / similar:dot / similar:euclidean (promptfoo `handleSimilar`, default threshold 0.75).
 * A list passes when any value is similar enough (`not-`: when none is), checked in order, stopping early as there.
 */
export async function checkSimilar(
  calls: GraderCalls,
  value: string | string[],
  output: string,
  threshold: number | undefined,
  negate: boolean,
  metric: SimilarityMetric,
): Promise<GradedCheck> {
  const t = threshold ?? 0.75;
  if (!Array.isArray(value)) return matchesSimilarity(calls, value, output, t, negate, metric);
  if (negate) {
    let closest: GradedCheck | undefined;
    for (const v of value) {
      const r = await matchesSimilarity(calls, v, output, t, negate, metric);
      if (!r.pass) return r;
      if (!closest || r.score < closest.score) closest = r;
    }
    return closest!;
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const v of value) {
    const r = await matchesSimilarity(calls, v, output, t, negate, metric);
    if (r.pass) return r;
    if (r.score > max) max = r.score;
  }
  return { pass: false, score: max, reason: 'None of the provided values met the similarity threshold' };
}

/** The metric named by the type suffix (`similar:dot`), as promptfoo reads it. */
export function similarityMetric(type: string): SimilarityMetric {
  const suffix = type.split(':')[1];
  return suffix === 'dot' ? 'dot_product' : suffix === 'euclidean' ? 'euclidean' : 'cosine';
}
