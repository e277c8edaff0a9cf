/**
 * promptfoo's named scores and `derivedMetrics` (0.123.1: AssertionsResult, accumulateNamedMetric,
 * updateDerivedMetrics), reproduced exactly:
 * - a case's named score for a metric is the weighted mean of the scores of its assertions carrying that `metric:`
 *   (an assert-set's own named scores join its parent's with the set's weight);
 * - a prompt column's total for a metric is the sum over its results of score × weight (not a mean);
 * - after every result of a column, each derived metric is evaluated in order with mathjs `evaluate` over those
 *   totals, the derived values computed so far and `__count` (results of the column so far). A failed evaluation
 *   (an unknown name: a metric no result has yet) keeps the previous value, 0 at first. Division by zero is mathjs's
 *   Infinity / NaN, as in promptfoo.
 */
import type { AssertionOutcome } from './assertions/assertionOutcome';
import { loadMathJs } from './assertions/structured/evalLibraries';
import type { EvalCaseResult } from './evalResult';
import type { DerivedMetric } from './evalModel';

interface Named {
  scores: Record<string, number>;
  weights: Record<string, number>;
}

/** A case's named scores (normalized) and their weights, from its assertion outcomes. */
export function caseNamedScores(assertions: readonly AssertionOutcome[]): Named {
  const sums: Record<string, number> = {};
  const weights: Record<string, number> = {};
  const add = (name: string, value: number, weight: number) => {
    sums[name] = (sums[name] ?? 0) + value;
    weights[name] = (weights[name] ?? 0) + weight;
  };
  for (const a of assertions) {
    if (a.metric) add(a.metric, a.score * a.weight, a.weight);
    if (!a.components) continue;
    const inner = caseNamedScores(a.components);
    for (const [name, score] of Object.entries(inner.scores)) {
      if (name === a.metric) continue;
      const weight = (inner.weights[name] ?? 1) * a.weight;
      add(name, score * weight, weight);
    }
  }
  const scores: Record<string, number> = {};
  for (const [name, sum] of Object.entries(sums)) scores[name] = weights[name] > 0 ? sum / weights[name] : 0;
  return { scores, weights };
}

export interface ColumnMetrics {
  file: string;
  promptIndex: number;
  promptLabel: string;
  providerLabel: string;
  /** Named-score totals and the derived metrics, as promptfoo's `prompts[].metrics.namedScores`. */
  namedScores: Record<string, number>;
  /** The derived metrics alone, in the file's order. */
  derived: Record<string, number>;
  /** Why a derived metric's last evaluation failed (its value is then promptfoo's: the previous one, or 0). */
  errors: Record<string, string>;
}

/** Feeds results as they complete; `columns()` gives promptfoo's per-prompt metrics for files with derivedMetrics. */
export class DerivedMetricsTracker {
  private readonly columnsByKey = new Map<string, ColumnMetrics & { count: number }>();

  constructor(private readonly metricsByFile: ReadonlyMap<string, readonly DerivedMetric[]>) {}

  static forFiles(files: readonly { path: string; derivedMetrics?: DerivedMetric[] }[]): DerivedMetricsTracker | undefined {
    const byFile = new Map(files.flatMap((f) => (f.derivedMetrics?.length ? [[f.path, f.derivedMetrics] as const] : [])));
    return byFile.size > 0 ? new DerivedMetricsTracker(byFile) : undefined;
  }

  add(result: EvalCaseResult): void {
    const metrics = this.metricsByFile.get(result.file);
    if (!metrics || result.engine === 'promptfoo') return;
    const key = `${result.file}\u0000${result.promptIndex}\u0000${result.providerLabel}`;
    let column = this.columnsByKey.get(key);
    if (!column) {
      column = {
        file: result.file,
        promptIndex: result.promptIndex,
        promptLabel: result.promptLabel,
        providerLabel: result.providerLabel,
        namedScores: {},
        derived: {},
        errors: {},
        count: 0,
      };
      this.columnsByKey.set(key, column);
    }
    const named = caseNamedScores(result.assertions);
    for (const [name, score] of Object.entries(named.scores)) {
      column.namedScores[name] = (column.namedScores[name] ?? 0) + score * (named.weights[name] ?? 0);
    }
    column.count++;
    evaluateDerived(column, metrics);
  }

  columns(): ColumnMetrics[] {
    return [...this.columnsByKey.values()]
      .map(({ count: _count, ...column }) => column)
      .sort((a, b) => a.file.localeCompare(b.file) || a.promptIndex - b.promptIndex);
  }
}

function evaluateDerived(column: ColumnMetrics & { count: number }, metrics: readonly DerivedMetric[]): void {
  const math = loadMathJs();
  const scope: Record<string, number> = { ...column.namedScores, __count: column.count };
  for (const metric of metrics) {
    column.namedScores[metric.name] ??= 0;
    column.derived[metric.name] ??= 0;
    try {
      const value = math.evaluate(metric.value, { ...scope }) as unknown;
      column.namedScores[metric.name] = value as number;
      column.derived[metric.name] = value as number;
      scope[metric.name] = value as number;
      delete column.errors[metric.name];
    } catch (error) {
      // promptfoo logs at debug level and keeps the previous value; we say why beside it.
      column.errors[metric.name] = error instanceof Error ? error.message : String(error);
    }
  }
}

/** A derived metric's value as text: mathjs may give Infinity/NaN (a zero denominator) or a non-number. */
export function formatMetric(value: unknown): string {
  if (typeof value !== 'number') return JSON.stringify(value) ?? String(value);
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, '');
}
