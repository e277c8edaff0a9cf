import { formatUsd } from '../../cost/pricing';
import type { Check } from './assertionOutcome';

/** latency: passes when the call took <= threshold ms. A cached answer keeps the latency it was measured with. */
export function checkLatency(latencyMs: number, threshold: number, negate: boolean, cached: boolean): Check {
  const within = latencyMs <= threshold;
  const pass = within !== negate;
  const note = cached ? ' (measured when the answer was cached; rerun with --no-cache to measure again)' : '';
  return {
    pass,
    score: pass ? 1 : 0,
    reason: pass
      ? 'Assertion passed'
      : negate
        ? `Latency ${latencyMs} ms is within threshold ${threshold} ms${note}`
        : `Latency ${latencyMs} ms is greater than threshold ${threshold} ms${note}`,
    expected: `<= ${threshold} ms`,
    actual: `${latencyMs} ms`,
  };
}

/** cost: passes when the call cost <= threshold USD. Unknown cost fails: it cannot be checked, and is never taken as $0. */
export function checkCost(costUsd: number | null, threshold: number, negate: boolean): Check {
  if (costUsd === null) {
    return {
      pass: false,
      score: 0,
      reason:
        'Cost is unknown for this model (no price in the catalog): add its prices under llmWorkbench.models (inputPerMTok, outputPerMTok) or remove the cost assertion',
    };
  }
  const within = costUsd <= threshold;
  const pass = within !== negate;
  return {
    pass,
    score: pass ? 1 : 0,
    reason: pass
      ? 'Assertion passed'
      : negate
        ? `Cost ${formatUsd(costUsd)} is within threshold ${formatUsd(threshold)}`
        : `Cost ${formatUsd(costUsd)} is greater than threshold ${formatUsd(threshold)}`,
    expected: `<= ${formatUsd(threshold)}`,
    actual: formatUsd(costUsd),
  };
}
