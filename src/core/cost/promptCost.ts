import { estimateCallCost, monthlyProjection } from './pricing';
import type { EncodingName, ModelInfo } from '../models/modelInfo';

/** Prompt size counted with one or more encodings (e.g. `{ o200k_base: 1200, cl100k_base: 1234 }`). */
export type TokenCounts = Partial<Record<EncodingName, number>>;

export interface CostRow {
  ref: string;
  displayName: string;
  /** Input tokens the price was computed for. */
  inputTokens: number;
  /** USD for one call (prompt + output); null = price unknown, shown as "unknown", never $0. */
  perCall: number | null;
  /** seeds/001: perCall × calls per day × 30; null when the price is unknown. */
  monthly: number | null;
  /** The input count is exact for this model (its own public encoding was used), else an estimate (≈). */
  exact: boolean;
}

/**
 * What one call with this prompt costs on each model, and per month at `callsPerDay`. `promptTokens` is either one
 * count made with `countedWith` (default o200k_base) or counts per encoding; each model uses the count of its own
 * encoding when there is one, and is marked as an estimate otherwise.
 */
export function costTable(
  promptTokens: number | TokenCounts,
  outputTokens: number,
  models: readonly ModelInfo[],
  callsPerDay: number,
  countedWith: EncodingName = 'o200k_base',
): CostRow[] {
  const counts: TokenCounts = typeof promptTokens === 'number' ? { [countedWith]: promptTokens } : promptTokens;
  const fallback = counts[countedWith] ?? Object.values(counts).find((value) => value !== undefined) ?? 0;
  return models.map((model) => {
    const own = counts[model.tokenizer.encoding];
    const inputTokens = own ?? fallback;
    return {
      ref: model.ref,
      displayName: model.displayName,
      inputTokens,
      perCall: estimateCallCost(model, inputTokens, outputTokens),
      monthly: monthlyProjection(model, inputTokens, outputTokens, callsPerDay),
      exact: model.tokenizer.kind === 'exact' && own !== undefined,
    };
  });
}
