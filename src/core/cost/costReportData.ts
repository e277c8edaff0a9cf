import type { CallRecord, CostPart } from './callRecord';
import { lastDayKeys, localDayKey } from './calendarDay';
import { addPartToTotals, addToTotals, costPartsOf, emptyTotals, isOtherTool, mergeTotals, type SpendTotals } from './spendTally';

/** One row of the by-model or by-task table. */
export interface SpendRow extends SpendTotals {
  key: string;
  /** Mean total time of the calls, ms. */
  meanMs: number;
  errors: number;
}

export interface DaySpend extends SpendTotals {
  /** Local calendar day, `YYYY-MM-DD`. */
  day: string;
}

/** Everything the cost report webview draws; plain JSON so it crosses the webview boundary as is. */
export interface CostReportData {
  generatedAt: string;
  /** The days shown, oldest first, including days without calls (a chart with gaps would lie about time). */
  days: DaySpend[];
  byModel: SpendRow[];
  byTask: SpendRow[];
  bySource: SpendRow[];
  /** Our calls and other tools' calls (received over OTLP), side by side, over the days shown. */
  byOrigin: SpendRow[];
  /** Today's totals of each, for the daily budget (which counts our calls only). */
  todayByOrigin: { ours: SpendTotals; otherTools: SpendTotals };
  /** Totals over the days shown. */
  total: SpendTotals;
  /** Totals over the whole ledger, for "all time". */
  allTime: SpendTotals;
  /** Torn or unreadable ledger lines skipped while reading, so the report can say it is incomplete. */
  skippedLines: number;
}

interface RowAccumulator {
  totals: SpendTotals;
  ms: number;
  /** Calls whose time `ms` sums (a model charged for a part it broke off in has no time of its own in the record). */
  timed: number;
  errors: number;
}

function accumulate(map: Map<string, RowAccumulator>, key: string, record: CallRecord): void {
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = { totals: emptyTotals(), ms: 0, timed: 0, errors: 0 }));
  addToTotals(acc.totals, record);
  acc.ms += Number.isFinite(record.totalMs) ? record.totalMs : 0;
  acc.timed += 1;
  if (record.outcome !== 'ok') acc.errors += 1;
}

function accumulatePart(map: Map<string, RowAccumulator>, part: CostPart, record: CallRecord): void {
  let acc = map.get(part.model);
  if (!acc) map.set(part.model, (acc = { totals: emptyTotals(), ms: 0, timed: 0, errors: 0 }));
  addPartToTotals(acc.totals, part);
  const answered = part.model === `${record.provider}:${record.model}`;
  // Time and outcome belong to the model that answered (or failed last); a model that broke off earlier failed.
  if (answered) {
    acc.ms += Number.isFinite(record.totalMs) ? record.totalMs : 0;
    acc.timed += 1;
  }
  if (!answered || record.outcome !== 'ok') acc.errors += 1;
}

function rows(map: Map<string, RowAccumulator>): SpendRow[] {
  return [...map.entries()]
    .map(([key, acc]) => ({ key, ...acc.totals, meanMs: acc.timed ? acc.ms / acc.timed : 0, errors: acc.errors }))
    .sort((a, b) => b.usd - a.usd || b.calls - a.calls || a.key.localeCompare(b.key));
}

export const ORIGIN_OURS = 'LLM Workbench';
export const ORIGIN_OTHER_TOOLS = 'Other tools (received over OTLP)';

/** Spend by day over the last `dayCount` local days ending `now`, and by model / task / source over the same days. */
export function buildCostReport(records: Iterable<CallRecord>, now: Date, dayCount = 30, skippedLines = 0): CostReportData {
  const keys = lastDayKeys(now, dayCount);
  const dayMap = new Map(keys.map((day) => [day, { day, ...emptyTotals() } as DaySpend]));
  const byModel = new Map<string, RowAccumulator>();
  const byTask = new Map<string, RowAccumulator>();
  const bySource = new Map<string, RowAccumulator>();
  const byOrigin = new Map<string, RowAccumulator>();
  const todayByOrigin = { ours: emptyTotals(), otherTools: emptyTotals() };
  const todayKey = localDayKey(now);
  const total = emptyTotals();
  const allTime = emptyTotals();

  for (const record of records) {
    const at = new Date(record.at);
    if (Number.isNaN(at.getTime())) continue;
    addToTotals(allTime, record);
    const day = dayMap.get(localDayKey(at));
    if (!day) continue;
    addToTotals(day, record);
    addToTotals(total, record);
    // Each model is charged its own part of a call (one that broke off before a fallback answered included).
    for (const part of costPartsOf(record)) accumulatePart(byModel, part, record);
    accumulate(byTask, record.task, record);
    const other = isOtherTool(record);
    accumulate(bySource, other ? `${record.source ?? 'unknown'} (other tool)` : (record.source ?? 'unknown'), record);
    accumulate(byOrigin, other ? ORIGIN_OTHER_TOOLS : ORIGIN_OURS, record);
    if (day.day === todayKey) addToTotals(other ? todayByOrigin.otherTools : todayByOrigin.ours, record);
  }
  return {
    generatedAt: now.toISOString(),
    days: keys.map((k) => dayMap.get(k)!),
    byModel: rows(byModel),
    byTask: rows(byTask),
    bySource: rows(bySource),
    byOrigin: rows(byOrigin),
    todayByOrigin,
    total,
    allTime,
    skippedLines,
  };
}

/** Sum of a list of totals (used by tests and the webview footer). */
export function sumTotals(list: readonly SpendTotals[]): SpendTotals {
  const sum = emptyTotals();
  for (const t of list) mergeTotals(sum, t);
  return sum;
}
