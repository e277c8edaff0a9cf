import type { CostPart } from './callRecord';
import { formatUsd } from './pricing';

/** A call's cost as people read it: one amount, and which models' prices are missing from it. */
export interface CallCostSummary {
  /** `$0.0012`, `$0.0012+` (at least: a part has no price), or `unknown` (no part has one). */
  text: string;
  /** Models whose part of the call has no price (to add under llmWorkbench.models). */
  unpriced: string[];
  /** One line per billed model when there were several: `emu:cut: price unknown (≈ …)`. */
  byModel: string[];
}

/**
 * Sums a call's cost. With several billed models (one broke off mid-answer, the next answered) a known part stays
 * known and the unknown one is named, instead of the whole call turning `unknown` and being blamed on the model that
 * answered.
 */
export function callCostSummary(
  costUsd: number | null,
  answeredBy: string,
  parts?: readonly Pick<CostPart, 'model' | 'costUsd' | 'usageSource'>[],
): CallCostSummary {
  if (!parts || parts.length < 2) return { text: formatUsd(costUsd), unpriced: costUsd === null ? [answeredBy] : [], byModel: [] };
  const unpriced = parts.filter((p) => p.costUsd === null).map((p) => p.model);
  const known = parts.reduce((sum, p) => sum + (p.costUsd ?? 0), 0);
  const text = unpriced.length === parts.length ? 'unknown' : `${formatUsd(known)}${unpriced.length > 0 ? '+' : ''}`;
  const byModel = parts.map(
    (p) =>
      `${p.model}: ${p.costUsd === null ? 'price unknown' : formatUsd(p.costUsd)}${p.usageSource === 'estimate' ? ' (≈: it broke off before reporting usage)' : ''}`,
  );
  return { text, unpriced, byModel };
}
