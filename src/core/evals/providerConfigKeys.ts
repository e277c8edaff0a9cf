/**
 * Which provider `config` keys we send exactly as promptfoo sends them, per protocol. A key outside these lists
 * would change the request in promptfoo (tools, response schemas, thinking, headers...) and is refused at its line.
 */
import type { EvalProtocol } from './evalModel';

/** Where the request goes and with which key: handled by the key/endpoint rules, never sent in the body. */
export const ENDPOINT_KEYS = new Set(['apiKey', 'apiKeyEnvar', 'apiBaseUrl', 'apiHost', 'apiVersion']);

const OPENAI_BODY_KEYS = [
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'stop',
  'response_format',
  'reasoning_effort',
  'user',
  'metadata',
  'store',
  'service_tier',
  'passthrough',
];

const OLLAMA_OPTION_KEYS = [
  'temperature',
  'top_p',
  'top_k',
  'num_predict',
  'num_ctx',
  'seed',
  'stop',
  'repeat_penalty',
  'presence_penalty',
  'frequency_penalty',
  'mirostat',
  'num_keep',
];

const BODY_KEYS: Record<EvalProtocol, readonly string[]> = {
  'openai-chat': OPENAI_BODY_KEYS,
  'openai-responses': [
    'temperature',
    'max_output_tokens',
    'top_p',
    'instructions',
    'metadata',
    'store',
    'user',
    'seed',
    'reasoning_effort',
    'passthrough',
  ],
  'anthropic-messages': ['temperature', 'max_tokens', 'top_p', 'top_k', 'stop_sequences', 'metadata'],
  'ollama-chat': OLLAMA_OPTION_KEYS,
  // /api/generate: the same options (promptfoo's buildOllamaOptions); its top-level fields (system, template...) are refused.
  'ollama-generate': OLLAMA_OPTION_KEYS,
};

/** Keys that do not change what is sent (labels, prices we take from the catalog): accepted, not used. */
const INERT_KEYS = new Set(['cost', 'inputCost', 'outputCost']);

/** Mistral's own body has no seed/response_format quirks beyond these. */
const MISTRAL_BODY_KEYS = [
  'temperature',
  'max_tokens',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'stop',
  'safe_prompt',
  'random_seed',
  'response_format',
];

export function allowedConfigKeys(protocol: EvalProtocol, mistral = false): readonly string[] {
  return mistral ? MISTRAL_BODY_KEYS : BODY_KEYS[protocol];
}

/** undefined when the key is fine; otherwise why it is refused. */
export function configKeyProblem(protocol: EvalProtocol, key: string, value: unknown, mistral = false): string | undefined {
  if (ENDPOINT_KEYS.has(key) || INERT_KEYS.has(key)) return undefined;
  const allowed = allowedConfigKeys(protocol, mistral);
  if (!allowed.includes(key)) {
    const why: Record<string, string> = {
      tools: 'tool calling (the answer would be tool calls, not text)',
      functions: 'function calling (the answer would be a function call, not text)',
      tool_choice: 'tool calling',
      thinking: 'extended thinking',
      headers: 'custom HTTP headers',
      mcp: 'MCP tools',
      showThinking: 'reasoning text in the output',
      transform: 'a provider-level transform',
    };
    return `provider config \`${key}\`${why[key] ? ` (${why[key]})` : ''} is not something llm-workbench sends; supported here: ${allowed.join(', ')}, apiKey, apiKeyEnvar, apiBaseUrl${protocol.startsWith('openai') ? ', apiHost' : ''} — remove it, or run this file with --engine promptfoo`;
  }
  if (key === 'response_format' && !isPlainFormat(value)) {
    return 'provider config `response_format` other than {type: json_object} or {type: text} (a json_schema makes promptfoo parse the answer into an object): run this file with --engine promptfoo';
  }
  if (key === 'passthrough' && (value === null || typeof value !== 'object' || Array.isArray(value)))
    return 'provider config `passthrough` must be a mapping of request fields';
  return undefined;
}

function isPlainFormat(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    ['json_object', 'text'].includes((value as { type?: unknown }).type as string) &&
    Object.keys(value).length === 1
  );
}
