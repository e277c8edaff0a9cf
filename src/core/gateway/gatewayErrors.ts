import type { ModelRef } from '../models/modelRef';
import { ProviderError, type ErrorKind } from '../providers/providerError';

export function abortedError(): ProviderError {
  return new ProviderError({ kind: 'aborted', message: 'Cancelled: the request was stopped before the answer finished.' });
}

export function asProviderError(error: unknown, kind: ErrorKind): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError({ kind, message: error instanceof Error ? error.message : String(error), cause: error });
}

/** One model: its own actionable message. Several: each model's message on its own line. */
export function summarizeFailures(
  failures: { ref: ModelRef; error: ProviderError }[],
  lastError: ProviderError | undefined,
): ProviderError {
  if (failures.length === 0) return lastError ?? new ProviderError({ kind: 'bad_request', message: 'The route has no model to try.' });
  if (failures.length === 1) return failures[0].error;
  const last = failures[failures.length - 1].error;
  return new ProviderError({
    kind: last.kind,
    provider: last.provider,
    model: last.model,
    status: last.status,
    missingKey: failures.some((f) => f.error.missingKey),
    message: `No model on the route could answer:\n${failures.map((f) => `  ${f.ref}: ${f.error.message}`).join('\n')}`,
  });
}
