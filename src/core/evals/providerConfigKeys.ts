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
  'tools',
  'tool_choice',
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

/** Keys of OpenAI's own API that Azure's chat body (getOpenAiBody) does not forward. */
const OPENAI_ONLY_BODY_KEYS = new Set(['user', 'metadata', 'store', 'service_tier']);

/**
 * promptfoo's Azure chat body (AzureChatCompletionProvider.getOpenAiBody): the OpenAI sampling keys, plus the
 * deployment's model facts it reads (`isReasoningModel`, `o1`, `modelName`). Azure-only request shapes (`dataSources`,
 * `functions`, `deployment_id`, `headers`, `mcp`, `systemPrompt`, `omitDefaults`...) stay refused.
 */
const AZURE_BODY_KEYS = [...OPENAI_BODY_KEYS.filter((key) => !OPENAI_ONLY_BODY_KEYS.has(key)), 'isReasoningModel', 'o1', 'modelName'];

export type BodyFlavour = 'mistral' | 'azure' | undefined;

export function allowedConfigKeys(protocol: EvalProtocol, flavour?: BodyFlavour | boolean): readonly string[] {
  if (flavour === 'mistral' || flavour === true) return MISTRAL_BODY_KEYS;
  if (flavour === 'azure') return AZURE_BODY_KEYS;
  return BODY_KEYS[protocol];
}

/** undefined when the key is fine; otherwise why it is refused. */
export function configKeyProblem(protocol: EvalProtocol, key: string, value: unknown, flavour?: BodyFlavour | boolean): string | undefined {
  if (ENDPOINT_KEYS.has(key) || INERT_KEYS.has(key)) return undefined;
  const mistral = flavour === 'mistral' || flavour === true;
  const allowed = allowedConfigKeys(protocol, flavour);
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
    return `provider config \`${key}\`${why[key] ? ` (${why[key]})` : ''} is not something llm-workbench sends; supported here: ${allowed.join(', ')}, apiKey, apiKeyEnvar, apiBaseUrl${protocol.startsWith('openai') ? ', apiHost' : ''}${flavour === 'azure' ? ', apiVersion' : ''} — remove it, or run this file with --engine promptfoo`;
  }
  if (key === 'response_format' && (mistral ? !isPlainFormat(value) : !isKnownFormat(value))) {
    return 'provider config `response_format` must be {type: text}, {type: json_object}, {type: json_schema, json_schema: {name, schema}} or a file:// reference to one';
  }
  if ((key === 'isReasoningModel' || key === 'o1') && typeof value !== 'boolean') return `provider config \`${key}\` must be true or false`;
  if (key === 'modelName' && typeof value !== 'string') return 'provider config `modelName` must be the model name the deployment serves';
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

/** The forms promptfoo's OpenAI chat provider sends as they are (a json_schema answer is then parsed into an object). */
function isKnownFormat(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('file://');
  return (
    value !== null &&
    typeof value === 'object' &&
    ['json_object', 'text', 'json_schema'].includes((value as { type?: unknown }).type as string)
  );
}
