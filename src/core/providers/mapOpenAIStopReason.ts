import type { StopReason } from './chat';

/** OpenAI `finish_reason` (also what OpenAI-compatible servers and Ollama's /v1 send). */
export function mapOpenAIStopReason(finishReason: string | null | undefined): StopReason {
  switch (finishReason) {
    case 'stop':
      return 'end';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    default:
      return 'other';
  }
}
