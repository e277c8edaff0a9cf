import type { StopReason } from './chat';

/** Ollama `done_reason` on the final `/api/chat` object. */
export function mapOllamaStopReason(doneReason: string | null | undefined): StopReason {
  switch (doneReason) {
    case 'stop':
      return 'end';
    case 'length':
      return 'max_tokens';
    default:
      return 'other';
  }
}
