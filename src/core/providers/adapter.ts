import type { ChatEvent, ChatRequest } from './chat';

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible' | 'ollama';

/** One configured endpoint (settings `llmWorkbench.providers`). Keys never live here: see `KeySource`. */
export interface ProviderConfig {
  id: string;
  kind: ProviderKind;
  baseUrl?: string;
  /** Ollama: use the OpenAI-compatible `/v1` endpoint instead of the native `/api/chat`. */
  ollamaApi?: 'native' | 'openai';
}

/** Supplies the API key for a provider id when a call is made (SecretStorage in the editor, env vars in the CLI). */
export type KeySource = (providerId: string) => Promise<string | undefined>;

export interface ModelListing {
  id: string;
  /** Context the server will actually use (Ollama: num_ctx), when known. */
  contextWindow?: number;
}

export interface ProviderAdapter {
  readonly id: string;
  readonly kind: ProviderKind;
  /** Streams text events, then exactly one usage event, then done; or an error event. Never throws for provider faults. */
  stream(model: string, request: ChatRequest): AsyncIterable<ChatEvent>;
  listModels?(): Promise<ModelListing[]>;
}
