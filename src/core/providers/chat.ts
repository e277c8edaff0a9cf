/** The request and event shapes every adapter speaks; see DESIGN.md "Contracts worth keeping stable". */

export type Task = 'chat' | 'code' | 'classify' | 'extract' | 'summarize' | 'reason';
export const TASKS: readonly Task[] = ['chat', 'code', 'classify', 'extract', 'summarize', 'reason'];

export type Role = 'user' | 'assistant';

/** An image sent to the model: raw bytes and their media type (`image/png`, `image/jpeg`, ...). */
export interface ImagePart {
  type: 'image';
  mimeType: string;
  data: Uint8Array;
}

export interface TextPart {
  type: 'text';
  text: string;
}

/** The model asked for a tool to be called (assistant messages). `id` pairs it with its result. */
export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** What a tool returned for the call `callId` (user messages). */
export interface ToolResultPart {
  type: 'tool_result';
  callId: string;
  /** The tool's name, when known: Ollama's native API names the tool instead of the call id. */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}

export type ContentPart = TextPart | ImagePart | ToolCallPart | ToolResultPart;

export interface ChatMessage {
  role: Role;
  /**
   * The message's text. For a message with `parts`, the text of its text parts joined (what counts, logs and
   * classifiers read); build such messages with `messageFromParts` so the two agree.
   */
  content: string;
  /** Structured content (images, tool calls, tool results). When present, adapters send these instead of `content`. */
  parts?: ContentPart[];
}

/** A tool the model may call: its name, what it does, and a JSON schema for its input. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema?: Record<string, unknown>;
}

export interface ChatRequest {
  task: Task;
  messages: ChatMessage[];
  system?: string;
  maxOutputTokens?: number;
  temperature?: number;
  /** 'json' asks the provider for a JSON object where the protocol supports it. */
  responseFormat?: 'text' | 'json';
  /** Tools the model may call; a call comes back as a `tool_call` event. */
  tools?: ToolDefinition[];
  /** `auto` (default): the model decides; `required`: it must call one of `tools`. */
  toolChoice?: 'auto' | 'required';
  signal?: AbortSignal;
  /**
   * A request body built for this protocol elsewhere (an eval file's, exactly as promptfoo builds it: messages with
   * content parts, sampling defaults). The adapter sends it as it is, adding only the model and its stream flags;
   * `messages`/`system` then only serve budgeting. Absent for every other caller.
   */
  native?: NativeBody;
}

export type NativeProtocol = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'ollama-chat' | 'ollama-generate';

export interface NativeBody {
  protocol: NativeProtocol;
  body: Record<string, unknown>;
}

/** Why generation ended, normalized across protocols. */
export type StopReason = 'end' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'content_filter' | 'other';

export type ChatEvent =
  | { type: 'text'; text: string }
  /** One complete tool call (adapters assemble streamed argument fragments first). */
  | { type: 'tool_call'; call: ToolCallPart }
  | { type: 'usage'; usage: import('./usage').Usage }
  | { type: 'done'; stopReason: StopReason }
  | { type: 'error'; error: import('./providerError').ProviderError };

/** A message built from parts, with `content` set to the text of its text parts. */
export function messageFromParts(role: Role, parts: ContentPart[]): ChatMessage {
  const onlyText = parts.every((p) => p.type === 'text');
  const content = parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  return onlyText ? { role, content } : { role, content, parts };
}

/** The parts of a message: its own, or one text part for a plain message. */
export function partsOf(message: ChatMessage): ContentPart[] {
  return message.parts ?? (message.content ? [{ type: 'text', text: message.content }] : []);
}

/** Image bytes as base64, the form every wire protocol takes them in. */
export function imageBase64(image: ImagePart): string {
  return Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).toString('base64');
}
