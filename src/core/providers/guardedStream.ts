import { CallGuard } from './callGuard';
import type { ChatEvent, ChatRequest } from './chat';
import { abortedError, errorFromHttp, errorFromTransport, incompleteError, midAnswerTransportError, timeoutError } from './normalizeError';
import type { ProviderContext } from './providerContext';
import type { ProviderError } from './providerError';
import type { HeaderLookup } from './retryAfter';

/**
 * What one streaming call does inside its guard: yields the answer's text events as they arrive and returns the
 * events that end the call (usage + done, or one error).
 */
export type GuardedBody = (guard: CallGuard) => AsyncGenerator<ChatEvent, ChatEvent[]>;

/**
 * The frame every adapter's `stream` shares: an already-cancelled request sends nothing; the call runs under a
 * CallGuard (caller's signal + idle watchdog); the idle clock stops while the consumer holds a text event (its
 * slowness is not the provider's silence); an interruption — which the SDKs end quietly or with an error that does
 * not say which — becomes `timeout` or `aborted`; anything thrown is normalized by `toError`.
 */
export async function* guardedStream(
  context: ProviderContext,
  model: string,
  request: ChatRequest,
  idleTimeoutMs: number | undefined,
  toError: (error: unknown) => ProviderError,
  body: GuardedBody,
): AsyncGenerator<ChatEvent> {
  if (request.signal?.aborted) {
    yield { type: 'error', error: abortedError(context, model) };
    return;
  }
  const guard = new CallGuard(request.signal, idleTimeoutMs);
  const run = body(guard);
  let finished = false;
  try {
    let ending: ChatEvent[];
    for (;;) {
      const step = await run.next();
      if (step.done) {
        ending = step.value;
        break;
      }
      guard.pause();
      yield step.value;
      guard.touch();
    }
    finished = true;
    if (guard.interrupted) {
      yield { type: 'error', error: interruptionError(guard, context, model) };
      return;
    }
    yield* ending;
  } catch (error) {
    finished = true;
    if (guard.interrupted) yield { type: 'error', error: interruptionError(guard, context, model) };
    // A reset after the answer began cut the answer; it does not mean the provider could not be reached.
    else yield { type: 'error', error: guard.responded ? midAnswerTransportError(toError(error), context, model) : toError(error) };
  } finally {
    // A consumer that stops reading closes the body too, which ends its HTTP stream.
    if (!finished) await run.return([]);
    guard.dispose();
  }
}

/** Silence past the idle timeout is `timeout`; the caller's cancellation is `aborted`. */
export function interruptionError(guard: CallGuard, context: ProviderContext, model: string): ProviderError {
  return guard.timedOut ? timeoutError(context, model, guard.idleTimeoutMs) : abortedError(context, model);
}

type ErrorClass<T extends Error = Error> = abstract new (...args: never[]) => T;

/** The error classes the official OpenAI and Anthropic SDKs both export (same generator, same shapes). */
export interface SdkErrorClasses {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: ErrorClass<Error & { status: number | undefined; headers: HeaderLookup | undefined; error: unknown }>;
}

/** An error thrown by an official SDK, as one of our kinds. `malformed` names what a JSON.parse failure was parsing. */
export function normalizeSdkError(
  sdk: SdkErrorClasses,
  error: unknown,
  context: ProviderContext,
  model: string,
  malformed: string,
): ProviderError {
  if (error instanceof sdk.APIUserAbortError) return abortedError(context, model);
  if (error instanceof sdk.APIConnectionTimeoutError) return timeoutError(context, model, undefined);
  if (error instanceof sdk.APIConnectionError) return errorFromTransport(error.cause ?? error, context, model);
  if (error instanceof sdk.APIError)
    return errorFromHttp({ status: error.status, headers: error.headers, body: error.error }, context, model);
  // The SDKs' SSE decoders throw JSON.parse's error for a malformed event.
  if (error instanceof SyntaxError) return incompleteError(context, model, malformed, error);
  return errorFromTransport(error, context, model);
}
