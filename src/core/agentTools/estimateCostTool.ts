import { configuredModels } from '../config/configuredModels';
import { formatUsd } from '../cost/pricing';
import type { EncodingName } from '../models/modelInfo';
import { costTable, type TokenCounts } from '../cost/promptCost';
import { countTokens } from '../tokens/encodings';
import { AgentToolInputError, type AgentToolContext, type AgentToolResult } from './toolContext';

export interface EstimateCostInput {
  /** The prompt to price (text), or files whose text is the prompt. */
  prompt?: string;
  files?: string[];
  /** Candidate models (`provider:model`); default: the configured ones (budget model, routes, rules, models). */
  models?: string[];
  /** Expected answer length; default: the output reserve (`llmWorkbench.budget.outputReserve`). */
  outputTokens?: number;
  /** For the monthly projection; default `llmWorkbench.budget.callsPerDay`. */
  callsPerDay?: number;
}

const MAX_MODELS = 12;

/** What one call with this prompt costs on each candidate model, cheapest first, and per month. Spends nothing. */
export async function estimateCostTool(ctx: AgentToolContext, input: EstimateCostInput): Promise<AgentToolResult> {
  let prompt = input.prompt ?? '';
  for (const file of input.files ?? []) prompt += (prompt ? '\n\n' : '') + (await ctx.readText(file));
  if (!prompt) throw new AgentToolInputError('Give `prompt` (text) or `files` to price.');
  const refs = input.models?.length ? input.models : configuredModels(ctx.config, ctx.catalog).map((m) => m.ref);
  const unknown = refs.filter((ref) => !ctx.catalog.lookup(ref));
  const models = refs.flatMap((ref) => ctx.catalog.lookup(ref) ?? []).slice(0, MAX_MODELS);
  if (models.length === 0) {
    throw new AgentToolInputError(
      `None of these models is in the catalog: ${unknown.join(', ')}. Add them to llmWorkbench.models with their prices.`,
    );
  }
  const counts: TokenCounts = {};
  for (const encoding of new Set<EncodingName>(models.map((m) => m.tokenizer.encoding)))
    counts[encoding] = await countTokens(prompt, encoding);
  const output = input.outputTokens ?? ctx.config.budget.outputReserve;
  const callsPerDay = input.callsPerDay ?? ctx.config.budget.callsPerDay;
  const rows = costTable(counts, output, models, callsPerDay).sort((a, b) => (a.perCall ?? Infinity) - (b.perCall ?? Infinity));
  const lines = rows.map(
    (r) =>
      `- ${r.ref}: ${r.exact ? '' : '≈'}${r.inputTokens.toLocaleString('en-US')} in + ${output.toLocaleString('en-US')} out = ${formatUsd(r.perCall)}/call, ${formatUsd(r.monthly)}/month`,
  );
  const cheapest = rows.find((r) => r.perCall !== null);
  return {
    text: [
      `One call with this prompt (${output.toLocaleString('en-US')} output tokens assumed), at ${callsPerDay.toLocaleString('en-US')} calls/day:`,
      ...lines,
      ...(cheapest ? [`Cheapest: ${cheapest.ref}.`] : ['No candidate has a known price.']),
      ...(unknown.length ? [`Not in the catalog (no price): ${unknown.join(', ')}.`] : []),
    ].join('\n'),
    data: { outputTokens: output, callsPerDay, rows, unknownModels: unknown },
  };
}
