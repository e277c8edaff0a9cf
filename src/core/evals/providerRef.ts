import type { ModelRef } from '../models/modelRef';

/** promptfoo puts the API flavour between provider and model (`openai:chat:gpt-4o-mini`); we route by provider:model. */
const API_FLAVOURS = new Set(['chat', 'completion', 'messages', 'responses']);

/**
 * Normalizes a promptfoo provider id or one of our refs to `provider:model`:
 * `openai:chat:gpt-4o-mini` -> `openai:gpt-4o-mini`, `anthropic:messages:claude-haiku-4-5` -> `anthropic:claude-haiku-4-5`,
 * `ollama:chat:llama3` -> `ollama:llama3`; `ollama:llama3.1:8b` stays (its second colon is the model tag).
 * Returns undefined for text that is not a reference at all.
 */
export function normalizeProviderRef(id: string): ModelRef | undefined {
  const trimmed = id.trim();
  const parts = trimmed.split(':');
  if (parts.length < 2 || parts.some((p, i) => p === '' && i < 2)) return undefined;
  const [provider, second, ...rest] = parts;
  if (API_FLAVOURS.has(second) && rest.length > 0 && rest.join(':') !== '') return `${provider}:${rest.join(':')}`;
  return trimmed;
}
