/**
 * What a tool actually sent, from the emulator's request log, in a form both tools can be compared on: the endpoint,
 * the model, the key that arrived, the prompt as chat messages, and the request parameters.
 */
import type { RecordedRequest } from '../emulator/emulatorTypes';

export interface Message {
  role: string;
  /** Text, or the content parts as sent when they are not all text (images, audio...). */
  content: unknown;
}

export interface SentCall {
  /** `POST /v1/chat/completions`, `POST /v1/messages`, `POST /api/chat`, `POST /v1/embeddings`... */
  endpoint: string;
  model?: string;
  /** The API key that arrived (Authorization bearer, x-api-key or Azure's api-key). */
  key?: string;
  messages: Message[];
  params: Record<string, unknown>;
}

/** Parameters that change what a model does; transport details (stream, stream_options, metadata) are left out. */
const PARAMS = [
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'stop',
  'stop_sequences',
  'seed',
  'response_format',
  'text',
  'tools',
  'tool_choice',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'n',
  'reasoning_effort',
  'reasoning',
  'thinking',
  'format',
  'options',
  'dimensions',
  'encoding_format',
];

export function sentCall(request: RecordedRequest): SentCall {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const name of PARAMS) if (body[name] !== undefined && body[name] !== null) params[name] = body[name];
  return {
    // Azure's api-version is part of where the call went.
    endpoint: `${request.method} ${request.path}${request.apiVersion ? `?api-version=${request.apiVersion}` : ''}`,
    model: request.model,
    key: keyOf(request.headers),
    messages: messagesOf(request.path, body),
    params,
  };
}

function keyOf(headers: RecordedRequest['headers']): string | undefined {
  const bearer = String(headers.authorization ?? '').replace(/^Bearer\s+/i, '');
  if (bearer) return bearer;
  // Anthropic's x-api-key, Azure OpenAI's api-key.
  for (const name of ['x-api-key', 'api-key']) if (typeof headers[name] === 'string') return headers[name];
  return undefined;
}

/** Every protocol's prompt as one list of `{role, content}`; a system prompt given apart becomes the first message. */
function messagesOf(path: string, body: Record<string, unknown>): Message[] {
  if (path === '/v1/embeddings')
    return (Array.isArray(body.input) ? body.input : [body.input]).map((text) => ({ role: 'input', content: text }));
  if (path === '/v1/completions') return [{ role: 'user', content: body.prompt }];
  const system: Message[] = [];
  if (path === '/v1/messages' && body.system !== undefined) system.push({ role: 'system', content: normalizeContent(body.system) });
  if (path === '/v1/responses' && typeof body.instructions === 'string') system.push({ role: 'system', content: body.instructions });
  const list =
    path === '/v1/responses' ? (typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input) : body.messages;
  const messages = (Array.isArray(list) ? list : []).map((m: Record<string, unknown>) => {
    const message: Message = { role: String(m.role ?? m.type ?? ''), content: normalizeContent(m.content) };
    // Ollama sends images beside the text; keep them so an image prompt is compared with its images.
    if (Array.isArray(m.images))
      message.content = [{ type: 'text', text: message.content }, ...m.images.map((image) => ({ type: 'image', data: image }))];
    return message;
  });
  return [...system, ...messages];
}

/** Content parts that are all text are the same prompt as their joined text (`[{type:'text',text:'hi'}]` = `'hi'`). */
export function normalizeContent(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const textual = content.every(
    (p) => p && typeof p === 'object' && (p.type === 'text' || p.type === 'input_text') && typeof p.text === 'string',
  );
  return textual ? content.map((p) => p.text).join('') : content;
}

/**
 * A rendered prompt as a tool reports it (promptfoo's `prompt.raw`, our `prompt`), as chat messages the way promptfoo's
 * chat providers read it: a JSON list of messages is a chat, anything else is one user message.
 */
export function reportedMessages(raw: string): Message[] {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.every((m) => m && typeof m === 'object' && typeof m.role === 'string')) {
        return parsed.map((m: Record<string, unknown>) => ({ role: String(m.role), content: normalizeContent(m.content) }));
      }
    } catch {
      // not JSON: a text prompt that happens to start with '['
    }
  }
  return [{ role: 'user', content: raw }];
}

/** Stable text of a value: object keys sorted, so two tools' bodies compare equal regardless of key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
