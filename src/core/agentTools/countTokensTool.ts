import { effectiveContextWindow, effectiveLimits } from '../providers/effectiveContextWindow';
import { evaluateBudget } from '../tokens/budget';
import { countTokens, tokenizerSpecFor } from '../tokens/encodings';
import { AgentToolInputError, type AgentToolContext, type AgentToolResult } from './toolContext';

export interface CountTokensInput {
  /** Workspace-relative (or absolute, inside the workspace) paths of files to count. */
  files?: string[];
  /** Text to count as it is (e.g. the editor selection, a prompt being written). */
  text?: string;
  /** `provider:model`; default: the budget model (`llmWorkbench.budget.model`). */
  model?: string;
}

const n = (value: number) => value.toLocaleString('en-US');

/**
 * Tokens of files and/or a text on one model, against that model's window with the output reserve: the same
 * count and the same ok / warn / over verdict the status bar and the diagnostics show.
 */
export async function countTokensTool(ctx: AgentToolContext, input: CountTokensInput): Promise<AgentToolResult> {
  const pieces: { label: string; text: string }[] = [];
  for (const file of input.files ?? []) pieces.push({ label: file, text: await ctx.readText(file) });
  if (input.text !== undefined) pieces.push({ label: 'text', text: input.text });
  if (pieces.length === 0) throw new AgentToolInputError('Give `files` (paths in the workspace) or `text` to count.');

  const ref = input.model ?? ctx.config.budget.model;
  const info = ctx.catalog.lookup(ref);
  const spec = tokenizerSpecFor(info);
  const counts = await Promise.all(pieces.map(async (p) => ({ label: p.label, tokens: await countTokens(p.text, spec.encoding) })));
  const total = counts.reduce((sum, c) => sum + c.tokens, 0);
  const window = (await ctx.windowFor?.(ref, info)) ?? effectiveContextWindow({ ref, info, provider: undefined, server: undefined });
  const reserve = Math.min(ctx.config.budget.outputReserve, info?.maxOutput ?? Infinity);
  const report = evaluateBudget({
    model: { ref, displayName: info?.displayName ?? ref, ...effectiveLimits(info, window) },
    promptTokens: total,
    outputReserve: reserve,
    warnThreshold: ctx.config.budget.warnThreshold,
  });
  const approx = spec.kind === 'exact' ? '' : '≈';
  const how =
    spec.kind === 'exact'
      ? `exact (${spec.encoding})`
      : `estimate: ${info ? info.displayName : ref} has no public tokenizer, counted with ${spec.encoding}`;
  const lines = [
    `${approx}${n(total)} tokens on ${ref} (${how}). Verdict: ${report.verdict}.`,
    report.message,
    ...(window.note ? [window.note] : []),
    ...(counts.length > 1 ? counts.map((c) => `- ${c.label}: ${approx}${n(c.tokens)}`) : []),
  ];
  return {
    text: lines.join('\n'),
    data: {
      model: ref,
      exact: spec.kind === 'exact',
      encoding: spec.encoding,
      totalTokens: total,
      pieces: counts,
      contextWindow: window.tokens,
      windowSource: window.source,
      outputReserve: reserve,
      verdict: report.verdict,
      remaining: report.remaining,
    },
  };
}
