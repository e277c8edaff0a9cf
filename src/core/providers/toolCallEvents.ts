import type { ChatEvent } from './chat';
import type { ProviderContext } from './providerContext';
import { ProviderError } from './providerError';
import { MalformedToolCall, type ToolCallAssembler } from './toolCallAssembler';

/** The assembled calls as `tool_call` events, or the `invalid_output` error a malformed one is. */
export function toolCallEvents(
  calls: ToolCallAssembler,
  context: ProviderContext,
  model: string,
): { events: ChatEvent[] } | { error: ChatEvent } {
  try {
    return { events: calls.finish().map((call) => ({ type: 'tool_call', call })) };
  } catch (error) {
    if (error instanceof MalformedToolCall) return { error: { type: 'error', error: invalidToolCallError(context, model, error) } };
    throw error;
  }
}

/** Retryable like any invalid output: the next attempt (or model) may well produce a call that parses. */
export function invalidToolCallError(context: ProviderContext, model: string, cause: MalformedToolCall): ProviderError {
  return new ProviderError({
    kind: 'invalid_output',
    provider: context.config.id,
    model,
    cause,
    message: `${context.label} ${model}: ${cause.message}`,
  });
}

/** A request this protocol cannot carry as asked: refused before anything is sent, never sent with other semantics. */
export function unsupportedRequestError(context: ProviderContext, model: string, what: string): ProviderError {
  return new ProviderError({ kind: 'bad_request', provider: context.config.id, model, message: `${context.label} ${model}: ${what}` });
}
