import type { ModelRef } from '../models/modelRef';
import type { EvalCaseResult } from './evalResult';

/** One column of a comparison: a provider (and prompt, when the file has several) over every case and repeat. */
export interface CandidateStats {
  label: string;
  provider?: ModelRef;
  promptLabel?: string;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** passed / (cases - skipped); errors count as failures: a model that errors does not do the job. */
  passRate: number;
  meanLatencyMs: number;
  p95LatencyMs: number;
  /** Sum over calls with a known price; `unknownCostCalls` says how many had none. */
  totalCostUsd: number;
  unknownCostCalls: number;
  /** Mean cost of one call; null when any call's price is unknown. */
  costPerCallUsd: number | null;
  meanInputTokens: number;
  meanOutputTokens: number;
}

interface Tally {
  label: string;
  provider?: ModelRef;
  promptLabel?: string;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  latencies: number[];
  cost: number;
  unknownCost: number;
  costed: number;
  inputTokens: number;
  outputTokens: number;
}

/** Accumulates numbers only (never outputs), so a long run's summary costs a few bytes per case. */
export class MatrixAccumulator {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly splitByPrompt: boolean) {}

  add(result: EvalCaseResult): void {
    const key = this.splitByPrompt ? `${result.providerLabel}\u0000${result.promptIndex}` : result.providerLabel;
    let t = this.tallies.get(key);
    if (!t) {
      t = {
        label: this.splitByPrompt ? `${result.providerLabel} · ${result.promptLabel}` : result.providerLabel,
        provider: result.provider,
        promptLabel: this.splitByPrompt ? result.promptLabel : undefined,
        passed: 0,
        failed: 0,
        errors: 0,
        skipped: 0,
        latencies: [],
        cost: 0,
        unknownCost: 0,
        costed: 0,
        inputTokens: 0,
        outputTokens: 0,
      };
      this.tallies.set(key, t);
    }
    if (result.verdict === 'pass') t.passed++;
    else if (result.verdict === 'fail') t.failed++;
    else if (result.verdict === 'error') t.errors++;
    else t.skipped++;
    if (result.verdict !== 'error') {
      t.latencies.push(result.latencyMs);
      t.inputTokens += result.tokens.input;
      t.outputTokens += result.tokens.output;
      if (result.costUsd === null) t.unknownCost++;
      else {
        t.cost += result.costUsd;
        t.costed++;
      }
    }
  }

  stats(): CandidateStats[] {
    return [...this.tallies.values()].map((t) => {
      const cases = t.passed + t.failed + t.errors + t.skipped;
      const graded = cases - t.skipped;
      const calls = t.latencies.length;
      return {
        label: t.label,
        provider: t.provider,
        promptLabel: t.promptLabel,
        cases,
        passed: t.passed,
        failed: t.failed,
        errors: t.errors,
        skipped: t.skipped,
        passRate: graded > 0 ? t.passed / graded : 0,
        meanLatencyMs: calls > 0 ? t.latencies.reduce((a, b) => a + b, 0) / calls : 0,
        p95LatencyMs: percentile(t.latencies, 0.95),
        totalCostUsd: t.cost,
        unknownCostCalls: t.unknownCost,
        costPerCallUsd: t.unknownCost > 0 || t.costed === 0 ? null : t.cost / t.costed,
        meanInputTokens: calls > 0 ? t.inputTokens / calls : 0,
        meanOutputTokens: calls > 0 ? t.outputTokens / calls : 0,
      };
    });
  }
}

/** Nearest-rank percentile (p in 0..1): the smallest value with at least p of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}
