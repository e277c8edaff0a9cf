import type { CallRecord } from './callRecord';

/**
 * Why a ledger line that parsed as JSON is still not a call record the totals can use, or undefined when it is.
 * A hand-edited or foreign line (`"inputTokens": "12"`) would otherwise turn the sums into "3412undefined" or NaN:
 * it is skipped with this reason instead, and counted as a warning.
 */
export function recordProblem(value: Record<string, unknown>): string | undefined {
  if (typeof value.at !== 'string' || Number.isNaN(Date.parse(value.at))) return `"at" is ${show(value.at)}, not a timestamp`;
  for (const field of ['provider', 'model', 'task'] as const) {
    if (typeof value[field] !== 'string') return `"${field}" is ${show(value[field])}, not text`;
  }
  for (const field of ['inputTokens', 'outputTokens', 'totalMs'] as const) {
    if (!isCount(value[field])) return `"${field}" is ${show(value[field])}, not a number`;
  }
  for (const field of ['cachedInputTokens', 'attempts'] as const) {
    if (value[field] !== undefined && !isCount(value[field])) return `"${field}" is ${show(value[field])}, not a number`;
  }
  // null is the honest "price unknown"; anything else that is not a number cannot be added up.
  if (value.costUsd !== null && !isCount(value.costUsd)) return `"costUsd" is ${show(value.costUsd)}, not a number or null`;
  for (const field of ['estimatedCostUsd', 'ttftMs'] as const) {
    if (value[field] !== undefined && value[field] !== null && !isCount(value[field]))
      return `"${field}" is ${show(value[field])}, not a number or null`;
  }
  if (value.outcome !== undefined && value.outcome !== 'ok' && value.outcome !== 'error' && value.outcome !== 'aborted') {
    return `"outcome" is ${show(value.outcome)}, not ok, error or aborted`;
  }
  return undefined;
}

export function isCallRecord(value: unknown): value is CallRecord {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && recordProblem(value as Record<string, unknown>) === undefined
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
