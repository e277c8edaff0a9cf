import type { StopReason } from './chat';

/** Anthropic `stop_reason` from `message_delta`. */
export function mapAnthropicStopReason(stopReason: string | null | undefined): StopReason {
  switch (stopReason) {
    case 'end_turn':
      return 'end';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_use':
      return 'tool_use';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}
