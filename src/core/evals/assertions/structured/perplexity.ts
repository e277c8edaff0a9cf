/**
 * `perplexity` and `perplexity-score` with promptfoo 0.123.1's semantics (src/assertions/perplexity.ts), from the
 * token logprobs the provider returned with the answer. promptfoo never asks for logprobs itself (nothing sets its
 * `includeLogProbs`), so they come back only when the request asks for them (`passthrough: {logprobs: true}`);
 * without them both tools fail the case with the same error.
 */
import type { Check } from '../assertionOutcome';

function meanLogProb(logProbs: number[]): number {
  return logProbs.reduce((sum, p) => sum + p, 0) / logProbs.length;
}

export function checkPerplexity(logProbs: number[] | undefined, threshold: number | undefined, negate: boolean): Check {
  if (!logProbs || logProbs.length === 0) throw new Error('Perplexity assertion does not support providers that do not return logProbs');
  const perplexity = Math.exp(-meanLogProb(logProbs));
  const pass = threshold === undefined ? true : perplexity <= threshold !== negate;
  return {
    pass,
    score: pass ? 1 : 0,
    reason: pass
      ? 'Assertion passed'
      : `Perplexity ${perplexity.toFixed(2)} is ${negate ? 'less than or equal to' : 'greater than'} threshold ${threshold}`,
  };
}

export function checkPerplexityScore(logProbs: number[] | undefined, threshold: number | undefined, negate: boolean): Check {
  if (!logProbs || logProbs.length === 0)
    throw new Error('perplexity-score assertion does not support providers that do not return logProbs');
  const normalized = 1 / (1 + Math.exp(-meanLogProb(logProbs)));
  const pass = threshold === undefined ? true : normalized >= threshold !== negate;
  return {
    pass,
    score: negate ? 1 - normalized : normalized,
    reason: pass
      ? 'Assertion passed'
      : `Perplexity score ${normalized.toFixed(2)} is ${negate ? 'greater than or equal to' : 'less than'} threshold ${threshold}`,
  };
}
