import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { imageBase64, partsOf, type ChatRequest, type ImagePart, type ToolCallPart } from './chat';

/**
 * Our messages as Chat Completions messages. Plain text messages stay plain strings (the request body is the same as
 * before tools existed). A user message's tool results become `tool` messages placed first, as the API requires them
 * right after the assistant's `tool_calls`; the rest of that user message (text, images) follows as a user message.
 * Chat Completions has no images inside `tool` messages, so a tool result's images follow in a user message that
 * says which call they came from.
 */
export function openaiMessages(request: Pick<ChatRequest, 'system' | 'messages'>): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (request.system) out.push({ role: 'system', content: request.system });
  for (const message of request.messages) {
    if (!message.parts) {
      out.push({ role: message.role, content: message.content });
      continue;
    }
    const parts = partsOf(message);
    if (message.role === 'assistant') {
      const calls = parts.filter((p): p is ToolCallPart => p.type === 'tool_call');
      const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
      out.push({
        role: 'assistant',
        content: text || (calls.length ? null : ''),
        ...(calls.length
          ? {
              tool_calls: calls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: JSON.stringify(c.input) },
              })),
            }
          : {}),
      });
      continue;
    }
    const rest: ChatCompletionContentPart[] = [];
    for (const part of parts) {
      if (part.type === 'tool_result') {
        const text = part.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
        out.push({ role: 'tool', tool_call_id: part.callId, content: text });
        const images = part.content.filter((c): c is ImagePart => c.type === 'image');
        if (images.length) rest.push({ type: 'text', text: `Images returned by tool call ${part.callId}:` }, ...images.map(imageContent));
      } else if (part.type === 'text') rest.push({ type: 'text', text: part.text });
      else if (part.type === 'image') rest.push(imageContent(part));
    }
    if (rest.length) {
      const onlyText = rest.every((p): p is ChatCompletionContentPartText => p.type === 'text');
      out.push({ role: 'user', content: onlyText ? rest.map((p) => p.text).join('') : rest });
    }
  }
  return out;
}

export function openaiTools(request: Pick<ChatRequest, 'tools'>): ChatCompletionTool[] | undefined {
  if (!request.tools?.length) return undefined;
  return request.tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema ?? { type: 'object', properties: {} } },
  }));
}

function imageContent(image: ImagePart): ChatCompletionContentPart {
  return { type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${imageBase64(image)}` } };
}
