import type { ChatMessage } from '../providers/chat';
import type { PromptMessage, PromptSpec } from './evalModel';
import { renderTemplate } from './template';

export interface RenderedPrompt {
  system?: string;
  messages: ChatMessage[];
  /** What `context.prompt` shows: the text, or the message list as JSON. */
  display: string;
}

/**
 * Fills a prompt's `{{vars}}`. A text prompt is one user message, unless the rendered text is a JSON list of
 * chat messages (promptfoo reads such prompts as chat). System messages become the request's system text.
 */
export function renderPrompt(prompt: PromptSpec, vars: Record<string, unknown>): RenderedPrompt {
  if (typeof prompt.template === 'string') {
    const text = renderTemplate(prompt.template, vars).text;
    const chat = asMessageList(text);
    return chat ? fromMessages(chat) : { messages: [{ role: 'user', content: text }], display: text };
  }
  return fromMessages(prompt.template.map((m) => ({ role: m.role, content: renderTemplate(m.content, vars).text })));
}

function fromMessages(list: PromptMessage[]): RenderedPrompt {
  const system = list.filter((m) => m.role === 'system').map((m) => m.content);
  const messages = list.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as ChatMessage['role'], content: m.content }));
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages, display: JSON.stringify(list) };
}

function asMessageList(text: string): PromptMessage[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    const valid =
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every((m) => m && typeof m === 'object' && ['system', 'user', 'assistant'].includes((m as PromptMessage).role) && typeof (m as PromptMessage).content === 'string');
    return valid ? (parsed as PromptMessage[]) : undefined;
  } catch {
    return undefined;
  }
}
