import type { KeySource, ProviderConfig } from '../providers/adapter';

/** The slice of VS Code's SecretStorage the key store needs (an in-memory one in tests). */
export interface SecretStore {
  get(name: string): PromiseLike<string | undefined>;
  store(name: string, value: string): PromiseLike<void>;
  delete(name: string): PromiseLike<void>;
}

/** Provider-scoped secret names, so two providers of the same kind (e.g. two OpenAI-compatible hosts) keep two keys. */
export function secretName(providerId: string): string {
  return `llmWorkbench.apiKey.${providerId}`;
}

/** Ollama runs locally and takes no key; every other kind may (OpenAI-compatible hosts usually do). */
export function needsKey(provider: ProviderConfig): boolean {
  return provider.kind !== 'ollama';
}

/** The gateway's KeySource over SecretStorage: read at call time, so a key set a moment ago is used at once. */
export function keySourceFrom(store: SecretStore): KeySource {
  return async (providerId) => (await store.get(secretName(providerId))) ?? undefined;
}

/** Why a pasted key cannot be right, or undefined when it looks usable. Never echoes the key. */
export function keyProblem(value: string): string | undefined {
  const key = value.trim();
  if (!key) return 'Paste the API key (it is stored in VS Code SecretStorage, never in settings).';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks: paste just the key.';
  if (key.length < 8) return 'That is too short to be an API key.';
  return undefined;
}
