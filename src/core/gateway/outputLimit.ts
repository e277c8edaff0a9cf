import type { ModelLimits } from '../models/windowCheck';

/**
 * The output limit sent when the caller set none: the model's own maximum output (`max_output_tokens` in the
 * catalog), not a configured reserve (a 1,000-token cap silently truncated long answers). Where prompt and answer
 * share one window (an Ollama server's num_ctx, a `contextWindow` setting) never more than the window leaves after
 * the prompt; with an estimated prompt count a tenth of that room is kept back, since the estimate may run low.
 * Never less than the reserve the window check already passed. Limits nobody knows (`limits` undefined: a model the
 * catalog lacks) send no limit: the provider's own default applies (Anthropic, which requires one, gets its
 * adapter's default).
 */
export function defaultOutputLimit(
  limits: ModelLimits | undefined,
  inputTokens: number,
  reserve: number,
  exactCount: boolean,
): number | undefined {
  if (!limits || !(limits.maxOutput > 0)) return undefined;
  let limit = limits.maxOutput;
  if (limits.combinedWindow !== undefined) {
    const room = limits.combinedWindow - inputTokens;
    limit = Math.min(limit, exactCount ? room : Math.floor(room * 0.9));
  }
  return Math.max(limit, Math.min(reserve, limits.maxOutput), 1);
}
