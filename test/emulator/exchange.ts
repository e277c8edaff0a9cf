import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorOptions, RecordedRequest } from './emulatorTypes';
import type { ReplyScript } from './replyScript';

/** One protocol request as the handlers see it: parsed body, its record, and the scripted replies. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  body: Record<string, unknown>;
  record: RecordedRequest;
  script: ReplyScript;
  options: EmulatorOptions;
}

/** Text of a message `content` given as a string or as content parts (`[{type:'text', text}]`). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    // Text parts, and the text inside Anthropic `tool_result` blocks (so replies can match on a tool's result).
    return content
      .map((part) =>
        !part || typeof part !== 'object'
          ? ''
          : typeof part.text === 'string'
            ? part.text
            : part.type === 'tool_result'
              ? contentText(part.content)
              : '',
      )
      .join('');
  }
  return '';
}

/** The prompt as the matcher sees it (system + every message) and the last user message for the echo. */
export function promptOf(messages: unknown, system?: unknown): { prompt: string; lastUser: string } {
  const list = Array.isArray(messages) ? (messages as Array<{ role?: string; content?: unknown }>) : [];
  const parts = [contentText(system), ...list.map((m) => contentText(m.content))].filter((p) => p !== '');
  const lastUser = [...list].reverse().find((m) => m.role === 'user');
  return { prompt: parts.join('\n'), lastUser: contentText(lastUser?.content) };
}

export const sse = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
