import { formatUsd } from '../cost/pricing';
import { estimateEvalRun, type RunEstimate } from '../evals/editor/runEstimate';
import type { EvalFile } from '../evals/evalModel';
import type { EvalCaseResult } from '../evals/evalResult';
import type { EvalRunSummary } from '../evals/runEval';
import { formatDiagnostic } from '../evals/sourceRange';
import type { ModelRef } from '../models/modelRef';
import { AgentToolInputError, type AgentToolContext, type AgentToolResult } from './toolContext';

export interface RunEvalInput {
  /** The eval file (`*.eval.yaml`, `promptfooconfig.yaml`), workspace-relative. */
  file: string;
  /** Run only the case with this 0-based index, or whose description contains this text. */
  case?: number | string;
}

/** The most result lines a tool answer carries; the rest are counted, not listed. */
const MAX_LINES = 20;

/** A parsed file and the cases the input selects; throws AgentToolInputError with what to fix. */
export function loadEvalForTool(
  ctx: AgentToolContext,
  file: string,
  which?: number | string,
): { file: EvalFile; shouldRun: (index: number) => boolean } {
  const parsed = ctx.evalEngine().parseEvalFile(ctx.resolveEvalFile(file));
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (parsed.fatal || parsed.tests.length === 0) {
    const why = errors.length ? errors.slice(0, 5).map(formatDiagnostic).join('\n') : 'the file has no tests';
    throw new AgentToolInputError(`${file} cannot run:\n${why}`);
  }
  if (which === undefined) return { file: parsed, shouldRun: () => true };
  const match =
    typeof which === 'number' ? parsed.tests.find((t) => t.index === which) : parsed.tests.find((t) => t.description.includes(which));
  if (!match) {
    const known = parsed.tests
      .map((t) => `${t.index}: ${t.description}`)
      .slice(0, 10)
      .join('; ');
    throw new AgentToolInputError(`${file} has no case ${JSON.stringify(which)}. Cases: ${known}`);
  }
  return { file: parsed, shouldRun: (index) => index === match.index };
}

/** What running the selection will cost at most, for the confirmation before any money is spent. */
export function evalRunEstimate(
  ctx: AgentToolContext,
  file: EvalFile,
  shouldRun: (index: number) => boolean,
  providers?: ModelRef[],
): RunEstimate {
  return estimateEvalRun(
    file,
    (index) => shouldRun(index),
    (ref) => ctx.catalog.lookup(ref),
    { providers, routedModel: ctx.config.routes[file.task]?.primary },
  );
}

export function describeEstimate(estimate: RunEstimate): string {
  const unknown = estimate.unknownPriceCalls ? ` (${estimate.unknownPriceCalls} at an unknown price)` : '';
  return `${estimate.calls} model call(s), about ${formatUsd(estimate.usd)}${unknown}`;
}

/** Runs an eval file (or one case) through the gateway and returns each verdict with its reason. Spends money. */
export async function runEvalTool(ctx: AgentToolContext, input: RunEvalInput): Promise<AgentToolResult> {
  const { file, shouldRun } = loadEvalForTool(ctx, input.file, input.case);
  const { gateway, refFor } = ctx.evalGateway([file]);
  const results: EvalCaseResult[] = [];
  const summary = await ctx.evalEngine().runEval([file], {
    gateway,
    refFor,
    allowCode: ctx.allowCode,
    signal: ctx.signal,
    select: (_f, index) => shouldRun(index),
    onEvent: (event) => {
      if (event.type === 'result') results.push(event.result);
    },
  });
  results.sort((a, b) => a.caseIndex - b.caseIndex || a.providerLabel.localeCompare(b.providerLabel));
  const lines = results
    .slice(0, MAX_LINES)
    .map(
      (r) => `- [${r.verdict}] #${r.caseIndex} ${r.description} on ${r.providerLabel}${r.verdict === 'pass' ? '' : `: ${clip(r.reason)}`}`,
    );
  if (results.length > MAX_LINES) lines.push(`- … ${results.length - MAX_LINES} more`);
  return {
    text: [`${input.file}: ${totals(summary)}`, ...lines].join('\n'),
    data: {
      file: input.file,
      passed: summary.passed,
      failed: summary.failed,
      errors: summary.errors,
      skipped: summary.skipped,
      spentUsd: summary.newSpendUsd,
      unknownCostCalls: summary.unknownCostCalls,
      results: results.map((r) => ({
        case: r.caseIndex,
        description: r.description,
        provider: r.providerLabel,
        verdict: r.verdict,
        reason: r.reason,
        costUsd: r.costUsd,
        latencyMs: r.latencyMs,
      })),
    },
  };
}

export function totals(summary: EvalRunSummary): string {
  const unknown = summary.unknownCostCalls ? ` + ${summary.unknownCostCalls} call(s) at an unknown price` : '';
  const cancelled = summary.cancelled ? ' (cancelled)' : '';
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors, ${summary.skipped} skipped; spent ${formatUsd(summary.newSpendUsd)}${unknown}${cancelled}`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
