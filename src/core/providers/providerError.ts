/** Every failure an adapter or the gateway reports is one of these kinds, each with one actionable message. */
export type ErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'quota'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'network'
  | 'context_overflow'
  | 'bad_request'
  | 'aborted'
  | 'invalid_output'
  | 'incomplete';

export interface ProviderErrorInit {
  kind: ErrorKind;
  /** User-facing: says what happened and what to do. */
  message: string;
  provider?: string;
  model?: string;
  status?: number;
  /** From `retry-after-ms` or `retry-after`, when the provider sent one. */
  retryAfterMs?: number;
  /**
   * The request never reached the server (connection refused, DNS, host unreachable, connect timeout): a fault of the
   * provider's endpoint as a whole, not of one model. The gateway's per-provider circuit counts only these.
   */
  connectFailed?: boolean;
  /**
   * No key is stored for a provider that needs one: nothing was sent. For an error that sums up several models, set
   * when any of them lacked its key (Set API Key is then one of the fixes).
   */
  missingKey?: boolean;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly kind: ErrorKind;
  readonly provider?: string;
  readonly model?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly connectFailed?: boolean;
  readonly missingKey?: boolean;

  constructor(init: ProviderErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'ProviderError';
    this.kind = init.kind;
    this.provider = init.provider;
    this.model = init.model;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    if (init.connectFailed) this.connectFailed = true;
    if (init.missingKey) this.missingKey = true;
  }
}
