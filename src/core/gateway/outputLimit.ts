import type { ModelInfo } from '../models/modelInfo';

/**
 * The output limit sent when the caller set none: the model's own maximum output from the catalog, not a
 * configured reserve (a 1,000-token cap silently truncated long answers). Never more than the window leaves after
 * the prompt; with an estimated prompt count a tenth of that room is kept back, since the estimate may run low.
 * Never less than the reserve the window check already passed. A model the catalog does not know gets no limit:
 * the provider's own default applies (its real maximum; Anthropic, which requires one, gets its adapter's default).
 */
export function defaultOutputLimit(info: ModelInfo | undefined, window: number | undefined, inputTokens: number, reserve: number, exactCount: boolean): number | undefined {
  if (!info || !(info.maxOutput > 0)) return undefined;
  let limit = info.maxOutput;
  if (window !== undefined) {
    const room = window - inputTokens;
    limit = Math.min(limit, exactCount ? room : Math.floor(room * 0.9));
  }
  return Math.max(limit, Math.min(reserve, info.maxOutput), 1);
}
