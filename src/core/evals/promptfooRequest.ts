/**
 * The request body promptfoo 0.123.1 sends for a rendered prompt, per protocol: how the prompt text becomes messages
 * (OpenAI's parseChatPrompt, Anthropic's parseMessages, the Responses API's input), and its defaults
 * (temperature 0 and max_tokens 1024 where promptfoo sets them). Our adapters send this body as it is.
 */
import { parse as parseYaml } from 'yaml';
import type { ChatMessage } from '../providers/chat';
import type { EvalProtocol } from './evalModel';

export class PromptShapeError extends Error {}

export interface BuiltRequest {
  body: Record<string, unknown>;
  /** The text of the messages, for token counting and the context check (what the gateway budgets). */
  messages: ChatMessage[];
  system?: string;
  maxOutputTokens?: number;
}

export function buildRequest(
  protocol: EvalProtocol,
  model: string,
  prompt: string,
  config: Record<string, unknown>,
  flavour: 'openai' | 'mistral' | 'azure' = 'openai',
): BuiltRequest {
  switch (protocol) {
    case 'openai-chat':
      if (flavour === 'azure') return azureChatBody(model, prompt, config);
      return flavour === 'mistral' ? mistralBody(model, prompt, config) : openAiChatBody(model, prompt, config);
    case 'openai-responses':
      return responsesBody(model, prompt, config);
    case 'anthropic-messages':
      return anthropicBody(model, prompt, config);
    case 'ollama-chat':
      return ollamaBody(prompt, config);
    case 'ollama-generate':
      return ollamaGenerateBody(prompt, config);
  }
}

/** promptfoo's looksLikeJson: text that is meant as JSON and must not silently become a user message. */
function looksLikeJson(prompt: string): boolean {
  const trimmed = prompt.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return true;
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const after = trimmed.slice(1).trimStart();
    return after.length === 0 || /^["{[\d-]/.test(after) || /^(true|false|null)/.test(after);
  }
  return false;
}

/** JSON-looking text is whitespace (JSON's four) then a value's first character; anything else JSON.parse rejects. */
function mayBeJson(text: string): boolean {
  const first = /^[ \t\n\r]*(.)/s.exec(text)?.[1];
  return first !== undefined && '{["-0123456789tfn'.includes(first);
}

/** promptfoo's parseChatPrompt: `- role:` YAML, else JSON, else one user message. */
export function parseChatPrompt(prompt: string): unknown[] {
  const trimmed = prompt.trim();
  let parsed: unknown;
  if (trimmed.startsWith('- role:')) {
    try {
      parsed = parseYaml(prompt, { logLevel: 'silent' });
    } catch (error) {
      throw new PromptShapeError(`the prompt starts like a YAML chat list ("- role:") but is not valid YAML: ${(error as Error).message}`);
    }
  } else {
    // Most prompts are plain text: JSON.parse would only throw (an Error with a stack, per case) to say so.
    if (!mayBeJson(prompt) && !looksLikeJson(trimmed)) return [{ role: 'user', content: prompt }];
    try {
      parsed = JSON.parse(prompt);
    } catch (error) {
      if (looksLikeJson(trimmed))
        throw new PromptShapeError(
          `the prompt looks like JSON but is not valid JSON (promptfoo refuses it too): ${(error as Error).message}`,
        );
      return [{ role: 'user', content: prompt }];
    }
  }
  if (!Array.isArray(parsed) || !parsed.every((m) => m && typeof m === 'object' && typeof (m as { role?: unknown }).role === 'string')) {
    throw new PromptShapeError(
      'the rendered prompt is JSON but not a list of chat messages [{role, content}]; promptfoo would send it as the message list and the API would reject it',
    );
  }
  return parsed;
}

function isReasoningModel(model: string): boolean {
  const m = model.replace(/(^|\/)ft:/, '$1');
  return (
    /^(o1|o3|o4)/.test(m) ||
    /\/(o1|o3|o4)/.test(m) ||
    /(^|\/)gpt-daybreak-(?:blue|red)-latest$/.test(m) ||
    m.startsWith('gpt-5') ||
    m.includes('/gpt-5') ||
    /(?:^|[/-])gpt-6-astra(?:-|$)/.test(m)
  );
}

function openAiChatBody(model: string, prompt: string, config: Record<string, unknown>): BuiltRequest {
  const messages = parseChatPrompt(prompt);
  const reasoning = isReasoningModel(model);
  const gpt5 = model.replace(/(^|\/)ft:/, '$1').startsWith('gpt-5') || model.includes('/gpt-5');
  const maxTokens = reasoning || gpt5 ? undefined : (config.max_tokens ?? 1024);
  const body: Record<string, unknown> = {
    model,
    messages,
    ...(config.seed !== undefined ? { seed: config.seed } : {}),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(reasoning && config.max_completion_tokens !== undefined ? { max_completion_tokens: config.max_completion_tokens } : {}),
    ...(reasoning && config.reasoning_effort ? { reasoning_effort: config.reasoning_effort } : {}),
    ...(!reasoning ? { temperature: config.temperature ?? 0 } : {}),
    ...(config.top_p !== undefined ? { top_p: config.top_p } : {}),
    ...(config.presence_penalty !== undefined ? { presence_penalty: config.presence_penalty } : {}),
    ...(config.frequency_penalty !== undefined ? { frequency_penalty: config.frequency_penalty } : {}),
    // tools (loaded from their files when the file was parsed) only when there are some, as promptfoo sends them
    ...(Array.isArray(config.tools) && config.tools.length > 0 ? { tools: config.tools } : {}),
    ...(config.tool_choice ? { tool_choice: config.tool_choice } : {}),
    ...(config.response_format ? { response_format: config.response_format } : {}),
    ...(config.stop ? { stop: config.stop } : {}),
    ...((config.passthrough as Record<string, unknown> | undefined) ?? {}),
  };
  for (const key of ['service_tier', 'user', 'metadata'] as const) if (config[key]) body[key] = config[key];
  if (config.store !== undefined) body.store = config.store;
  return { body, ...textOf(messages), maxOutputTokens: numberOr(body.max_tokens ?? body.max_completion_tokens) };
}

/** promptfoo's Azure reasoning-deployment rule: by config, else by the (model or deployment) name. */
function isAzureReasoningModel(name: string, config: Record<string, unknown>): boolean {
  if (config.isReasoningModel || config.o1) return true;
  const n = name.toLowerCase();
  return (
    /^(o1|o3|o4|gpt-5)/.test(n) ||
    /-(o1|o3|o4|gpt-5)/.test(n) ||
    /(?:^|[/-])gpt-6-astra(?:-|$)/.test(n) ||
    ['deepseek-r1', 'deepseek_r1', 'phi-4-reasoning', 'phi-4-mini-reasoning', 'mai-thinking', 'mai-ds-r1', 'mai-reasoning'].some((m) =>
      n.includes(m),
    ) ||
    (n.includes('grok') && n.includes('reasoning'))
  );
}

/**
 * promptfoo 0.123.1's Azure chat body (AzureChatCompletionProvider.getOpenAiBody): the deployment as `model`, and
 * unlike its OpenAI provider it always sends top_p 1 and both penalties 0; reasoning deployments get
 * max_completion_tokens (default: max_tokens, 1024) and reasoning_effort (default medium) instead of max_tokens and
 * temperature.
 */
function azureChatBody(deployment: string, prompt: string, config: Record<string, unknown>): BuiltRequest {
  const messages = parseChatPrompt(prompt);
  const passthroughModel = (config.passthrough as Record<string, unknown> | undefined)?.model;
  const name =
    typeof passthroughModel === 'string' ? passthroughModel : typeof config.modelName === 'string' ? config.modelName : deployment;
  const reasoning = isAzureReasoningModel(name, config);
  const maxTokens = config.max_tokens ?? 1024;
  const body: Record<string, unknown> = {
    model: deployment,
    messages,
    ...(reasoning
      ? { reasoning_effort: config.reasoning_effort ?? 'medium', max_completion_tokens: config.max_completion_tokens ?? maxTokens }
      : { max_tokens: maxTokens, temperature: config.temperature ?? 0 }),
    top_p: config.top_p ?? 1,
    presence_penalty: config.presence_penalty ?? 0,
    frequency_penalty: config.frequency_penalty ?? 0,
    ...(config.seed !== undefined ? { seed: config.seed } : {}),
    ...(Array.isArray(config.tools) && config.tools.length > 0 ? { tools: config.tools } : {}),
    ...(config.tool_choice ? { tool_choice: config.tool_choice } : {}),
    ...(config.response_format ? { response_format: config.response_format } : {}),
    ...(config.stop ? { stop: config.stop } : {}),
    ...((config.passthrough as Record<string, unknown> | undefined) ?? {}),
  };
  return { body, ...textOf(messages), maxOutputTokens: numberOr(body.max_tokens ?? body.max_completion_tokens) };
}

function mistralBody(model: string, prompt: string, config: Record<string, unknown>): BuiltRequest {
  const messages = parseChatPrompt(prompt);
  const body: Record<string, unknown> = {
    model,
    messages,
    ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
    top_p: config.top_p ?? 1,
    max_tokens: config.max_tokens ?? 1024,
    ...(config.frequency_penalty !== undefined ? { frequency_penalty: config.frequency_penalty } : {}),
    ...(config.presence_penalty !== undefined ? { presence_penalty: config.presence_penalty } : {}),
    ...(config.stop !== undefined ? { stop: config.stop } : {}),
    ...(config.safe_prompt !== undefined ? { safe_prompt: config.safe_prompt } : {}),
    random_seed: config.random_seed ?? null,
    ...(config.response_format ? { response_format: config.response_format } : {}),
  };
  return { body, ...textOf(messages), maxOutputTokens: numberOr(body.max_tokens) };
}

/** Chat-format content parts rewritten for the Responses API (promptfoo's normalizeResponsesInput). */
function responsesPart(part: unknown, role: unknown): unknown {
  if (!part || typeof part !== 'object') return part;
  const p = part as Record<string, unknown>;
  if (p.type === 'text') return { type: role === 'assistant' ? 'output_text' : 'input_text', text: p.text };
  if (p.type === 'image_url') {
    const url = typeof p.image_url === 'string' ? p.image_url : (p.image_url as { url?: string; detail?: string } | undefined)?.url;
    const detail = typeof p.image_url === 'object' ? (p.image_url as { detail?: string }).detail : undefined;
    return { type: 'input_image', image_url: url, ...(detail ? { detail } : {}) };
  }
  return part;
}

function responsesBody(model: string, prompt: string, config: Record<string, unknown>): BuiltRequest {
  let input: unknown = prompt;
  try {
    const parsed = JSON.parse(prompt) as unknown;
    if (Array.isArray(parsed)) {
      input = parsed.map((item) => {
        const m = item as Record<string, unknown>;
        if (!m || typeof m !== 'object' || (m.type !== undefined && m.type !== 'message') || !('role' in m) || !Array.isArray(m.content))
          return item;
        return { ...m, content: (m.content as unknown[]).map((part) => responsesPart(part, m.role)) };
      });
    }
  } catch {
    input = prompt;
  }
  const reasoning = isReasoningModel(model);
  const max = config.max_output_tokens ?? (reasoning ? undefined : 1024);
  const body: Record<string, unknown> = {
    model,
    input,
    ...(max !== undefined ? { max_output_tokens: max } : {}),
    ...(reasoning && config.reasoning_effort ? { reasoning: { effort: config.reasoning_effort } } : {}),
    ...(!reasoning ? { temperature: config.temperature ?? 0 } : {}),
    ...(config.instructions ? { instructions: config.instructions } : {}),
    ...(config.top_p !== undefined && !(reasoning && config.reasoning_effort && config.reasoning_effort !== 'none')
      ? { top_p: config.top_p }
      : {}),
    text: { format: { type: 'text' } },
    ...(config.metadata ? { metadata: config.metadata } : {}),
    ...('store' in config ? { store: Boolean(config.store) } : {}),
    ...(config.user ? { user: config.user } : {}),
    ...((config.passthrough as Record<string, unknown> | undefined) ?? {}),
  };
  const messages: ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: input }] : textOf(input as unknown[]).messages;
  return {
    body,
    messages,
    system: typeof config.instructions === 'string' ? config.instructions : undefined,
    maxOutputTokens: numberOr(max),
  };
}

/** promptfoo's Anthropic parseMessages: a JSON list (system pulled out), else `system:`/`user:`/`assistant:` lines. */
export function anthropicMessages(prompt: string): { system?: unknown[]; messages: { role: string; content: unknown[] }[] } {
  try {
    const parsed = JSON.parse(prompt) as unknown;
    if (Array.isArray(parsed)) {
      const system = parsed.find((m) => m?.role === 'system') as { content: unknown } | undefined;
      if (parsed.some((m) => m?.thinking))
        throw new PromptShapeError('a chat message carries `thinking` (extended thinking), which llm-workbench does not send');
      return {
        messages: parsed
          .filter((m) => m?.role && m.role !== 'system')
          .map((m) => ({
            role: m.role as string,
            content: Array.isArray(m.content) ? m.content.map(anthropicImage) : [{ type: 'text', text: m.content }],
          })),
        system: system ? (Array.isArray(system.content) ? system.content : [{ type: 'text', text: system.content }]) : undefined,
      };
    }
  } catch (error) {
    if (error instanceof PromptShapeError) throw error;
  }
  const lines = prompt
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line);
  let system: unknown[] | undefined;
  const messages: { role: string; content: unknown[] }[] = [];
  let role: string | null = null;
  let content: string[] = [];
  const push = () => {
    if (role && content.length > 0) {
      messages.push({ role, content: [{ type: 'text', text: content.join('\n') }] });
      content = [];
    }
  };
  for (const line of lines) {
    if (line.startsWith('system:')) system = [{ type: 'text', text: line.slice(7).trim() }];
    else if (line.startsWith('thinking:')) {
      let thinking: boolean;
      try {
        JSON.parse(line.slice(9).trim());
        thinking = true;
      } catch {
        thinking = false;
      }
      if (thinking) throw new PromptShapeError('a `thinking:` line sets extended thinking, which llm-workbench does not send');
    } else if (line.startsWith('user:') || line.startsWith('assistant:')) {
      push();
      role = line.startsWith('user:') ? 'user' : 'assistant';
      content.push(line.slice(line.indexOf(':') + 1).trim());
    } else if (role) content.push(line);
    else {
      role = 'user';
      content.push(line);
    }
  }
  push();
  if (messages.length === 0 && !system) messages.push({ role: 'user', content: [{ type: 'text', text: prompt.trim() }] });
  return { system, messages };
}

/** Anthropic image blocks whose data is a data: URL get its media type and bare base64 (processAnthropicImageContent). */
function anthropicImage(item: unknown): unknown {
  const i = item as { type?: string; source?: { type?: string; data?: string; media_type?: string } };
  if (i?.type === 'image' && i.source?.type === 'base64' && typeof i.source.data === 'string') {
    const m = /^data:([^;]+);base64,(.*)$/s.exec(i.source.data);
    if (m) return { ...i, source: { ...i.source, media_type: i.source.media_type || m[1], data: m[2] } };
  }
  return item;
}

const CLAUDE_SAMPLING_DEPRECATED = /(^|[^a-z0-9])claude-opus-4-[78](?![0-9])/i;

function anthropicBody(model: string, prompt: string, config: Record<string, unknown>): BuiltRequest {
  const { system, messages } = anthropicMessages(prompt);
  const topP = config.top_p as number | undefined;
  const omitTemperature = topP !== undefined || CLAUDE_SAMPLING_DEPRECATED.test(model);
  const deprecated = CLAUDE_SAMPLING_DEPRECATED.test(model);
  const body: Record<string, unknown> = {
    model,
    ...(system && system.length > 0 ? { system } : {}),
    max_tokens: config.max_tokens ?? 1024,
    messages,
    ...(omitTemperature ? {} : { temperature: config.temperature ?? 0 }),
    ...(topP === undefined || deprecated ? {} : { top_p: topP }),
    ...(config.top_k === undefined || deprecated ? {} : { top_k: config.top_k }),
    ...(Array.isArray(config.stop_sequences) && config.stop_sequences.length ? { stop_sequences: config.stop_sequences } : {}),
    ...(config.metadata ? { metadata: config.metadata } : {}),
  };
  const text = (parts: unknown[] | undefined) => (parts ?? []).map((p) => (p as { text?: string }).text ?? '').join('\n');
  return {
    body,
    messages: messages.map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: text(m.content) })),
    system: system ? text(system) : undefined,
    maxOutputTokens: numberOr(body.max_tokens),
  };
}

function ollamaBody(prompt: string, config: Record<string, unknown>): BuiltRequest {
  const messages = parseChatPrompt(prompt);
  const options = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'passthrough'));
  return { body: { messages, options }, ...textOf(messages), maxOutputTokens: numberOr(config.num_predict) };
}

/** promptfoo's OllamaCompletionProvider: the rendered prompt as it is, the config as `options`. */
function ollamaGenerateBody(prompt: string, config: Record<string, unknown>): BuiltRequest {
  const options = Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'passthrough'));
  return { body: { prompt, options }, messages: [{ role: 'user', content: prompt }], maxOutputTokens: numberOr(config.num_predict) };
}

/** Text of a message list for budgeting: string content, or the text parts of content arrays. */
function textOf(list: unknown[]): { messages: ChatMessage[]; system?: string } {
  const messages: ChatMessage[] = [];
  const system: string[] = [];
  for (const item of list) {
    const m = item as { role?: string; content?: unknown };
    const content =
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? m.content.map((p) => (p as { text?: string }).text ?? '').join('\n')
          : JSON.stringify(m.content ?? '');
    if (m.role === 'system' || m.role === 'developer') system.push(content);
    else messages.push({ role: m.role === 'assistant' ? 'assistant' : 'user', content });
  }
  if (messages.length === 0) messages.push({ role: 'user', content: '' });
  return { messages, system: system.length ? system.join('\n\n') : undefined };
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
