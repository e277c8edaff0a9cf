/**
 * What the model comparison shows: one column per model, one row per case, the recommendation and the record.
 * Plain data built by compareView.ts; the comparison webview imports it through src/shared/evalCompareProtocol.ts.
 */

/** One candidate model's column of the matrix. */
export interface ModelColumn {
  /** The provider ref (what a route would name). */
  model: string;
  /** The column's name: the ref, plus the prompt when the file has several. */
  label: string;
  passed: number;
  total: number;
  /** passed / total, 0..1. */
  passRate: number;
  meanMs: number;
  p95Ms: number;
  /** Total over the run's calls with a known price. */
  costUsd: number;
  /** Mean cost of one call; null when any call's price is unknown. */
  costPerCallUsd: number | null;
  unknownCostCalls: number;
  /** Calls that failed outright (no answer). */
  errors: number;
  meetsThreshold: boolean;
  recommended: boolean;
}

/** One case across the models: pass/fail per model and the first reason it failed. */
export interface CaseRow {
  description: string;
  results: Record<string, { pass: boolean; reason?: string } | undefined>;
}

export interface CompareView {
  /** Workspace-relative path of the eval file. */
  file: string;
  task: string;
  /** Share of cases a model must pass to be recommended, 0..1. */
  threshold: number;
  caseCount: number;
  models: ModelColumn[];
  cases: CaseRow[];
  /** The cheapest model meeting the threshold (and its fallback), or why there is none. */
  recommendation: { model?: string; fallbacks?: string[]; reason: string };
  /** The model-selection record as Markdown (seed 004's fields). */
  record: string;
  /** While the matrix runs. */
  progress?: { done: number; total: number };
  /** A run that stopped early (cancelled or failed) says why. */
  stopped?: string;
}
