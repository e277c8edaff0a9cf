import { relative } from 'node:path';
import { formatUsd } from '../cost/pricing';
import type { EvalCaseResult } from './evalResult';
import type { ReportResult } from './reportRow';
import { incompleteAnswer } from './incompleteAnswer';
import type { CandidateStats } from './matrixStats';
import type { EvalRunSummary } from './runEval';

const VERDICT_TEXT: Record<EvalCaseResult['verdict'], string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

function clip(text: string, width: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > width ? `${oneLine.slice(0, width - 1)}…` : oneLine;
}

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string {
  return [...tableLines(header, () => rows, rightAligned)].join('\n');
}

/**
 * A table's lines. `rows` is called twice (widths, then lines) so a caller with many rows can produce them on the
 * fly instead of keeping every cell of every row at once.
 */
function* tableLines(header: string[], rows: () => Iterable<string[]>, rightAligned: ReadonlySet<number> = new Set()): Generator<string> {
  const widths = header.map((h) => h.length);
  for (const r of rows()) r.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  yield line(header);
  yield widths.map((w) => '-'.repeat(w)).join('  ');
  for (const r of rows()) yield line(r);
}

/** One row per case: case, provider, verdict, latency, cost, and the reason for anything but a pass. */
export function resultsTable(results: readonly ReportResult[], cwd = process.cwd()): string {
  return [...resultsTableLines(results, cwd)].join('\n');
}

/** The lines of `resultsTable` one at a time (a 100,000-case run writes them without building the whole text). */
export function* resultsTableLines(results: readonly ReportResult[], cwd = process.cwd()): Generator<string> {
  const multiFile = new Set(results.map((r) => r.file)).size > 1;
  const multiPrompt = results.some((r) => r.promptIndex > 0);
  const multiRepeat = results.some((r) => r.repeat > 0);
  const row = (r: ReportResult) => {
    let name = clip(r.description, 40);
    if (multiFile) name = `${relative(cwd, r.file)}: ${name}`;
    if (multiPrompt) name += ` (prompt ${r.promptIndex + 1})`;
    if (multiRepeat) name += ` #${r.repeat + 1}`;
    return [
      name,
      r.providerLabel,
      VERDICT_TEXT[r.verdict],
      r.verdict === 'error' && r.latencyMs === 0 ? '-' : `${Math.round(r.latencyMs)} ms`,
      `${formatUsd(r.costUsd)}${r.cached ? ' (cached)' : ''}`,
      clip([incompleteMark(r), r.verdict === 'pass' ? '' : r.reason].filter(Boolean).join('; '), 80),
    ];
  };
  yield* tableLines(
    ['case', 'provider', 'verdict', 'latency', 'cost', 'reason'],
    function* () {
      for (const r of results) yield row(r);
    },
    new Set([3]),
  );
}

/** First in the reason cell, and short, so clipping a long reason never hides it; the line under the totals explains. */
function incompleteMark(r: Pick<ReportResult, 'stopReason'>): string {
  const incomplete = incompleteAnswer(r.stopReason);
  return incomplete ? `⚠ ${incomplete.short} (stop reason ${r.stopReason})` : '';
}

export function matrixTable(candidates: readonly CandidateStats[]): string {
  const rows = candidates.map((c) => [
    c.label,
    `${(c.passRate * 100).toFixed(1)}%`,
    `${c.passed}/${c.cases - c.skipped}`,
    `${Math.round(c.meanLatencyMs)} ms`,
    `${Math.round(c.p95LatencyMs)} ms`,
    formatUsd(c.costPerCallUsd),
    c.unknownCostCalls > 0 ? `${formatUsd(c.totalCostUsd)} + ${c.unknownCostCalls} unknown` : formatUsd(c.totalCostUsd),
  ]);
  return table(
    ['model', 'pass rate', 'passed', 'mean latency', 'p95 latency', 'cost/call', 'total cost'],
    rows,
    new Set([1, 2, 3, 4, 5, 6]),
  );
}

export function totalsLine(summary: EvalRunSummary): string {
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.errors > 0) parts.push(plural(summary.errors, 'error'));
  if (summary.skipped > 0) parts.push(`${summary.skipped} skipped`);
  const cached = summary.cached > 0 ? `, ${summary.cached} from cache` : '';
  const unknown = summary.unknownCostCalls > 0 ? ` (+ ${plural(summary.unknownCostCalls, 'call')} of unknown price)` : '';
  return `${plural(summary.total, 'case')}: ${parts.join(', ')}${cached}; spent ${formatUsd(summary.newSpendUsd)}${unknown} in ${(summary.wallMs / 1000).toFixed(1)} s${summary.cancelled ? ' — cancelled' : ''}`;
}

/** `1 case`, `2 cases`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
