import type { StopReason } from '../providers/chat';
import type { GatewayRequest } from '../gateway/gatewayApi';

/** Longest text part put on a span; the rest is cut with a note (collectors reject multi-megabyte spans). */
export const MAX_CONTENT_CHARS = 32_768;

function part(content: string): { type: 'text'; content: string } {
  if (content.length <= MAX_CONTENT_CHARS) return { type: 'text', content };
  return {
    type: 'text',
    content: `${content.slice(0, MAX_CONTENT_CHARS)}…[truncated: ${content.length - MAX_CONTENT_CHARS} more characters]`,
  };
}

/** `gen_ai.input.messages` in the conventions' JSON schema (role + parts), as a JSON string. */
export function inputMessages(request: GatewayRequest): string {
  return JSON.stringify(request.messages.map((m) => ({ role: m.role, parts: [part(m.content)] })));
}

/** `gen_ai.system_instructions`: the system prompt, which our requests carry apart from the messages. */
export function systemInstructions(request: GatewayRequest): string | undefined {
  return request.system ? JSON.stringify([part(request.system)]) : undefined;
}

/** `gen_ai.output.messages`: the one answer, with its finish reason. */
export function outputMessages(text: string, finishReason: string | undefined): string {
  return JSON.stringify([{ role: 'assistant', parts: [part(text)], finish_reason: finishReason ?? 'stop' }]);
}

/** Our normalized stop reasons as the conventions' finish reasons (the output-messages schema's values). */
export function finishReason(stop: StopReason | string | undefined): string | undefined {
  switch (stop) {
    case undefined:
      return undefined;
    case 'end':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_call';
    case 'content_filter':
      return 'content_filter';
    default:
      return String(stop);
  }
}
