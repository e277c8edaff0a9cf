import { formatUsd } from '../cost/pricing';
import { parseModelRef } from '../models/modelRef';
import { loadEvalForTool, totals } from './runEvalTool';
import { AgentToolInputError, type AgentToolContext, type AgentToolResult } from './toolContext';

export interface CompareModelsInput {
  file: string;
  /** Two or more `provider:model` refs to run every case on. */
  models: string[];
  /** Share of cases a model must pass to be recommended (0..1); default: the file's, else 1. */
  minPassRate?: number;
}

/** Runs every case of an eval file on each model and recommends the cheapest that meets the quality gate. Spends money. */
export async function compareModelsTool(ctx: AgentToolContext, input: CompareModelsInput): Promise<AgentToolResult> {
  const models = [...new Set(input.models ?? [])];
  if (models.length < 2) throw new AgentToolInputError('Give two or more models to compare, as provider:model (e.g. openai:gpt-4o-mini).');
  for (const ref of models) {
    try {
      parseModelRef(ref);
    } catch (error) {
      throw new AgentToolInputError((error as Error).message);
    }
  }
  const { file } = loadEvalForTool(ctx, input.file);
  const { gateway } = ctx.evalGateway([file]);
  const summary = await ctx.evalEngine().runEval([file], {
    gateway,
    providers: models,
    allowCode: ctx.allowCode,
    signal: ctx.signal,
    minPassRate: input.minPassRate,
    callsPerDay: ctx.config.budget.callsPerDay,
  });
  const result = summary.files[0];
  const selection = result?.selection;
  const rows = (result?.candidates ?? []).map(
    (c) =>
      `- ${c.label}: ${(c.passRate * 100).toFixed(0)}% pass, p95 ${Math.round(c.p95LatencyMs)} ms, ${formatUsd(c.costPerCallUsd)}/call`,
  );
  return {
    text: [
      `${input.file} on ${models.length} models: ${totals(summary)}`,
      ...rows,
      `Recommendation: ${selection?.decision ?? 'none (the run did not finish)'}`,
    ].join('\n'),
    data: {
      file: input.file,
      candidates: result?.candidates ?? [],
      recommendation: selection?.chosenRoute ?? null,
      decision: selection?.decision ?? null,
      monthlyUsd: selection?.costEstimate?.monthlyUsd ?? null,
      spentUsd: summary.newSpendUsd,
    },
  };
}
