/**
 * OpenAI-compatible vendors by prefix: their default base URL and the variable their key is read from. They are
 * configuration of the one OpenAI-compatible adapter, not code (a provider `{ id: 'groq', kind: 'openai-compatible' }`
 * with no baseUrl takes the preset's).
 */
export interface VendorPreset {
  prefix: string;
  baseUrl: string;
  keyVariable: string;
  label: string;
  /** The request body promptfoo builds: OpenAI's generic chat body, or Mistral's own. */
  body: 'openai' | 'mistral';
}

export const VENDORS: readonly VendorPreset[] = [
  { prefix: 'mistral', baseUrl: 'https://api.mistral.ai/v1', keyVariable: 'MISTRAL_API_KEY', label: 'Mistral', body: 'mistral' },
  { prefix: 'groq', baseUrl: 'https://api.groq.com/openai/v1', keyVariable: 'GROQ_API_KEY', label: 'Groq', body: 'openai' },
  { prefix: 'togetherai', baseUrl: 'https://api.together.xyz/v1', keyVariable: 'TOGETHER_API_KEY', label: 'Together AI', body: 'openai' },
  { prefix: 'deepseek', baseUrl: 'https://api.deepseek.com/v1', keyVariable: 'DEEPSEEK_API_KEY', label: 'DeepSeek', body: 'openai' },
  { prefix: 'xai', baseUrl: 'https://api.x.ai/v1', keyVariable: 'XAI_API_KEY', label: 'xAI', body: 'openai' },
  { prefix: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1', keyVariable: 'OPENROUTER_API_KEY', label: 'OpenRouter', body: 'openai' },
  { prefix: 'perplexity', baseUrl: 'https://api.perplexity.ai', keyVariable: 'PERPLEXITY_API_KEY', label: 'Perplexity', body: 'openai' },
  {
    prefix: 'fireworks',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    keyVariable: 'FIREWORKS_API_KEY',
    label: 'Fireworks',
    body: 'openai',
  },
  { prefix: 'cerebras', baseUrl: 'https://api.cerebras.ai/v1', keyVariable: 'CEREBRAS_API_KEY', label: 'Cerebras', body: 'openai' },
];

/**
 * Our settings-level presets: the same vendors plus Gemini's OpenAI-compatible endpoint (promptfoo's `google:` is
 * Gemini's native API, which we do not speak; in our settings `gemini` means the OpenAI-compatible one).
 */
export const SETTINGS_VENDORS: readonly Omit<VendorPreset, 'body'>[] = [
  ...VENDORS.map(({ body: _body, ...v }) => v),
  { prefix: 'together', baseUrl: 'https://api.together.xyz/v1', keyVariable: 'TOGETHER_API_KEY', label: 'Together AI' },
  { prefix: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai', keyVariable: 'GEMINI_API_KEY', label: 'Gemini' },
];
