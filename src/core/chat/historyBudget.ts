import { checkWindow, type ModelLimits, type WindowCheck } from '../models/windowCheck';
import type { ChatMessage } from '../providers/chat';

/**
 * Tokens the chat wire formats add around each message (role markers, separators). OpenAI documents 3 per message
 * plus 3 to prime the reply; Anthropic's framing is similar. A small constant keeps the estimate on the safe side.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;

export interface HistoryBudgetInput {
  system: string;
  /** Earlier messages, oldest first, alternating user/assistant. */
  history: ChatMessage[];
  message: ChatMessage;
  /** The model's limits (the window rule: prompt vs input limit, reserve vs output limit, combined only where it has one). */
  limits: ModelLimits;
  outputReserve: number;
  count: (text: string) => number;
}

export interface HistoryBudget {
  /** What to send: the history that fits (newest kept) plus the message. */
  messages: ChatMessage[];
  /** Prompt tokens of what is sent (system + kept history + message + framing). */
  inputTokens: number;
  /** The window rule's verdict for what is sent: `check.used` of `check.limit` is what the input shows. */
  check: WindowCheck;
  /** Earlier messages left out so the request fits. */
  dropped: number;
  /** Even with no history the request does not fit (prompt over the input limit, or the reserve over the output limit). */
  overflow: boolean;
}

/**
 * Fits system + history + message + output reserve into a model's window by leaving out the oldest turns first,
 * a whole user/assistant exchange at a time (so the conversation still alternates and an answer never appears
 * without its question). The caller shows `dropped` to the user: history is never shortened silently.
 */
export function fitHistory(input: HistoryBudgetInput): HistoryBudget {
  const cost = (m: ChatMessage) => input.count(m.content) + MESSAGE_OVERHEAD_TOKENS;
  const fixed = (input.system ? input.count(input.system) + MESSAGE_OVERHEAD_TOKENS : 0) + cost(input.message) + REPLY_PRIMING_TOKENS;
  const available = checkWindow(input.limits, 0, input.outputReserve).promptLimit - fixed;

  // Walk exchanges newest first; stop at the first one that no longer fits (keeping a contiguous recent tail).
  const exchanges = groupExchanges(input.history);
  let used = 0;
  let keptFrom = exchanges.length;
  for (let i = exchanges.length - 1; i >= 0; i--) {
    const size = exchanges[i].reduce((sum, m) => sum + cost(m), 0);
    if (used + size > available) break;
    used += size;
    keptFrom = i;
  }
  const kept = exchanges.slice(keptFrom).flat();
  const inputTokens = fixed + used;
  return {
    messages: [...kept, input.message],
    inputTokens,
    check: checkWindow(input.limits, inputTokens, input.outputReserve),
    dropped: input.history.length - kept.length,
    overflow: checkWindow(input.limits, fixed, input.outputReserve).verdict === 'over',
  };
}

/** Splits a history into exchanges that start at a user message (a leading assistant message stands alone). */
function groupExchanges(history: ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (const message of history) {
    if (message.role === 'user' || groups.length === 0) groups.push([message]);
    else groups[groups.length - 1].push(message);
  }
  return groups;
}

/** The notice shown in the conversation when history was left out. */
export function droppedHistoryNotice(dropped: number, check: Pick<WindowCheck, 'limit' | 'limitKind'>, model: string): string {
  const what = dropped === 1 ? '1 earlier message was' : `${dropped} earlier messages were`;
  const limit = check.limitKind === 'combined' ? 'window' : 'input limit';
  return `${what} left out of this request to fit ${model}'s ${check.limit.toLocaleString('en-US')}-token ${limit}.`;
}
