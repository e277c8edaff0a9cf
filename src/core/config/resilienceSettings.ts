/** How hard the gateway tries one model before it moves on (settings `llmWorkbench.gateway`, all optional). */
export interface ResilienceSettings {
  /** Attempts per model, the first included. */
  maxAttempts: number;
  /** Backoff before the first retry; doubles per retry, with jitter, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Cap on the total time one request spends waiting between retries; a longer Retry-After goes to the fallback. */
  maxTotalWaitMs: number;
  /** Longest wait for the first chunk of an answer. */
  firstByteTimeoutMs: number;
  /** Longest silence between two chunks once the answer started. */
  idleTimeoutMs: number;
  /** Consecutive provider faults that open a provider's circuit. */
  breakerThreshold: number;
  /** How long an open circuit skips the provider before one trial call (half-open). */
  breakerCooldownMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceSettings = {
  maxAttempts: 3,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalWaitMs: 30_000,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 30_000,
  breakerThreshold: 5,
  breakerCooldownMs: 30_000,
};
