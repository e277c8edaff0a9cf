/** The request and event shapes every adapter speaks; see DESIGN.md "Contracts worth keeping stable". */

export type Task = 'chat' | 'code' | 'classify' | 'extract' | 'summarize' | 'reason';
export const TASKS: readonly Task[] = ['chat', 'code', 'classify', 'extract', 'summarize', 'reason'];

export type Role = 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface ChatRequest {
  task: Task;
  messages: ChatMessage[];
  system?: string;
  maxOutputTokens?: number;
  temperature?: number;
  /** 'json' asks the provider for a JSON object where the protocol supports it. */
  responseFormat?: 'text' | 'json';
  signal?: AbortSignal;
}

/** Why generation ended, normalized across protocols. */
export type StopReason = 'end' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'content_filter' | 'other';

export type ChatEvent =
  | { type: 'text'; text: string }
  | { type: 'usage'; usage: import('./usage').Usage }
  | { type: 'done'; stopReason: StopReason }
  | { type: 'error'; error: import('./providerError').ProviderError };
