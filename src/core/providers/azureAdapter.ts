import type OpenAI from 'openai';
import { OpenAIAdapter, type OpenAIAdapterInit } from './openaiAdapter';
import { loadOpenAI } from './sdkModules';

/** The `api-version` promptfoo 0.123.1's Azure chat provider sends when the config names none. */
export const DEFAULT_AZURE_API_VERSION = '2024-12-01-preview';

/**
 * Azure OpenAI deployments over the official client's `AzureOpenAI`: the same chat-completions wire format as
 * OpenAI, but the model is a deployment named in the path (`/openai/deployments/<deployment>/chat/completions`),
 * every call carries `?api-version=`, and the key travels in the `api-key` header. Everything else (streaming, the
 * usage chunk, errors) is the OpenAI adapter's.
 */
export class AzureOpenAIAdapter extends OpenAIAdapter {
  constructor(init: Omit<OpenAIAdapterInit, 'keyRequired' | 'usageRequired'>) {
    // Azure always sends the include_usage chunk, as OpenAI does; a key is needed (Entra ID tokens are not supported).
    super({ ...init, keyRequired: true, usageRequired: true });
  }

  protected override newClient(key: string | undefined): OpenAI {
    return new (loadOpenAI().AzureOpenAI)({
      apiKey: key ?? '',
      // `baseURL` given explicitly: the client would otherwise read OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT itself.
      baseURL: `${this.init.apiBaseUrl}/openai`,
      apiVersion: this.init.config.apiVersion ?? DEFAULT_AZURE_API_VERSION,
      maxRetries: 0, // the gateway owns retry policy
      fetch: this.init.options.fetch,
      logLevel: 'off',
      organization: null,
      project: null,
    });
  }
}
