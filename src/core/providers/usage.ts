/** Token usage of one call. Provider-reported counts are the truth for cost; a local count is an estimate. */
export interface Usage {
  /**
   * `total` includes cached tokens. `cacheWrite` counts every prompt-cache write; `cacheWrite1h` is the part of
   * them written to Anthropic's 1-hour cache (billed at 2× input where 5-minute writes are 1.25×).
   */
  input: { total: number; cacheRead?: number; cacheWrite?: number; cacheWrite1h?: number };
  output: { total: number; reasoning?: number };
  source: 'provider' | 'estimate';
}
