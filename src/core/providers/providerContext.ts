import type { ProviderConfig } from './adapter';

/** What an error message needs to name the provider, where it lives and how to fix a key. */
export interface ProviderContext {
  config: ProviderConfig;
  /** Human name used in messages: "OpenAI", "Anthropic", "Ollama", or `<id> (OpenAI-compatible)`. */
  label: string;
  /** The base URL actually used. */
  baseUrl: string;
  /** Completes "… — <hint>" in key messages. */
  keyHint: string;
  /** Removes the keys in use from provider text; applied before any clipping, so a clipped key cannot slip through. */
  redact?: (text: string) => string;
}

export function providerLabel(config: ProviderConfig): string {
  switch (config.kind) {
    case 'openai':
      return 'OpenAI';
    case 'anthropic':
      return 'Anthropic';
    case 'ollama':
      return 'Ollama';
    case 'openai-compatible':
      return `'${config.id}' (OpenAI-compatible)`;
    case 'azure':
      return 'Azure OpenAI';
  }
}
