import type { CallRecord } from '../cost/callRecord';
import type { GatewayEvent } from '../gateway/gatewayApi';
import type { ErrorKind } from '../providers/providerError';
import type { AnswerError, AnswerFooter, AssistantTurn, ErrorAction } from './conversation';

/**
 * Folds the gateway's event stream into the answer the chat shows. Pure, so the rules users care about are
 * testable without a webview: a restart replaces the partial text (never duplicates it), retries are one small
 * notice per model, and the footer comes from the call record alone.
 */
export function applyGatewayEvent(turn: AssistantTurn, event: GatewayEvent): AssistantTurn {
  switch (event.type) {
    case 'text':
      return { ...turn, text: turn.text + event.text };
    case 'route':
      return { ...turn, model: event.route.primary };
    case 'attempt':
      return { ...turn, model: event.model };
    case 'retry': {
      const seconds = (event.delayMs / 1000).toFixed(event.delayMs < 10_000 ? 1 : 0);
      const text = `Retrying ${event.model} in ${seconds}s (attempt ${event.attempt + 1}): ${event.error.message}`;
      // One line per model that is being retried, updated in place, so a burst of 429s stays one notice.
      const others = turn.notices.filter((n) => !(n.kind === 'retry' && n.text.startsWith(`Retrying ${event.model} `)));
      return { ...turn, notices: [...others, { kind: 'retry', text }] };
    }
    case 'fallback': {
      // The fallback line says why the model was left (e.g. "after 3 attempts"); its retry line is no longer news.
      const notices = turn.notices.filter((n) => !(n.kind === 'retry' && n.text.startsWith(`Retrying ${event.from} `)));
      return {
        ...turn,
        model: event.to,
        notices: [...notices, { kind: 'fallback', text: `Fell back from ${event.from} to ${event.to}: ${event.reason}` }],
      };
    }
    case 'restart': {
      // The text so far came from a model that failed: drop it, and say so where it was.
      const notices = turn.notices.filter((n) => !(n.kind === 'fallback' && n.text.includes(` to ${event.model}:`)));
      return {
        ...turn,
        text: '',
        model: event.model,
        notices: [...notices, { kind: 'restart', text: `Restarted on ${event.model} because ${event.reason}` }],
      };
    }
    case 'error':
      return { ...turn, error: answerError(event.error.kind, event.error.message) };
    case 'record':
      return finishFromRecord(turn, event.record);
    case 'usage':
    case 'done':
    case 'tool_call': // the chat sends no tools
      return turn;
  }
}

function finishFromRecord(turn: AssistantTurn, record: CallRecord): AssistantTurn {
  const footer = footerOf(record);
  if (record.outcome === 'ok') return { ...turn, status: 'done', footer, error: undefined, model: footer.model };
  if (record.outcome === 'aborted') return { ...turn, status: 'stopped', footer, error: undefined };
  const error = turn.error ?? answerError(record.errorKind ?? 'server', record.errorMessage ?? 'The request failed.');
  return { ...turn, status: 'error', footer, error };
}

export function footerOf(record: CallRecord): AnswerFooter {
  return {
    model: record.provider && record.model ? `${record.provider}:${record.model}` : record.route[0] ?? 'unknown',
    routeReason: record.reason,
    fallbackUsed: record.fallbackUsed,
    fallbackReason: record.fallbackReason,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    usageSource: record.usageSource,
    costUsd: record.costUsd,
    ttftMs: record.ttftMs,
    totalMs: record.totalMs,
    attempts: record.attempts,
    ...(record.stopReason ? { stopReason: record.stopReason } : {}),
    ...(record.maxOutputTokens !== undefined ? { maxOutputTokens: record.maxOutputTokens } : {}),
  };
}

/** Every error can be retried (the message is kept); some kinds have a more direct fix. */
export function answerError(kind: ErrorKind | 'config', message: string): AnswerError {
  const actions: ErrorAction[] = ['retry'];
  if (kind === 'auth') actions.unshift('setApiKey');
  if (kind === 'config' || kind === 'quota' || kind === 'network' || kind === 'bad_request') actions.push('openSettings');
  if (kind === 'server' || kind === 'overloaded' || kind === 'timeout' || kind === 'incomplete') actions.push('openLog');
  return { kind, message, actions };
}
