import type { ErrorKind } from './providerError';
import type { ProviderError } from './providerError';

/**
 * Kinds where the same call may succeed if sent again. `incomplete` is retryable: the stream broke off (cut,
 * malformed chunk), which says nothing about the next attempt; the gateway announces a restart if text was already
 * shown. Quota/spend-limit, auth, bad requests and context overflow will fail the same way again; `aborted` was the
 * caller's choice; `invalid_output` escalates to another model rather than repeating the same one.
 */
const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'rate_limit',
  'overloaded',
  'server',
  'timeout',
  'network',
  'incomplete',
]);

export function isRetryable(error: ProviderError): boolean {
  return RETRYABLE_KINDS.has(error.kind);
}
