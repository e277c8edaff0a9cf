import { randomUUID } from 'node:crypto';
import { imageBase64, partsOf, type ChatRequest, type ImagePart, type ToolCallPart } from './chat';
import { MalformedToolCall, parseArguments } from './toolCallAssembler';

/** One message of Ollama's native `/api/chat`. */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images?: string[];
  tool_calls?: Array<{ function: { name: string; arguments: Record<string, unknown> } }>;
  /** Tool messages: which tool answered (the native API pairs results by tool name, not by call id). */
  tool_name?: string;
}

/**
 * Our messages as native Ollama messages: images as base64 strings on the message, assistant tool calls with their
 * arguments as objects, each tool result as a `tool` message named after the tool that the matching call named.
 */
export function ollamaMessages(request: Pick<ChatRequest, 'system' | 'messages'>): OllamaMessage[] {
  const out: OllamaMessage[] = [];
  if (request.system) out.push({ role: 'system', content: request.system });
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    if (!message.parts) {
      out.push({ role: message.role, content: message.content });
      continue;
    }
    const parts = partsOf(message);
    const calls = parts.filter((p): p is ToolCallPart => p.type === 'tool_call');
    for (const call of calls) toolNames.set(call.id, call.name);
    let text = '';
    const images: string[] = [];
    for (const part of parts) {
      if (part.type === 'tool_result') {
        const resultImages = part.content.filter((c): c is ImagePart => c.type === 'image').map(imageBase64);
        const name = part.name ?? toolNames.get(part.callId);
        out.push({
          role: 'tool',
          content: part.content.map((c) => (c.type === 'text' ? c.text : '')).join(''),
          ...(name ? { tool_name: name } : {}),
          ...(resultImages.length ? { images: resultImages } : {}),
        });
      } else if (part.type === 'text') text += part.text;
      else if (part.type === 'image') images.push(imageBase64(part));
    }
    if (text || images.length || calls.length) {
      out.push({
        role: message.role,
        content: text,
        ...(images.length ? { images } : {}),
        ...(calls.length ? { tool_calls: calls.map((c) => ({ function: { name: c.name, arguments: c.input } })) } : {}),
      });
    }
  }
  return out;
}

export function ollamaTools(request: Pick<ChatRequest, 'tools'>): unknown[] | undefined {
  if (!request.tools?.length) return undefined;
  return request.tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema ?? { type: 'object', properties: {} } },
  }));
}

/**
 * A streamed native tool call (complete in one line). Arguments are an object (a JSON string from some builds).
 * Ollama sends no call id before 0.12: one is made up, unique per call. Throws MalformedToolCall.
 */
export function ollamaToolCall(raw: { id?: unknown; function?: { name?: unknown; arguments?: unknown } }): ToolCallPart {
  const name = typeof raw.function?.name === 'string' ? raw.function.name : '';
  const args = raw.function?.arguments ?? {};
  if (!name) throw new MalformedToolCall('(no name)', JSON.stringify(raw).slice(0, 200));
  let input: Record<string, unknown>;
  if (typeof args === 'string') input = parseArguments(name, args);
  else if (typeof args === 'object' && !Array.isArray(args)) input = args as Record<string, unknown>;
  else throw new MalformedToolCall(name, JSON.stringify(args));
  const id = typeof raw.id === 'string' && raw.id ? raw.id : `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  return { type: 'tool_call', id, name, input };
}
