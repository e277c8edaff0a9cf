/** What the host (editor, CLI, tests) injects into adapters: no adapter reaches for globals it was not given. */
export interface AdapterOptions {
  /** Replaces the global fetch for every HTTP call the adapter makes (SDK clients included). */
  fetch?: typeof fetch;
  /**
   * Idle timeout per call: the longest wait for the first byte or between two stream chunks, in ms.
   * An answer that keeps streaming is never cut short; a silent one becomes a `timeout` error.
   * Unset = no adapter-level timeout (the gateway may still cancel through `request.signal`).
   */
  timeoutMs?: number;
  /**
   * How a user sets the key for a provider, completing "… — <hint>" in auth messages.
   * Default: "set it with 'LLM Workbench: Set API Key'"; the CLI says which environment variable to set.
   */
  keyHint?: (providerId: string) => string;
  /** Redacts the keys in use from provider error text before it is clipped (see `withRedactedErrors`). */
  redact?: (text: string) => string;
}

export const DEFAULT_KEY_HINT = "set it with 'LLM Workbench: Set API Key'";
