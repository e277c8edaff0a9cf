import { formatUsd } from '../cost/pricing';
import type { CallRecord } from '../cost/callRecord';

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * One log line per call, from its record. Prompt text appears only when the user enabled `llmWorkbench.logPrompts`
 * (`includePrompt`); keys are never in a record, so they cannot reach the log.
 */
export function recordLogLine(record: CallRecord, includePrompt: boolean): { level: LogLevel; line: string } {
  const parts = [
    `${record.source ?? 'call'} ${record.task}`,
    `${record.provider}:${record.model}`,
    record.outcome === 'error' ? `error ${record.errorKind ?? ''}`.trim() : record.outcome,
    `in=${record.inputTokens} out=${record.outputTokens}${record.usageSource === 'estimate' ? ' (estimated)' : ''}`,
    `cost=${formatUsd(record.costUsd)}`,
    `ttft=${record.ttftMs === null ? 'n/a' : `${Math.round(record.ttftMs)}ms`}`,
    `total=${Math.round(record.totalMs)}ms`,
    `attempts=${record.attempts}`,
    `route="${record.reason}"`,
  ];
  if (record.fallbackUsed) parts.push(`fallback="${record.fallbackReason ?? 'yes'}"`);
  if (record.errorMessage) parts.push(`message="${record.errorMessage}"`);
  parts.push(`id=${record.requestId}`);
  if (includePrompt && record.prompt !== undefined) parts.push(`prompt=${JSON.stringify(record.prompt)}`);
  const level: LogLevel = record.outcome === 'error' ? 'error' : record.fallbackUsed || record.attempts > 1 ? 'warn' : 'info';
  return { level, line: parts.join(' · ') };
}
