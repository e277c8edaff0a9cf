import type { CallRecord } from './callRecord';
import { localDayKey, localMonthKey } from './calendarDay';
import { addPartToTotals, addToTotals, costPartsOf, emptyTotals, type SpendTotals } from './spendTally';

/**
 * Spend over a set of ledger records, sliced the ways people ask about it. Every slice keeps the calls whose price
 * is unknown as a separate count (`unknownPriceCalls`): they are never folded into $0.
 * Days and months are the local calendar's (what the person at the keyboard calls "today").
 */
export interface LedgerAggregation {
  all: SpendTotals;
  session: SpendTotals;
  today: SpendTotals;
  month: SpendTotals;
  /** Keyed by `provider:model`: each model charged its part of a call (the one that answered, and one that broke off before it). */
  byModel: Record<string, SpendTotals>;
  byTask: Record<string, SpendTotals>;
  /** Keyed by local day, `YYYY-MM-DD`. */
  byDay: Record<string, SpendTotals>;
}

export interface AggregationOptions {
  now: Date;
  /** The session: records with this id (`CallRecord.sessionId`)... */
  sessionId?: string;
  /** ...or, without an id, records at or after this instant. */
  sessionStart?: Date;
}

export function aggregateLedger(records: Iterable<CallRecord>, options: AggregationOptions): LedgerAggregation {
  const result: LedgerAggregation = {
    all: emptyTotals(),
    session: emptyTotals(),
    today: emptyTotals(),
    month: emptyTotals(),
    byModel: {},
    byTask: {},
    byDay: {},
  };
  const today = localDayKey(options.now);
  const month = localMonthKey(options.now);
  const sessionFrom = options.sessionStart?.getTime();
  for (const record of records) {
    const at = new Date(record.at);
    if (Number.isNaN(at.getTime())) continue; // cannot be placed on a day
    const day = localDayKey(at);
    addToTotals(result.all, record);
    if (day === today) addToTotals(result.today, record);
    if (day.startsWith(month)) addToTotals(result.month, record);
    const inSession =
      options.sessionId !== undefined ? record.sessionId === options.sessionId : sessionFrom !== undefined && at.getTime() >= sessionFrom;
    if (inSession) addToTotals(result.session, record);
    for (const part of costPartsOf(record)) addPartToTotals((result.byModel[part.model] ??= emptyTotals()), part);
    addToTotals((result.byTask[record.task] ??= emptyTotals()), record);
    addToTotals((result.byDay[day] ??= emptyTotals()), record);
  }
  return result;
}
