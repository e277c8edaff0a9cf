import type { ModelInfo, ModelPrice } from '../models/modelInfo';
import type { Usage } from '../providers/usage';

/** The price tier that applies to a call of this many input tokens. */
function tierFor(price: ModelPrice, inputTokens: number): { input: number; output: number } {
  let applicable = { input: price.input, output: price.output };
  for (const tier of price.tiers ?? []) {
    if (inputTokens > tier.aboveInputTokens) applicable = { input: tier.input, output: tier.output };
  }
  return applicable;
}

/**
 * USD for one call from its usage. Cache reads and writes are billed at their own rates when the model has them.
 * Returns null when the price is unknown: callers show "unknown", never $0.
 */
export function costOfUsage(model: Pick<ModelInfo, 'price'> | undefined, usage: Usage): number | null {
  const price = model?.price;
  if (!price) return null;
  const { input, output } = tierFor(price, usage.input.total);
  const cacheRead = usage.input.cacheRead ?? 0;
  const cacheWrite = usage.input.cacheWrite ?? 0;
  const uncached = Math.max(0, usage.input.total - cacheRead - cacheWrite);
  return (
    uncached * input +
    cacheRead * (price.cacheRead ?? input) +
    cacheWrite * (price.cacheWrite ?? input) +
    usage.output.total * output
  );
}

/** One call's cost for an estimated input and output size. */
export function estimateCallCost(model: Pick<ModelInfo, 'price'> | undefined, inputTokens: number, outputTokens: number): number | null {
  return costOfUsage(model, { input: { total: inputTokens }, output: { total: outputTokens }, source: 'estimate' });
}

/** seeds/001: monthly_cost ≈ (avg_input × price_in + avg_output × price_out) × requests_per_day × 30. */
export function monthlyProjection(
  model: Pick<ModelInfo, 'price'> | undefined,
  inputTokens: number,
  outputTokens: number,
  callsPerDay: number,
): number | null {
  const perCall = estimateCallCost(model, inputTokens, outputTokens);
  return perCall === null ? null : perCall * callsPerDay * 30;
}

/** `$0.0004`, `$1.23`, or `unknown`: small amounts keep significant digits, unknown stays unknown. */
export function formatUsd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return 'unknown';
  if (amount === 0) return '$0.00';
  if (amount < 0.01) return `$${amount.toPrecision(2).replace(/0+$/, '').replace(/\.$/, '')}`;
  if (amount < 100) return `$${amount.toFixed(amount < 1 ? 4 : 2)}`;
  return `$${amount.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}
