import type { CallRecord, CostPart } from './callRecord';
import { localDayKey, localMonthKey } from './calendarDay';

/** Money and call counts for one slice of the ledger. Unknown-price calls are counted, never priced at $0. */
export interface SpendTotals {
  /** Sum of the calls whose cost is known. */
  usd: number;
  calls: number;
  /** Calls whose model has no price: their cost is unknown, so `usd` is a lower bound when this is > 0. */
  unknownPriceCalls: number;
  inputTokens: number;
  outputTokens: number;
}

export const emptyTotals = (): SpendTotals => ({ usd: 0, calls: 0, unknownPriceCalls: 0, inputTokens: 0, outputTokens: 0 });

const isKnown = (usd: number | null | undefined): usd is number => usd !== null && usd !== undefined && Number.isFinite(usd);

/**
 * One call into a slice: its known cost is added; a call with any part of unknown price is also counted as
 * unknown, so the sum reads "at least" and a known part is never lost because another part has no price.
 */
export function addToTotals(totals: SpendTotals, record: CallRecord): void {
  totals.calls += 1;
  totals.inputTokens += record.inputTokens;
  totals.outputTokens += record.outputTokens;
  const parts = record.costParts;
  if (parts && parts.length > 0) {
    for (const part of parts) if (isKnown(part.costUsd)) totals.usd += part.costUsd;
    if (parts.some((part) => !isKnown(part.costUsd))) totals.unknownPriceCalls += 1;
  } else if (isKnown(record.costUsd)) totals.usd += record.costUsd;
  else totals.unknownPriceCalls += 1;
}

/** Another tool's call (Copilot Chat, promptfoo…) received over OTLP, not one made through our gateway. */
export const isOtherTool = (record: Pick<CallRecord, 'origin'>): boolean => record.origin === 'otlp';

/** `provider:model` of the model that answered (after any fallback). */
export const modelRefOf = (record: Pick<CallRecord, 'provider' | 'model'>): string => `${record.provider}:${record.model}`;

/**
 * Who a call's cost belongs to: each model that produced tokens when it has parts (a model that broke off before a
 * fallback answered is charged its own partial answer), else the model that answered.
 */
export function costPartsOf(record: CallRecord): CostPart[] {
  if (record.costParts && record.costParts.length > 0) return record.costParts;
  return [
    {
      model: modelRefOf(record),
      costUsd: record.costUsd,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      usageSource: record.usageSource ?? 'provider',
    },
  ];
}

/** A model's part of a call into that model's slice: a call of that model, with that model's tokens and cost. */
export function addPartToTotals(totals: SpendTotals, part: CostPart): void {
  totals.calls += 1;
  totals.inputTokens += part.inputTokens;
  totals.outputTokens += part.outputTokens;
  if (isKnown(part.costUsd)) totals.usd += part.costUsd;
  else totals.unknownPriceCalls += 1;
}

/** Adds a call to the per-model slices of `byModel`, each part to its own model. */
export function addToModels(byModel: Map<string, SpendTotals>, record: CallRecord): void {
  for (const part of costPartsOf(record)) addPartToTotals(totalsFor(byModel, part.model), part);
}

interface DayBucket {
  totals: SpendTotals;
  byModel: Map<string, SpendTotals>;
}

/**
 * Folds ledger records one at a time (records arrive incrementally as the ledger file grows) into per-day
 * buckets, so "today" and "this month" stay right across midnight without re-reading the file.
 * Memory is per day and model, not per call.
 */
export class SpendTally {
  private readonly days = new Map<string, DayBucket>();
  /** Other tools' calls, per day: shown beside ours, never in our totals (the daily budget governs our calls). */
  private readonly otherDays = new Map<string, DayBucket>();
  private readonly sessionTotals = emptyTotals();
  private readonly sessionByModel = new Map<string, SpendTotals>();

  /**
   * A call counts towards "session" (this window) when it carries this window's `sessionId`; records without an id
   * (older writers) count when they are at or after `sessionStart`.
   */
  constructor(
    private readonly sessionStart: Date,
    private readonly sessionId?: string,
  ) {}

  add(record: CallRecord): void {
    const at = new Date(record.at);
    if (Number.isNaN(at.getTime())) return; // a record without a usable time cannot be placed on a day
    const key = localDayKey(at);
    const days = isOtherTool(record) ? this.otherDays : this.days;
    let day = days.get(key);
    if (!day) days.set(key, (day = { totals: emptyTotals(), byModel: new Map() }));
    addToTotals(day.totals, record);
    addToModels(day.byModel, record);
    if (isOtherTool(record)) return;
    const inSession =
      record.sessionId && this.sessionId ? record.sessionId === this.sessionId : at.getTime() >= this.sessionStart.getTime();
    if (inSession) {
      addToTotals(this.sessionTotals, record);
      addToModels(this.sessionByModel, record);
    }
  }

  addAll(records: Iterable<CallRecord>): void {
    for (const record of records) this.add(record);
  }

  session(): SpendTotals {
    return { ...this.sessionTotals };
  }

  day(key: string): SpendTotals {
    return { ...(this.days.get(key)?.totals ?? emptyTotals()) };
  }

  today(now: Date): SpendTotals {
    return this.day(localDayKey(now));
  }

  month(now: Date): SpendTotals {
    const prefix = localMonthKey(now);
    const sum = emptyTotals();
    for (const [key, day] of this.days) if (key.startsWith(prefix)) mergeTotals(sum, day.totals);
    return sum;
  }

  /** Per-model totals for one day, most expensive first (unknown-price models after priced ones of equal cost). */
  modelsOn(key: string): { model: string; totals: SpendTotals }[] {
    const byModel = this.days.get(key)?.byModel ?? new Map<string, SpendTotals>();
    return rankModels(byModel);
  }

  /** Other tools' calls (received over OTLP) today and this month, kept apart from ours. */
  otherToolsToday(now: Date): SpendTotals {
    return { ...(this.otherDays.get(localDayKey(now))?.totals ?? emptyTotals()) };
  }

  otherToolsMonth(now: Date): SpendTotals {
    const prefix = localMonthKey(now);
    const sum = emptyTotals();
    for (const [key, day] of this.otherDays) if (key.startsWith(prefix)) mergeTotals(sum, day.totals);
    return sum;
  }
}

function totalsFor(map: Map<string, SpendTotals>, key: string): SpendTotals {
  let totals = map.get(key);
  if (!totals) map.set(key, (totals = emptyTotals()));
  return totals;
}

export function mergeTotals(into: SpendTotals, from: SpendTotals): void {
  into.usd += from.usd;
  into.calls += from.calls;
  into.unknownPriceCalls += from.unknownPriceCalls;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
}

export function rankModels(byModel: Map<string, SpendTotals>): { model: string; totals: SpendTotals }[] {
  return [...byModel.entries()]
    .map(([model, totals]) => ({ model, totals: { ...totals } }))
    .sort((a, b) => b.totals.usd - a.totals.usd || b.totals.calls - a.totals.calls || a.model.localeCompare(b.model));
}
