import type { ResilienceSettings } from '../config/resilienceSettings';
import type { OutputValidator } from '../config/routingRule';
import type { ChatEvent, StopReason } from '../providers/chat';
import { ProviderError } from '../providers/providerError';
import type { Usage } from '../providers/usage';
import { CircuitOpenError, circuitOpenMessage, type CircuitBreakers } from './circuitBreakers';
import { EventQueue } from './eventQueue';
import { abortedError, asProviderError } from './gatewayErrors';
import type { GatewayEvent, GatewayRequest } from './gatewayApi';
import { validateOutput } from './outputValidator';
import type { Prepared } from './prepareModel';
import type { RetryBudget } from './retryPolicy';
import { watchStream } from './streamWatchdog';

export type AttemptOutcome =
  | { ok: true; text: string; usage?: Usage; stopReason: StopReason; ttftAt?: number; logProbs?: number[] }
  | { ok: false; error: ProviderError; text: string; usage?: Usage; started: boolean; circuitOpen?: boolean };

/**
 * One attempt on one model, inside its circuit breakers (the model's, and the provider's for connection failures). Yields `attempt` once the breaker lets it
 * through, then text as it streams; returns how it ended. Usage and done are held back until the answer passed
 * its validator, so a caller never sees `done` for an answer that is about to be replaced.
 */
export async function* runAttempt(
  p: Prepared,
  request: GatewayRequest,
  validator: OutputValidator | undefined,
  breakers: CircuitBreakers,
  resilience: ResilienceSettings,
  /** Cuts the attempt's silence limits to what is left of the model's wait cap, and hears how long a stall lasted. */
  budget: RetryBudget,
): AsyncGenerator<GatewayEvent, AttemptOutcome> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(request.signal?.reason);
  if (request.signal?.aborted) controller.abort(request.signal.reason);
  else request.signal?.addEventListener('abort', onAbort, { once: true });

  const queue = new EventQueue<ChatEvent | { type: 'attempt' }>();
  let started = false;
  let completed = false;
  const providerRequest = { ...request, maxOutputTokens: p.maxOutputTokens, signal: controller.signal };
  const limits = budget.silenceLimits();
  const execution = breakers.execute(p.providerId, p.ref, async () => {
    started = true;
    queue.push({ type: 'attempt' });
    let done = false;
    for await (const event of watchStream(p.adapter.stream(p.modelId, providerRequest), limits, controller, p.ref, (ms) =>
      budget.stalledFor(ms),
    )) {
      if (event.type === 'error') throw event.error;
      queue.push(event);
      if (event.type === 'done') done = true;
    }
    if (!done) {
      throw new ProviderError({
        kind: 'incomplete',
        provider: p.providerId,
        model: p.modelId,
        message: `${p.ref} ended its answer without finishing it (no end-of-stream event)`,
      });
    }
  });
  execution.then(
    () => queue.close(),
    (error: unknown) => queue.fail(error),
  );

  let text = '';
  let toolCalls = 0;
  let usage: Usage | undefined;
  let stopReason: StopReason = 'other';
  let logProbs: number[] | undefined;
  try {
    for await (const event of queue) {
      if (event.type === 'attempt') yield { type: 'attempt', model: p.ref, attempt: 0 };
      else if (event.type === 'text') {
        text += event.text;
        yield event;
      } else if (event.type === 'tool_call') {
        toolCalls++;
        yield event;
      } else if (event.type === 'usage') usage = event.usage;
      else if (event.type === 'done') {
        stopReason = event.stopReason;
        logProbs = event.logProbs;
      }
    }
    completed = true;
  } catch (error) {
    completed = true;
    if (error instanceof CircuitOpenError)
      return { ok: false, started, text, circuitOpen: true, error: circuitOpenError(p, error, resilience) };
    const normalized = controller.signal.aborted && request.signal?.aborted ? abortedError() : asProviderError(error, 'network');
    return { ok: false, started, text, usage, error: normalized };
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
    // The caller stopped reading (or broke out): cancel the request instead of letting it run on.
    if (!completed) controller.abort(new Error('the caller stopped reading'));
  }

  // A validator checks a text answer; an answer that calls tools has none yet (the caller runs them and asks again).
  const invalid = validator && toolCalls === 0 ? validatorError(p, text, validator) : undefined;
  if (invalid) return { ok: false, started, text, usage, error: invalid };
  return { ok: true, text, usage, stopReason, ...(logProbs ? { logProbs } : {}) };
}

function circuitOpenError(p: Prepared, error: CircuitOpenError, resilience: ResilienceSettings): ProviderError {
  return new ProviderError({
    kind: 'overloaded',
    provider: p.providerId,
    model: p.modelId,
    message: circuitOpenMessage(error.circuit, resilience),
  });
}

/** Why the answer fails the route's validator, as the error that sends the call to its fallback; none when it passes. */
function validatorError(p: Prepared, text: string, validator: OutputValidator): ProviderError | undefined {
  const problem = validateOutput(text, validator);
  if (!problem) return undefined;
  return new ProviderError({
    kind: 'invalid_output',
    provider: p.providerId,
    model: p.modelId,
    message: `${p.ref}'s answer failed the route's validator: ${problem}`,
  });
}
