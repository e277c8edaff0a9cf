import { messageFromParts, type ChatMessage, type ContentPart, type ImagePart, type TextPart } from '../../core/providers/chat';
import { isDataPart, isTextPart, isToolCallPart, isToolResultPart, type LmRequestMessage } from './lmApi';

/** Role numbers of `LanguageModelChatMessageRole` (System only in the proposed API Copilot itself uses). */
const ASSISTANT = 2;
const SYSTEM = 3;

export interface ConvertedMessages {
  system?: string;
  messages: ChatMessage[];
  /** Parts we did not send, by kind (e.g. Copilot's `cache_control` data parts, thinking parts): for the log. */
  skipped: string[];
}

/**
 * The editor's request messages as ours: text, images (data parts with an image/* type), tool calls (assistant) and
 * tool results (user). System messages (proposed role 3) become the request's system prompt. What has no
 * equivalent on the wire — non-image data parts such as Copilot's cache hints — is left out and reported.
 */
export function convertRequestMessages(messages: readonly LmRequestMessage[]): ConvertedMessages {
  const system: string[] = [];
  const out: ChatMessage[] = [];
  const skipped: string[] = [];
  for (const message of messages) {
    const parts = message.content.flatMap((part) => convertPart(part, skipped));
    if (message.role === SYSTEM) {
      system.push(parts.map((p) => (p.type === 'text' ? p.text : '')).join(''));
      continue;
    }
    out.push(messageFromParts(message.role === ASSISTANT ? 'assistant' : 'user', parts));
  }
  return { ...(system.length ? { system: system.join('\n\n') } : {}), messages: out, skipped };
}

function convertPart(part: unknown, skipped: string[]): ContentPart[] {
  if (isToolCallPart(part)) return [{ type: 'tool_call', id: part.callId, name: part.name, input: part.input as Record<string, unknown> }];
  if (isToolResultPart(part)) {
    const content = part.content.flatMap((item): Array<TextPart | ImagePart> => {
      if (isTextPart(item)) return [{ type: 'text', text: item.value }];
      if (isDataPart(item) && item.mimeType.startsWith('image/')) return [{ type: 'image', mimeType: item.mimeType, data: item.data }];
      if (isDataPart(item)) return [{ type: 'text', text: new TextDecoder().decode(item.data) }];
      // prompt-tsx parts and anything newer: their JSON is what a model can read.
      return [{ type: 'text', text: JSON.stringify(item) }];
    });
    return [{ type: 'tool_result', callId: part.callId, content }];
  }
  if (isTextPart(part)) return [{ type: 'text', text: part.value }];
  if (isDataPart(part)) {
    if (part.mimeType.startsWith('image/')) return [{ type: 'image', mimeType: part.mimeType, data: part.data }];
    skipped.push(`data ${part.mimeType}`);
    return [];
  }
  skipped.push(typeof part === 'object' && part !== null ? (part.constructor?.name ?? 'object') : typeof part);
  return [];
}
