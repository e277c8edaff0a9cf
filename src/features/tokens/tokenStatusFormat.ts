/**
 * Text of the token status bar item and its tooltip, as plain strings (no vscode import: unit-tested directly).
 * "Share" everywhere means (prompt tokens + output reserve) / the model's context window: the part of the window
 * one call with this text as its prompt would take, answer included.
 */
import { formatUsd } from '../../core/cost/pricing';
import { COMMANDS } from '../commandIds';
import type { BudgetEvaluation } from '../../core/tokens/budget';
import type { CostRow } from '../../core/cost/promptCost';
import type { TokenizerSpec } from '../../core/models/modelInfo';

export function formatTokens(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatShare(share: number): string {
  const percent = share * 100;
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}

/** `≈` marks counts made with a proxy encoding (the model publishes no tokenizer). */
export function approx(tokenizer: TokenizerSpec): string {
  return tokenizer.kind === 'estimate' ? '≈' : '';
}

export interface StatusTextInput {
  total: number;
  /** Tokens in the selection(s), when something is selected. */
  selection?: number;
  tokenizer: TokenizerSpec;
  share: number;
  modelName: string;
}

/** e.g. `$(symbol-numeric) 1,204 / 12,408 tok · 10.5% of GPT-4o` */
export function statusText(input: StatusTextInput): string {
  const mark = approx(input.tokenizer);
  const selection = input.selection !== undefined ? `${mark}${formatTokens(input.selection)} / ` : '';
  return `$(symbol-numeric) ${selection}${mark}${formatTokens(input.total)} tok · ${formatShare(input.share)} of ${input.modelName}`;
}

export interface TooltipInput {
  fileName: string;
  total: number;
  selection?: number;
  tokenizer: TokenizerSpec;
  modelName: string;
  evaluation: BudgetEvaluation;
  /** Where the window came from, when it is not simply the catalog's (Ollama: the server's num_ctx or a fallback). */
  windowNote?: string;
  costs: CostRow[];
  callsPerDay: number;
  /** An eval file: its count is the file's own text, not what is sent (its prompts × each test's vars). */
  evalFile?: boolean;
  /** The budget model is past or near its deprecation date: one sentence with the date and a successor. */
  deprecation?: string;
  /** Where the prices come from: the table and its date. */
  pricesFrom?: string;
}

/** Notes name models and URLs (`qwen2.5-coder:7b`, `http://…`): shown as text, not as markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Markdown for the tooltip: counts, the budget verdict, the bucket breakdown and one call's cost per model. */
export function tooltipMarkdown(input: TooltipInput): string {
  const { evaluation } = input;
  const mark = approx(input.tokenizer);
  const lines: string[] = [];
  const how =
    input.tokenizer.kind === 'exact'
      ? `exact, ${input.tokenizer.encoding}`
      : `estimate with ${input.tokenizer.encoding}: ${input.modelName} publishes no tokenizer`;
  lines.push(`**${mark}${formatTokens(input.total)} tokens** in \`${input.fileName}\` (${how})`);
  if (input.selection !== undefined) lines.push('', `Selection: **${mark}${formatTokens(input.selection)} tokens**`);
  lines.push('');
  // The evaluation's message already has the sum: prompt + reserved output = used of the window (share).
  lines.push(evaluation.message);
  if (input.windowNote) lines.push('', escapeMarkdown(input.windowNote));
  if (input.evalFile) {
    lines.push(
      '',
      'An eval file: this is the count of its own text. What is sent are its prompts with each test’s vars, and every ' +
        'call is checked against its model’s window before it is sent.',
    );
  }
  if (input.deprecation) lines.push('', `$(warning) ${escapeMarkdown(input.deprecation)}`);

  // One section without a heading is the whole file: a table of it would repeat the total with empty cells.
  const sections = evaluation.sections.length === 1 && !evaluation.sections[0].heading ? [] : evaluation.sections;
  const bucketed = sections.filter((section) => section.bucket !== undefined || section.limit !== undefined);
  if (sections.length > 0) {
    lines.push('', '| Section | Bucket | Tokens | Limit |', '|---|---|--:|--:|');
    for (const section of sections) {
      const over = section.verdict === 'over' ? ' $(error)' : section.verdict === 'warn' ? ' $(warning)' : '';
      lines.push(
        `| ${section.heading ? escapeCell(section.heading) : '_(before the first heading)_'} | ${section.bucket ?? '—'} | ` +
          `${mark}${formatTokens(section.tokens)} | ${section.limit !== undefined ? formatTokens(section.limit) : '—'}${over} |`,
      );
    }
    if (bucketed.length === 0) lines.push('', '_Add `budget:` limits per bucket in the front matter to check sections._');
  }

  if (input.costs.length > 0) {
    lines.push(
      '',
      `| Model | One call (prompt + ${formatTokens(evaluation.outputReserve)} output) | Monthly at ${formatTokens(input.callsPerDay)}/day |`,
      '|---|--:|--:|',
    );
    for (const row of input.costs) {
      lines.push(`| ${escapeCell(row.displayName)}${row.exact ? '' : ' ≈'} | ${formatUsd(row.perCall)} | ${formatUsd(row.monthly)} |`);
    }
    if (input.pricesFrom) lines.push('', `_${escapeMarkdown(input.pricesFrom)}_ [Update](command:llmWorkbench.updateModelPrices)`);
  }
  lines.push('', `[$(settings-gear) Pick budget model](command:${COMMANDS.pickBudgetModel})`);
  return lines.join('\n');
}
