import type { ModelInfo, ModelPrice } from '../models/modelInfo';
import type { Usage } from '../providers/usage';

/** The prices that apply to a call of this many input tokens: a tier's (for the whole call) above its threshold. */
function pricesFor(price: ModelPrice, inputTokens: number): Omit<ModelPrice, 'tiers'> {
  let applicable: Omit<ModelPrice, 'tiers'> = price;
  for (const tier of [...(price.tiers ?? [])].sort((a, b) => a.aboveInputTokens - b.aboveInputTokens)) {
    if (inputTokens <= tier.aboveInputTokens) break;
    // A tier without its own cache prices keeps the base cache prices (LiteLLM's rule).
    applicable = {
      ...price,
      input: tier.input,
      output: tier.output,
      ...(tier.cacheRead !== undefined ? { cacheRead: tier.cacheRead } : {}),
      ...(tier.cacheWrite !== undefined ? { cacheWrite: tier.cacheWrite } : {}),
      ...(tier.cacheWrite1h !== undefined ? { cacheWrite1h: tier.cacheWrite1h } : {}),
    };
  }
  return applicable;
}

/**
 * USD for one call from its usage. `input.total` includes cached tokens: cache reads, 5-minute and 1-hour cache
 * writes are billed at their own rates (an absent cache-read or 5-minute-write price bills at the input rate, as
 * providers without prompt caching do); reasoning tokens, part of `output.total`, at the reasoning rate where a
 * model has one. Returns null when the price is unknown — including 1-hour writes on a model with no 1-hour price —
 * so callers show "unknown", never $0.
 */
export function costOfUsage(model: Pick<ModelInfo, 'price'> | undefined, usage: Usage): number | null {
  if (!model?.price) return null;
  const price = pricesFor(model.price, usage.input.total);
  const cacheRead = usage.input.cacheRead ?? 0;
  const cacheWrite = usage.input.cacheWrite ?? 0;
  const cacheWrite1h = Math.min(usage.input.cacheWrite1h ?? 0, cacheWrite);
  if (cacheWrite1h > 0 && price.cacheWrite1h === undefined) return null;
  const uncached = Math.max(0, usage.input.total - cacheRead - cacheWrite);
  const reasoning = price.reasoning !== undefined ? Math.min(usage.output.reasoning ?? 0, usage.output.total) : 0;
  return (
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    (cacheWrite - cacheWrite1h) * (price.cacheWrite ?? price.input) +
    cacheWrite1h * (price.cacheWrite1h ?? 0) +
    (usage.output.total - reasoning) * price.output +
    reasoning * (price.reasoning ?? price.output)
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
