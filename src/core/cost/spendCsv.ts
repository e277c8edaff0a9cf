import type { CallRecord } from './callRecord';

export type CsvCell = string | number | boolean | null | undefined;

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF (or edge spaces), quotes doubled.
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading apostrophe:
 * model names and error messages come from configuration and providers, not from us.
 */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows joined with CRLF (RFC 4180), ending with one. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const CALL_CSV_HEADER = [
  'at',
  'provider',
  'model',
  'task',
  'source',
  'outcome',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_usd',
  'price_known',
  'ttft_ms',
  'total_ms',
  'attempts',
  'fallback_used',
  'error_kind',
] as const;

/** The ledger as a spreadsheet: one row per call; an unknown cost is an empty cell with price_known=false, never 0. */
export function callRecordsCsv(records: Iterable<CallRecord>): string {
  const rows: CsvCell[][] = [[...CALL_CSV_HEADER]];
  for (const r of records) {
    const known = typeof r.costUsd === 'number' && Number.isFinite(r.costUsd);
    rows.push([
      r.at,
      r.provider,
      r.model,
      r.task,
      r.source ?? '',
      r.outcome,
      r.inputTokens,
      r.outputTokens,
      r.cachedInputTokens ?? null,
      known ? r.costUsd : null,
      known,
      r.ttftMs,
      r.totalMs,
      r.attempts,
      r.fallbackUsed,
      r.errorKind ?? '',
    ]);
  }
  return toCsv(rows);
}
