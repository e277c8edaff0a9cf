import type { CallRecord } from '../cost/callRecord';
import type { GatewayEvent } from '../gateway/gatewayApi';
import type { ErrorKind } from '../providers/providerError';
import type { AnswerError, AnswerFooter, AssistantTurn, ErrorAction, Notice } from './conversation';

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
      const others = turn.notices.filter((n) => !(n.kind === 'retry' && n.model === event.model));
      return {
        ...turn,
        notices: [...others, { kind: 'retry', text, model: event.model, count: event.attempt + 1, detail: event.error.message }],
      };
    }
    case 'fallback': {
      // The fallback line says why the model was left (e.g. "after 3 attempts"); its retry line is no longer news.
      const notices = turn.notices.filter((n) => !(n.kind === 'retry' && n.model === event.from));
      const fallback: Notice = { kind: 'fallback', text: `Fell back from ${event.from} to ${event.to}: ${event.reason}`, model: event.to };
      // Nothing was sent to a model skipped for want of a key: say so, and offer to set it.
      if (event.missingKey) fallback.action = 'setApiKey';
      return { ...turn, model: event.to, notices: [...notices, fallback] };
    }
    case 'restart':
      return restartNotice(turn, event);
    case 'error':
      return { ...turn, error: answerError(event.error.kind, event.error.message, { missingKey: event.error.missingKey }) };
    case 'record':
      return finishFromRecord(turn, event.record);
    case 'usage':
    case 'done':
    case 'tool_call': // the chat sends no tools
      return turn;
  }
}

/**
 * The text so far came from a model that broke off: drop it, and say so where it was. On another model (a fallback)
 * the fallback line is folded into this one; on the same model (no fallback left) the retry line is, and one line
 * per model counts how often it broke off instead of naming the model twice.
 */
function restartNotice(turn: AssistantTurn, event: Extract<GatewayEvent, { type: 'restart' }>): AssistantTurn {
  if (event.from !== event.model) {
    const notices = turn.notices.filter((n) => !(n.kind === 'fallback' && n.text.includes(` to ${event.model}:`)));
    return {
      ...turn,
      text: '',
      model: event.model,
      notices: [...notices, { kind: 'restart', text: `Restarted on ${event.model} because ${event.reason}`, model: event.model }],
    };
  }
  const previous = turn.notices.find((n) => n.kind === 'restart' && n.model === event.model && n.count !== undefined);
  const count = (previous?.count ?? 0) + 1;
  const notices = turn.notices.filter((n) => !((n.kind === 'retry' || n.kind === 'restart') && n.model === event.model));
  const times = count === 1 ? '' : ` (${count} times)`;
  const text = `${event.reason.replace(/; the answer restarts$/, '')}${times}: the partial text was removed and ${event.model} is answering again from the start`;
  return { ...turn, text: '', model: event.model, notices: [...notices, { kind: 'restart', text, model: event.model, count }] };
}

/** Once the call is over, "Retrying… (attempt 3)" would read as if something were still going on: it becomes the past. */
function settleNotices(notices: Notice[], ok: boolean): Notice[] {
  return notices.map((n) => {
    if (n.kind === 'retry' && n.model && n.count !== undefined)
      return { ...n, text: `Retried ${n.model} (${n.count} attempts): ${n.detail ?? ''}`.trimEnd() };
    if (n.kind === 'restart' && n.model && n.count !== undefined) {
      const times = n.count === 1 ? 'once' : `${n.count} times`;
      return { ...n, text: `${n.model} broke off ${times}${ok ? ' before it answered' : ''}: the partial text was removed` };
    }
    return n;
  });
}

function finishFromRecord(turn: AssistantTurn, record: CallRecord): AssistantTurn {
  const notices = settleNotices(turn.notices, record.outcome === 'ok');
  // Nothing was sent (no model could be routed, every model was skipped): there is no answer to foot.
  const footer = record.attempts > 0 || record.outcome === 'ok' ? footerOf(record) : undefined;
  if (record.outcome === 'ok') return { ...turn, notices, status: 'done', footer, error: undefined, model: footer?.model ?? turn.model };
  if (record.outcome === 'aborted') return { ...turn, notices, status: 'stopped', footer, error: undefined };
  const error = turn.error ?? answerError(record.errorKind ?? 'server', record.errorMessage ?? 'The request failed.');
  return { ...turn, notices, status: 'error', footer, error };
}

export function footerOf(record: CallRecord): AnswerFooter {
  return {
    model: record.provider && record.model ? `${record.provider}:${record.model}` : (record.route[0] ?? 'unknown'),
    routeReason: record.reason,
    fallbackUsed: record.fallbackUsed,
    fallbackReason: record.fallbackReason,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    usageSource: record.usageSource,
    costUsd: record.costUsd,
    ...(record.costParts
      ? { costParts: record.costParts.map(({ model, costUsd, usageSource }) => ({ model, costUsd, usageSource })) }
      : {}),
    ttftMs: record.ttftMs,
    totalMs: record.totalMs,
    attempts: record.attempts,
    ...(record.stopReason ? { stopReason: record.stopReason } : {}),
    ...(record.maxOutputTokens !== undefined ? { maxOutputTokens: record.maxOutputTokens } : {}),
  };
}

/**
 * Every error can be retried (the message is kept); some kinds have a more direct fix. `missingKey`: some model on the
 * route was skipped for want of a key (whatever the last model's error was), so Set API Key is one of the fixes.
 */
export function answerError(kind: ErrorKind | 'config', message: string, why: { missingKey?: boolean } = {}): AnswerError {
  const actions: ErrorAction[] = ['retry'];
  if (kind === 'auth' || why.missingKey) actions.unshift('setApiKey');
  if (kind === 'config' || kind === 'quota' || kind === 'network' || kind === 'bad_request') actions.push('openSettings');
  if (kind === 'server' || kind === 'overloaded' || kind === 'timeout' || kind === 'incomplete') actions.push('openLog');
  return { kind, message, actions };
}
