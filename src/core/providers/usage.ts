/** Token usage of one call. Provider-reported counts are the truth for cost; a local count is an estimate. */
export interface Usage {
  input: { total: number; cacheRead?: number; cacheWrite?: number };
  output: { total: number; reasoning?: number };
  source: 'provider' | 'estimate';
}
