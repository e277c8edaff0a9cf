import type { ProviderConfig } from '../providers/adapter';
import { DEFAULT_BASE_URLS } from '../providers/defaultBaseUrls';

/** `gen_ai.provider.name` values the conventions define for OpenAI-compatible vendors, keyed by our usual provider ids. */
const WELL_KNOWN_COMPATIBLE: Readonly<Record<string, string>> = {
  groq: 'groq',
  deepseek: 'deepseek',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  perplexity: 'perplexity',
};

export interface ProviderIdentity {
  /** `gen_ai.provider.name`: the conventions' well-known value where one applies, else our provider id. */
  name: string;
  serverAddress?: string;
  serverPort?: number;
}

/** Resolves a provider id of the settings to how the conventions name it and where its server is. */
export function providerIdentities(providers: readonly ProviderConfig[]): (providerId: string) => ProviderIdentity {
  const cache = new Map<string, ProviderIdentity>();
  return (providerId) => {
    let identity = cache.get(providerId);
    if (!identity) {
      identity = identify(
        providers.find((p) => p.id === providerId),
        providerId,
      );
      cache.set(providerId, identity);
    }
    return identity;
  };
}

function identify(provider: ProviderConfig | undefined, providerId: string): ProviderIdentity {
  if (!provider) return { name: providerId };
  const name = provider.kind === 'openai-compatible' ? (WELL_KNOWN_COMPATIBLE[provider.id.toLowerCase()] ?? provider.id) : provider.kind;
  const base = provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind];
  if (!base) return { name };
  try {
    const url = new URL(base);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { name, serverAddress: url.hostname, serverPort: port };
  } catch {
    return { name };
  }
}
