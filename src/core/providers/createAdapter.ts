import type { KeySource, ProviderAdapter, ProviderConfig } from './adapter';
import { DEFAULT_KEY_HINT, type AdapterOptions } from './adapterOptions';
import { AnthropicAdapter } from './anthropicAdapter';
import { AzureOpenAIAdapter } from './azureAdapter';
import { DEFAULT_BASE_URLS } from './defaultBaseUrls';
import { SETTINGS_VENDORS } from './vendorPresets';
import { OllamaAdapter } from './ollamaAdapter';
import { OpenAIAdapter } from './openaiAdapter';
import { providerLabel, type ProviderContext } from './providerContext';
import { ProviderError } from './providerError';

/**
 * The one way to get an adapter for a configured provider. Throws a `bad_request` ProviderError for a configuration
 * that can never work (OpenAI-compatible without `baseUrl`, a base URL that is not http(s)); every fault after that
 * arrives as an `error` event from `stream`.
 */
export function createAdapter(config: ProviderConfig, keys: KeySource, options: AdapterOptions = {}): ProviderAdapter {
  const baseUrl = resolveBaseUrl(config);
  const context: ProviderContext = {
    config,
    label: providerLabel(config),
    baseUrl,
    keyHint: (options.keyHint ?? (() => DEFAULT_KEY_HINT))(config.id),
    ...(options.redact ? { redact: options.redact } : {}),
  };
  switch (config.kind) {
    case 'openai':
      return new OpenAIAdapter({ config, keys, options, context, apiBaseUrl: baseUrl, keyRequired: true, usageRequired: true });
    case 'openai-compatible':
      return new OpenAIAdapter({ config, keys, options, context, apiBaseUrl: baseUrl, keyRequired: false, usageRequired: false });
    case 'azure':
      return new AzureOpenAIAdapter({ config, keys, options, context, apiBaseUrl: baseUrl });
    case 'anthropic':
      return new AnthropicAdapter({ config, keys, options, context });
    case 'ollama':
      return new OllamaAdapter({ config, keys, options, context });
    default:
      throw configError(
        config,
        `has unknown kind '${String((config as { kind: unknown }).kind)}' — use openai, anthropic, openai-compatible, ollama or azure`,
      );
  }
}

function resolveBaseUrl(config: ProviderConfig): string {
  const preset = config.kind === 'openai-compatible' ? SETTINGS_VENDORS.find((v) => v.prefix === config.id)?.baseUrl : undefined;
  const raw = config.baseUrl?.trim() || preset || DEFAULT_BASE_URLS[config.kind];
  if (!raw && config.kind === 'azure') {
    throw configError(
      config,
      'is Azure OpenAI and needs its resource endpoint as baseUrl (e.g. https://my-resource.openai.azure.com) — add it to llmWorkbench.providers, or set AZURE_API_HOST for the CLI',
    );
  }
  if (!raw) {
    throw configError(
      config,
      'is OpenAI-compatible and needs a baseUrl (e.g. http://localhost:1234/v1) — add it to llmWorkbench.providers',
    );
  }
  // OLLAMA_HOST is often written without a scheme ("localhost:11434").
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw configError(config, `has a baseUrl that is not a URL ('${raw}') — fix it in llmWorkbench.providers`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(config, `has a baseUrl that is not http(s) ('${raw}') — fix it in llmWorkbench.providers`);
  }
  return withScheme.replace(/\/+$/, '');
}

function configError(config: ProviderConfig, problem: string): ProviderError {
  return new ProviderError({ kind: 'bad_request', provider: config.id, message: `Provider '${config.id}' ${problem}` });
}
