import type { ProviderError } from './providerError';
import type { ChatEvent, ChatRequest } from './chat';

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible' | 'ollama' | 'azure';

/** One configured endpoint (settings `llmWorkbench.providers`). Keys never live here: see `KeySource`. */
export interface ProviderConfig {
  id: string;
  kind: ProviderKind;
  baseUrl?: string;
  /** Ollama: use the OpenAI-compatible `/v1` endpoint instead of the native `/api/chat`. */
  ollamaApi?: 'native' | 'openai';
  /** Ollama (native API): context size sent as `options.num_ctx` on every call; the window budgets are checked against. */
  numCtx?: number;
  /** Azure OpenAI: the `api-version` query parameter (default: promptfoo's, 2024-12-01-preview). */
  apiVersion?: string;
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
  /**
   * The error a call would fail with before sending anything because no key is stored (undefined: a key is there, or
   * none is needed). The gateway asks first, so a missing key is a skipped model, not an attempt.
   */
  missingKey?(model: string): Promise<ProviderError | undefined>;
  /** The context the server will actually use for this model, when the protocol can tell (Ollama: num_ctx). */
  contextWindowFor?(model: string): Promise<number | undefined>;
  /** The provider's own input-token count for a request, where the protocol has an endpoint for it (Anthropic). Rejects with a ProviderError. */
  countTokens?(model: string, request: ChatRequest): Promise<number>;
  /** One embedding of `input` (OpenAI-compatible `/v1/embeddings`). Rejects with a ProviderError. */
  embed?(model: string, input: string, signal?: AbortSignal): Promise<EmbeddingResult>;
}

export interface EmbeddingResult {
  embedding: number[];
  /** Input tokens the provider reports. */
  inputTokens?: number;
}
