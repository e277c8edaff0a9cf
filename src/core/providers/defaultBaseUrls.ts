import type { ProviderKind } from './adapter';

/** Where each kind talks when settings give no `baseUrl`. OpenAI-compatible has no default: it is only a base URL. */
export const DEFAULT_BASE_URLS: Readonly<Record<ProviderKind, string | undefined>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  ollama: 'http://localhost:11434',
  'openai-compatible': undefined,
  // Azure OpenAI: each resource has its own endpoint (https://<resource>.openai.azure.com); there is no default.
  azure: undefined,
};
