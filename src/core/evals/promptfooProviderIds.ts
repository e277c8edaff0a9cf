/**
 * promptfoo provider ids -> the wire protocol promptfoo speaks for them (src/providers/registry.ts of promptfoo
 * 0.123.1). Every id either maps to a protocol one of our adapters serves exactly, or is refused with a message that
 * names the feature: an embedding, image or completion model is never sent to /chat/completions.
 */
import type { EvalProtocol } from './evalModel';

import { SETTINGS_VENDORS, VENDORS, type VendorPreset } from '../providers/vendorPresets';

export { SETTINGS_VENDORS, VENDORS, type VendorPreset };

export function vendorPreset(prefix: string): VendorPreset | undefined {
  return VENDORS.find((v) => v.prefix === prefix);
}

/** OpenAI model ids promptfoo 0.123.1 routes away from chat completions (its model lists, minus the chat ones). */
const OPENAI_COMPLETION_MODELS = new Set(['gpt-3.5-turbo-instruct', 'gpt-3.5-turbo-instruct-0914', 'babbage-002', 'davinci-002']);
const OPENAI_TTS_MODELS = new Set([
  'gpt-4o-mini-tts',
  'gpt-4o-mini-tts-2025-12-15',
  'gpt-4o-mini-tts-2025-03-20',
  'tts-1',
  'tts-1-1106',
  'tts-1-hd',
  'tts-1-hd-1106',
]);
const OPENAI_REALTIME_MODELS = new Set([
  'gpt-4o-mini-realtime-preview-2024-12-17',
  'gpt-realtime',
  'gpt-realtime-2025-08-28',
  'gpt-realtime-1.5',
  'gpt-realtime-2',
  'gpt-realtime-2.1',
  'gpt-realtime-2.1-mini',
  'gpt-realtime-mini',
  'gpt-realtime-mini-2025-12-15',
]);
const OPENAI_RESPONSES_ONLY = new Set([
  'gpt-5-pro',
  'gpt-5-pro-2025-10-06',
  'gpt-5.2-pro',
  'gpt-5.2-pro-2025-12-11',
  'gpt-5.3-codex',
  'gpt-5.5-pro',
  'gpt-5.5-pro-2026-04-23',
  'gpt-5.4-pro',
  'gpt-5.4-pro-2026-03-05',
  'o1-pro',
  'o1-pro-2025-03-19',
  'o3-pro',
  'o3-pro-2025-06-10',
  'gpt-5-codex-mini',
]);

export type ResolvedProviderId =
  { protocol: EvalProtocol; provider: string; model: string; vendor?: VendorPreset; azure?: boolean } | { refused: string };

const refuse = (feature: string, todo: string): ResolvedProviderId => ({ refused: `${feature}; ${todo}` });
const DELEGATE = "run this file with --engine promptfoo (the workspace's promptfoo)";

/** promptfoo's `shouldDefaultToOpenAiResponses`: gpt-5.6 and later (and gpt-6...) default to the Responses API. */
function defaultsToResponses(model: string): boolean {
  if (/^gpt-35(?:-|$)/.test(model)) return false;
  const version = /^gpt-(\d+)(?:\.(\d+))?(?:-|$)/.exec(model);
  if (!version) return false;
  const major = Number(version[1]);
  const minor = Number(version[2] ?? 0);
  return major > 5 || (major === 5 && minor >= 6);
}

export function resolveProviderId(id: string): ResolvedProviderId {
  const parts = id.split(':');
  const [prefix, second = ''] = parts;
  const rest = parts.slice(2).join(':');
  if (id.startsWith('file://') || id.startsWith('exec:') || id.startsWith('python:') || id.startsWith('http') || id.startsWith('ws')) {
    return refuse(
      `provider "${id}" runs custom code or calls an arbitrary endpoint (promptfoo's file/exec/http/websocket providers)`,
      DELEGATE,
    );
  }
  switch (prefix) {
    case 'openai':
      return resolveOpenAi(id, second, rest);
    case 'anthropic':
      return resolveAnthropic(id, second, rest);
    case 'ollama':
      if (second === 'chat' && rest) return { protocol: 'ollama-chat', provider: 'ollama', model: rest };
      if (second === 'embedding' || second === 'embeddings')
        return refuse(`"${id}" is an Ollama embedding model, not a chat model`, 'use it only as an embedding provider, or ' + DELEGATE);
      // promptfoo: `ollama:completion:<model>` and a bare `ollama:<model>` are its completion provider (/api/generate).
      if (second === 'completion' && !rest) return refuse(`"${id}" names no model`, 'write ollama:completion:<model>');
      if (!second) return refuse(`"${id}" names no model`, 'write ollama:<model> or ollama:chat:<model>');
      return { protocol: 'ollama-generate', provider: 'ollama', model: second === 'completion' ? rest : parts.slice(1).join(':') };
    case 'azure':
    case 'azureopenai':
      return resolveAzure(id, second, parts);
    case 'google':
    case 'vertex':
    case 'palm':
      return refuse(
        `"${id}" is Gemini's native API (promptfoo's ${prefix}: provider), which llm-workbench does not speak`,
        'use openai:chat:<gemini model> with apiBaseUrl: https://generativelanguage.googleapis.com/v1beta/openai and apiKeyEnvar: GEMINI_API_KEY, or ' +
          DELEGATE,
      );
  }
  const vendor = vendorPreset(prefix);
  if (!vendor)
    return refuse(
      `provider "${id}" is not one llm-workbench runs (it runs openai, anthropic, ollama:chat, azure:chat and ${VENDORS.map((v) => v.prefix).join(', ')})`,
      DELEGATE,
    );
  const model = parts.slice(1).join(':');
  if (!model) return refuse(`"${id}" names no model`, `write ${prefix}:<model>`);
  const special = ['embedding', 'embeddings', 'image', 'video', 'responses', 'voice', 'completion'];
  if (special.includes(second)) return refuse(`"${id}" is a ${vendor.label} ${second} provider, not chat completions`, DELEGATE);
  if (prefix === 'togetherai' && second === 'chat') return { protocol: 'openai-chat', provider: prefix, model: rest, vendor };
  return { protocol: 'openai-chat', provider: prefix, model, vendor };
}

/**
 * promptfoo's Azure registry entry: `azure:chat:<deployment>` / `azureopenai:chat:<deployment>` (the deployment is
 * the third segment). Deployments whose name makes promptfoo change the body (Grok 4+ strips penalties and stop,
 * Claude Opus 4.7+ strips sampling, forced tool choice) are refused rather than sent differently.
 */
function resolveAzure(id: string, type: string, parts: string[]): ResolvedProviderId {
  const deployment = parts[2] ?? '';
  if (type === 'chat') {
    if (!deployment) return refuse(`"${id}" names no deployment`, 'write azure:chat:<deployment>');
    if (parts.length > 3)
      return refuse(`"${id}" has a colon in its deployment name (promptfoo takes only "${deployment}")`, 'write azure:chat:<deployment>');
    if (/grok|claude|gpt-6-astra/i.test(deployment))
      return refuse(
        `"${id}" is a deployment whose name makes promptfoo rewrite the request (Grok and Claude sampling rules), which llm-workbench does not replicate`,
        DELEGATE,
      );
    return { protocol: 'openai-chat', provider: 'azure', model: deployment, azure: true };
  }
  const what: Record<string, string> = {
    assistant: 'the Azure Assistants API',
    'foundry-agent': 'an Azure AI Foundry agent',
    completion: "Azure's legacy completions API",
    embedding: 'an Azure embedding deployment (vectors, not text)',
    embeddings: 'an Azure embedding deployment (vectors, not text)',
    responses: "Azure's Responses API",
    image: 'an Azure image deployment',
    moderation: 'Azure Content Safety moderation',
    realtime: 'the Azure Realtime API',
    video: 'an Azure video deployment',
  };
  return refuse(
    `"${id}" is ${what[type] ?? `an Azure provider type ("${type || 'none'}")`}, which llm-workbench does not run (it runs azure:chat:<deployment>)`,
    DELEGATE,
  );
}

function resolveOpenAi(id: string, type: string, rest: string): ResolvedProviderId {
  if (type === 'chat') return { protocol: 'openai-chat', provider: 'openai', model: rest || 'gpt-5.6-terra' };
  if (type === 'responses') return { protocol: 'openai-responses', provider: 'openai', model: rest || 'gpt-5.6-terra' };
  const other: Record<string, string> = {
    embedding: 'an embedding model (vectors, not text)',
    embeddings: 'an embedding model (vectors, not text)',
    completion: 'the legacy completions API',
    image: 'an image generation model',
    video: 'a video generation model',
    assistant: 'the Assistants API',
    moderation: 'the moderation API',
    realtime: 'the Realtime API',
    transcription: 'speech transcription',
    tts: 'text to speech',
    speech: 'text to speech',
    live: 'the Live API',
    agents: 'OpenAI Agents',
    chatkit: 'ChatKit',
    codex: 'Codex',
    'codex-sdk': 'Codex',
    'codex-app-server': 'Codex',
    'codex-desktop': 'Codex',
    'codex-security': 'Codex Security',
    'agents-api': 'the Agents API',
  };
  if (other[type])
    return refuse(`"${id}" is ${other[type]}, not chat completions: llm-workbench never sends it to /chat/completions`, DELEGATE);
  if (defaultsToResponses(type)) return { protocol: 'openai-responses', provider: 'openai', model: type };
  if (OPENAI_COMPLETION_MODELS.has(type))
    return refuse(`"${id}" is a completions-API model (promptfoo sends it to /completions)`, DELEGATE);
  if (OPENAI_TTS_MODELS.has(type) || OPENAI_REALTIME_MODELS.has(type))
    return refuse(`"${id}" is a speech/realtime model, not chat completions`, DELEGATE);
  if (OPENAI_RESPONSES_ONLY.has(type)) return { protocol: 'openai-responses', provider: 'openai', model: type };
  return { protocol: 'openai-chat', provider: 'openai', model: rest ? `${type}:${rest}` : type };
}

function resolveAnthropic(id: string, type: string, rest: string): ResolvedProviderId {
  if (
    type === 'claude-agent-sdk' ||
    type === 'claude-code' ||
    id.startsWith('anthropic:claude-agent-sdk') ||
    id.startsWith('anthropic:claude-code')
  ) {
    return refuse(`"${id}" is the Claude Agent SDK (an agent with tools and a working directory), not the Messages API`, DELEGATE);
  }
  if (type === 'messages' && rest) return { protocol: 'anthropic-messages', provider: 'anthropic', model: rest };
  if (type === 'completion' || type === 'claude-2.0' || type === 'claude-2.1')
    return refuse(`"${id}" is Anthropic's legacy completions API`, DELEGATE);
  if (/^claude-[a-z0-9]/i.test(type))
    return { protocol: 'anthropic-messages', provider: 'anthropic', model: rest ? `${type}:${rest}` : type };
  return refuse(
    `"${id}" is not an Anthropic model id promptfoo accepts`,
    'write anthropic:messages:<model> (e.g. anthropic:messages:claude-haiku-4-5)',
  );
}
