/**
 * The chat's conversation as the session keeps it and the webview shows it: turns, answers with their footers and
 * errors, the model and task selectors, the live token count. Plain data, free of `vscode` and Node APIs: the chat
 * webview bundle (platform: browser) compiles it too, through src/shared/chatProtocol.ts.
 */
import type { StopReason } from '../providers/chat';
import type { ErrorKind } from '../providers/providerError';

/** Tasks the chat offers; code tasks from the editor use 'code'. */
export type ChatTask = 'chat' | 'code';
export const CHAT_TASKS: readonly ChatTask[] = ['chat', 'code'];

/** The model selector's first entry: let the gateway route by task. */
export const AUTO_MODEL = 'auto';
/** `auto` or a `provider:model` reference. */
export type ModelChoice = string;

export interface ModelOption {
  ref: ModelChoice;
  label: string;
  /** The model's input limit (or the window an Ollama server runs it at) in tokens; absent for Auto. */
  contextWindow?: number;
  /** Installed on a configured Ollama server (`/api/tags`): runs on the user's machine. */
  local?: boolean;
}

/** The selection a code task was asked about: shown above the question and sent to the model. */
export interface CodeContext {
  fileName: string;
  /** Workspace-relative path: routing rules (private files -> local models) match it. */
  filePath: string;
  languageId: string;
  code: string;
  /** Where the selection was, so a refactor can be applied back to it. */
  uri: string;
  range: { startLine: number; startCharacter: number; endLine: number; endCharacter: number };
}

export type CodeAction = 'ask' | 'explain' | 'refactor';

export interface UserTurn {
  id: string;
  role: 'user';
  text: string;
  task: ChatTask;
  model: ModelChoice;
  at: string;
  context?: CodeContext;
  action?: CodeAction;
}

export type NoticeKind = 'retry' | 'restart' | 'fallback' | 'history' | 'info';

/** A small line inside an answer: retries, a restart on another model, history left out of the request. */
export interface Notice {
  kind: NoticeKind;
  text: string;
  /** The model a retry or restart notice is about (one line per model, updated in place). */
  model?: string;
  /** Retry: the attempt being waited for. Restart on the same model: how many times it broke off. */
  count?: number;
  /** Retry: the error that caused it. */
  detail?: string;
  /** A fix the notice offers as a button (Set API Key for a model skipped for lack of a key). */
  action?: Exclude<ErrorAction, 'retry'>;
}

/** What every finished answer shows under it; values straight from the call record. */
export interface AnswerFooter {
  model: string;
  routeReason: string;
  fallbackUsed: boolean;
  fallbackReason?: string;
  inputTokens: number;
  outputTokens: number;
  usageSource?: 'provider' | 'estimate';
  /** null = price unknown: shown as "unknown", never $0. */
  costUsd: number | null;
  /** What each model cost when more than one was billed (a model broke off before the fallback answered). */
  costParts?: { model: string; costUsd: number | null; usageSource: 'provider' | 'estimate' }[];
  ttftMs: number | null;
  totalMs: number;
  attempts: number;
  /** Why the answer ended; `max_tokens` (cut at the output limit) and `content_filter` are shown in the footer. */
  stopReason?: StopReason;
  /** The output limit that was sent, for the truncation notice. */
  maxOutputTokens?: number;
}

/** Buttons an error offers; each maps to one thing the user can do about it. */
export type ErrorAction = 'retry' | 'setApiKey' | 'openSettings' | 'openLog';

export interface AnswerError {
  kind: ErrorKind | 'config';
  message: string;
  actions: ErrorAction[];
}

export type AnswerStatus = 'streaming' | 'done' | 'error' | 'stopped';

export interface AssistantTurn {
  id: string;
  role: 'assistant';
  /** The user turn this answers (Retry re-sends it). */
  replyTo: string;
  text: string;
  status: AnswerStatus;
  /** The model currently answering (from `attempt` / `restart` events); the footer has the final one. */
  model?: string;
  notices: Notice[];
  footer?: AnswerFooter;
  error?: AnswerError;
  /** Set for refactor answers: their code blocks offer "Apply" (diff preview, then edit the original range). */
  applicable?: boolean;
}

export type Turn = UserTurn | AssistantTurn;

export interface Conversation {
  id: string;
  createdAt: string;
  turns: Turn[];
}

/** Live size of the request the input would send, counted in the extension host. */
export interface TokenCountInfo {
  /** System + history that fits + message (+ the output reserve when prompt and answer share one window). */
  tokens: number;
  /** The limit `tokens` is measured against: the model's input limit, or its combined window (Ollama num_ctx). */
  window: number;
  limitKind: 'input' | 'combined';
  /** The model the window belongs to (Auto shows the model it would route to first). */
  model: string;
  /** `≈` in the UI when the model has no public tokenizer. */
  exact: boolean;
  outputReserve: number;
  /** Earlier messages that would be left out to fit. */
  droppedMessages: number;
  /** Even without history the request does not fit. */
  overflow: boolean;
  /** Where the window comes from when it is not the catalog's (e.g. an Ollama server's num_ctx). */
  windowNote?: string;
  /** Nothing is configured for chat: `model` is the budget model, shown as such (no model would answer yet). */
  unrouted?: true;
}

export interface ChatViewState {
  conversation: Conversation;
  models: ModelOption[];
  model: ModelChoice;
  task: ChatTask;
  busy: boolean;
  /** Shown in place of the conversation when nothing is configured, e.g. "Configure a provider…". */
  setupHint?: string;
}
