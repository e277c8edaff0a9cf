import { formatUsd } from '../cost/pricing';
import type { RunEstimate } from '../evals/editor/runEstimate';
import { describeEstimate } from './runEvalTool';

/**
 * Over MCP there is no dialog to ask: a spending tool runs only under a cost cap the caller gives, and only when the
 * estimate is known and within it. Returns the refusal, or undefined to go ahead.
 */
export function spendRefusal(estimate: RunEstimate, maxCostUsd: unknown): string | undefined {
  const what = describeEstimate(estimate);
  if (typeof maxCostUsd !== 'number' || !(maxCostUsd >= 0)) {
    return `This tool calls models and costs money (${what}). Call it again with maxCostUsd, the most it may spend in USD.`;
  }
  if (estimate.unknownPriceCalls > 0 || estimate.usd === null) {
    return `Not run: ${what}; a cost that is not known cannot be held to maxCostUsd ${formatUsd(maxCostUsd)}. Add the models' prices to llmWorkbench.models.`;
  }
  if (estimate.usd > maxCostUsd) return `Not run: ${what}, over maxCostUsd ${formatUsd(maxCostUsd)}.`;
  return undefined;
}
