/**
 * The chat webview's protocol: the conversation and the messages the chat session (src/core/chat) defines, and the
 * guard the host applies to what the webview sends. Free of `vscode` and Node APIs: the webview bundle compiles it.
 */
export * from '../core/chat/conversation';
export type * from '../core/chat/chatMessages';
/** The answer footer as both sides show it (the CLI prints the same). */
export { footerParts, formatCount } from '../core/chat/footerText';
import type { WebviewMessage } from '../core/chat/chatMessages';
import { messageGuard, type SendsReady } from './webviewProtocol';

/** The webview is a trust boundary: accept only well-formed messages. */
export const isWebviewMessage = messageGuard<WebviewMessage>({
  ready: true,
  send: isComposed,
  draft: isComposed,
  stop: true,
  retry: (m) => typeof m.turnId === 'string',
  newChat: true,
  clear: true,
  copyCode: (m) => typeof m.code === 'string',
  insertCode: (m) => typeof m.code === 'string',
  applyCode: (m) => typeof m.turnId === 'string' && typeof m.code === 'string',
  action: (m) => m.action === 'setApiKey' || m.action === 'openSettings' || m.action === 'openLog',
});

function isComposed(m: Record<string, unknown>): boolean {
  return typeof m.text === 'string' && typeof m.model === 'string' && (m.task === 'chat' || m.task === 'code');
}

const chatPageSendsReady: SendsReady<WebviewMessage> = true;
void chatPageSendsReady;
