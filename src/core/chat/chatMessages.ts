/**
 * Every message between the chat webview and the chat session, typed once. The session (this folder) speaks them;
 * the webview imports them through src/shared/chatProtocol.ts, which adds the runtime guard for the trust boundary.
 * API keys never travel in these messages.
 */
import type { ChatTask, ChatViewState, AssistantTurn, ErrorAction, ModelChoice, TokenCountInfo, Turn } from './conversation';

/** Webview -> extension. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'send'; text: string; model: ModelChoice; task: ChatTask }
  | { type: 'draft'; text: string; model: ModelChoice; task: ChatTask }
  | { type: 'stop' }
  | { type: 'retry'; turnId: string }
  | { type: 'newChat' }
  | { type: 'clear' }
  | { type: 'copyCode'; code: string }
  | { type: 'insertCode'; code: string }
  | { type: 'applyCode'; turnId: string; code: string }
  | { type: 'action'; action: Exclude<ErrorAction, 'retry'> };

/** Extension -> webview. */
export type ExtensionMessage =
  | { type: 'state'; state: ChatViewState }
  | { type: 'turnAdded'; turn: Turn }
  /** Streaming text appended to an answer. */
  | { type: 'answerDelta'; turnId: string; text: string }
  /** The whole answer replaced: notices, restart (text reset), footer, error, status. */
  | { type: 'answerUpdate'; turn: AssistantTurn }
  | { type: 'tokenCount'; count: TokenCountInfo }
  | { type: 'busy'; busy: boolean }
  /** Put text into the input (e.g. the question typed for "Ask about Selection" failed to send). */
  | { type: 'focusInput'; text?: string };
