/**
 * The chat webview's protocol: the conversation and the messages the chat session (src/core/chat) defines, and the
 * guard the host applies to what the webview sends. Free of `vscode` and Node APIs: the webview bundle compiles it.
 */
export * from '../core/chat/conversation';
export type * from '../core/chat/chatMessages';
/** The answer footer as both sides show it (the CLI prints the same). */
export { footerParts, formatCount } from '../core/chat/footerText';
import type { WebviewMessage } from '../core/chat/chatMessages';

const WEBVIEW_TYPES: ReadonlySet<string> = new Set<WebviewMessage['type']>([
  'ready', 'send', 'draft', 'stop', 'retry', 'newChat', 'clear', 'copyCode', 'insertCode', 'applyCode', 'action',
]);

/** The webview is a trust boundary: accept only well-formed messages. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (typeof message.type !== 'string' || !WEBVIEW_TYPES.has(message.type)) return false;
  switch (message.type) {
    case 'send':
    case 'draft':
      return typeof message.text === 'string' && typeof message.model === 'string' && (message.task === 'chat' || message.task === 'code');
    case 'retry':
      return typeof message.turnId === 'string';
    case 'copyCode':
    case 'insertCode':
      return typeof message.code === 'string';
    case 'applyCode':
      return typeof message.turnId === 'string' && typeof message.code === 'string';
    case 'action':
      return message.action === 'setApiKey' || message.action === 'openSettings' || message.action === 'openLog';
    default:
      return true;
  }
}
