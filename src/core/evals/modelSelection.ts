import { formatUsd } from '../cost/pricing';
import type { ModelRef } from '../models/modelRef';
import type { Task } from '../providers/chat';
import type { CandidateStats } from './matrixStats';

export const DEFAULT_MIN_PASS_RATE = 1;
export const DEFAULT_CALLS_PER_DAY = 1000;

/**
 * A model-selection record (seeds/004, "A model-selection record should capture the reasoning behind a decision"):
 * the task, the candidates and how each did on the dataset, the quality gate, the cost estimate and the chosen route.
 */
export interface ModelSelectionRecord {
  task: Task;
  description?: string;
  dataset: { file: string; cases: number; repeats: number };
  qualityGate: { minPassRate: number };
  candidates: {
    label: string;
    provider?: ModelRef;
    passRate: number;
    meetsGate: boolean;
    meanLatencyMs: number;
    p95LatencyMs: number;
    costPerCallUsd: number | null;
    totalCostUsd: number;
  }[];
  /** Null when no candidate met the gate (or none has a known price). */
  chosenRoute: { primary: ModelRef; fallbacks: ModelRef[] } | null;
  costEstimate: { perCallUsd: number; callsPerDay: number; monthlyUsd: number } | null;
  /** One sentence: why this route, or why none. */
  decision: string;
  decidedAt: string;
}

export interface SelectionInput {
  task: Task;
  description?: string;
  file: string;
  cases: number;
  repeats: number;
  minPassRate: number;
  callsPerDay: number;
  now?: Date;
}

/**
 * The recommendation: the cheapest candidate (mean cost per call) whose pass rate meets the gate; ties go to the
 * lower p95 latency. The fallback is the next candidate that also meets the gate, else the best-scoring other one.
 * Candidates whose price is unknown cannot be called cheapest and are only eligible as fallbacks.
 */
export function selectModel(stats: readonly CandidateStats[], input: SelectionInput): ModelSelectionRecord {
  const candidates = stats.map((s) => ({
    label: s.label,
    provider: s.provider,
    passRate: s.passRate,
    meetsGate: s.passRate >= input.minPassRate && s.cases > s.skipped,
    meanLatencyMs: s.meanLatencyMs,
    p95LatencyMs: s.p95LatencyMs,
    costPerCallUsd: s.costPerCallUsd,
    totalCostUsd: s.totalCostUsd,
  }));
  const byCost = (a: (typeof candidates)[number], b: (typeof candidates)[number]) =>
    (a.costPerCallUsd ?? Infinity) - (b.costPerCallUsd ?? Infinity) || a.p95LatencyMs - b.p95LatencyMs;
  const passing = candidates.filter((c) => c.meetsGate && c.provider).sort(byCost);
  const base = {
    task: input.task,
    description: input.description,
    dataset: { file: input.file, cases: input.cases, repeats: input.repeats },
    qualityGate: { minPassRate: input.minPassRate },
    candidates,
    decidedAt: (input.now ?? new Date()).toISOString(),
  };
  const chosen = passing.find((c) => c.costPerCallUsd !== null);
  if (!chosen) {
    const best = [...candidates].sort((a, b) => b.passRate - a.passRate)[0];
    const decision =
      passing.length > 0
        ? `No recommendation: the candidates that met the ${pct(input.minPassRate)} gate have no known price (add prices under llmWorkbench.models).`
        : `No candidate met the ${pct(input.minPassRate)} quality gate${bestNote(best)}: improve the prompt or try stronger models.`;
    return { ...base, chosenRoute: null, costEstimate: null, decision };
  }
  const fallback =
    passing.find((c) => c !== chosen) ??
    [...candidates].filter((c) => c !== chosen && c.provider).sort((a, b) => b.passRate - a.passRate || byCost(a, b))[0];
  const perCall = chosen.costPerCallUsd!;
  const cheaperFailing = candidates.filter((c) => !c.meetsGate && c.costPerCallUsd !== null && c.costPerCallUsd < perCall);
  const decision =
    `${chosen.label} is the cheapest candidate that passes ${pct(chosen.passRate)} of the cases (gate ${pct(input.minPassRate)}) at ${formatUsd(perCall)} per call` +
    (cheaperFailing.length > 0
      ? `; cheaper ${cheaperFailing.map((c) => `${c.label} (${pct(c.passRate)})`).join(', ')} did not meet the gate`
      : '') +
    '.';
  return {
    ...base,
    chosenRoute: { primary: chosen.provider!, fallbacks: fallback?.provider ? [fallback.provider] : [] },
    costEstimate: { perCallUsd: perCall, callsPerDay: input.callsPerDay, monthlyUsd: perCall * input.callsPerDay * 30 },
    decision,
  };
}

/** Names the closest candidate, unless none passed a single case (then no model is "best" at 0%). */
function bestNote(best: { label: string; passRate: number } | undefined): string {
  if (!best) return '';
  if (best.passRate === 0) return ' (no candidate passed a single case)';
  return ` (best: ${best.label} at ${pct(best.passRate)})`;
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

/** The record as Markdown: the comparison table, the decision, and the route as a settings snippet to paste. */
export function selectionMarkdown(record: ModelSelectionRecord): string {
  const lines = [
    `# Model selection: ${record.task}${record.description ? ` — ${record.description}` : ''}`,
    '',
    `- Dataset: \`${record.dataset.file}\` (${record.dataset.cases} cases${record.dataset.repeats > 1 ? ` × ${record.dataset.repeats} repeats` : ''})`,
    `- Quality gate: pass rate ≥ ${pct(record.qualityGate.minPassRate)}`,
    `- Decided: ${record.decidedAt}`,
    '',
    '| Candidate | Pass rate | Gate | Mean latency | p95 latency | Cost / call | Total cost |',
    '|---|---|---|---|---|---|---|',
    ...record.candidates.map(
      (c) =>
        `| ${c.label} | ${pct(c.passRate)} | ${c.meetsGate ? 'met' : 'missed'} | ${Math.round(c.meanLatencyMs)} ms | ${Math.round(c.p95LatencyMs)} ms | ${formatUsd(c.costPerCallUsd)} | ${formatUsd(c.totalCostUsd)} |`,
    ),
    '',
    `**Decision:** ${record.decision}`,
  ];
  if (record.chosenRoute && record.costEstimate) {
    lines.push(
      '',
      `**Cost estimate:** ${formatUsd(record.costEstimate.perCallUsd)} per call; ${formatUsd(record.costEstimate.monthlyUsd)} per month at ${record.costEstimate.callsPerDay} calls/day.`,
      '',
      '**Chosen route** (settings `llmWorkbench.routes`):',
      '',
      '```json',
      JSON.stringify({ [record.task]: { primary: record.chosenRoute.primary, fallbacks: record.chosenRoute.fallbacks } }, null, 2),
      '```',
    );
  }
  return `${lines.join('\n')}\n`;
}
