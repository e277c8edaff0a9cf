import type { ModelRef } from '../../models/modelRef';
import type { EvalFile } from '../evalModel';
import type { EvalCaseResult } from '../evalResult';
import type { CandidateStats } from '../matrixStats';
import { DEFAULT_MIN_PASS_RATE, selectionMarkdown, type ModelSelectionRecord } from '../modelSelection';
import type { CaseRow, CompareView, ModelColumn } from './compareViewModel';

/**
 * What the comparison webview shows, from the engine's numbers: per candidate the stats of `MatrixAccumulator`
 * (live while the run streams), and once the run is done the engine's `selectModel` recommendation and record,
 * so the editor recommends exactly what `llm-workbench eval` would.
 */
export function buildCompareView(input: {
  file: EvalFile;
  relativePath: string;
  models: readonly ModelRef[];
  results: readonly EvalCaseResult[];
  stats: readonly CandidateStats[];
  selection?: ModelSelectionRecord;
  progress?: { done: number; total: number };
  stopped?: string;
}): CompareView {
  const threshold = input.selection?.qualityGate.minPassRate ?? input.file.minPassRate ?? DEFAULT_MIN_PASS_RATE;
  const chosen = input.selection?.chosenRoute?.primary;
  const column = (model: ModelRef, s?: CandidateStats): ModelColumn => ({
    model,
    label: s?.label ?? model,
    passed: s?.passed ?? 0,
    total: s ? s.cases - s.skipped : 0,
    passRate: s?.passRate ?? 0,
    meanMs: s?.meanLatencyMs ?? 0,
    p95Ms: s?.p95LatencyMs ?? 0,
    costUsd: s?.totalCostUsd ?? 0,
    costPerCallUsd: s ? s.costPerCallUsd : null,
    unknownCostCalls: s?.unknownCostCalls ?? 0,
    errors: s?.errors ?? 0,
    meetsThreshold: !!s && s.cases > s.skipped && s.passRate >= threshold,
    recommended: !!chosen && model === chosen && (!input.selection || isChosen(input.selection, s)),
  });
  const models: ModelColumn[] = input.models.flatMap((model) => {
    const mine = input.stats.filter((s) => s.provider === model);
    return mine.length ? mine.map((s) => column(model, s)) : [column(model)];
  });

  const cases: CaseRow[] = input.file.tests.map((test) => {
    const results: CaseRow['results'] = {};
    for (const model of input.models) {
      const mine = input.results.filter((r) => r.caseIndex === test.index && r.provider === model);
      if (mine.length === 0) continue;
      const failed = mine.find((r) => r.verdict === 'fail' || r.verdict === 'error');
      results[model] = { pass: !failed, reason: failed ? (failed.error?.message ?? failed.reason) : undefined };
    }
    return { description: test.description || `Test ${test.index + 1}`, results };
  });

  const running = !!input.progress && input.progress.done < input.progress.total && !input.stopped;
  const recommendation: CompareView['recommendation'] = input.selection
    ? { model: chosen, fallbacks: input.selection.chosenRoute?.fallbacks, reason: input.selection.decision }
    : { reason: running ? 'Running…' : (input.stopped ?? 'Run at least two models to get a recommendation.') };

  return {
    file: input.relativePath,
    task: input.file.task,
    threshold,
    caseCount: input.file.tests.length,
    models,
    cases,
    recommendation,
    record: input.selection ? selectionMarkdown(input.selection) : '',
    progress: input.progress,
    stopped: input.stopped,
  };
}

/** With several prompts there are several candidates per model; the record names the chosen one by label. */
function isChosen(selection: ModelSelectionRecord, s: CandidateStats | undefined): boolean {
  if (!s) return false;
  const best = selection.candidates.filter((c) => c.provider === selection.chosenRoute?.primary && c.meetsGate);
  const cheapest = best.sort(
    (a, b) => (a.costPerCallUsd ?? Infinity) - (b.costPerCallUsd ?? Infinity) || a.p95LatencyMs - b.p95LatencyMs,
  )[0];
  return !cheapest || cheapest.label === s.label;
}
