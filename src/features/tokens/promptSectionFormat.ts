/** CodeLens titles and hover text for prompt-file sections, as plain strings (unit-tested without VS Code). */
import { formatUsd } from '../../core/cost/pricing';
import type { CostRow } from '../../core/cost/promptCost';
import type { TokenizerSpec } from '../../core/models/modelInfo';
import { approx, escapeMarkdown, formatShare, formatTokens } from './tokenStatusFormat';

export interface SectionLensInput {
  tokens: number;
  /** The limit sections are measured against: the model's input limit, or its combined window (Ollama num_ctx). */
  contextWindow: number;
  /** Which of the two `contextWindow` is (default: a window). */
  limitKind?: 'input' | 'combined';
  modelName: string;
  tokenizer: TokenizerSpec;
  bucket?: string;
  limit?: number;
}

/**
 * The lens of a file without sections: the whole file is the prompt, so its share is the status bar's —
 * (prompt + output reserve) / window —, e.g. `1,204 tokens · 1.7% of GPT-4o with 1,000 reserved for the answer (whole file)`.
 */
export function wholeFileLensTitle(input: {
  tokens: number;
  share: number;
  outputReserve: number;
  modelName: string;
  tokenizer: TokenizerSpec;
}): string {
  const mark = approx(input.tokenizer);
  return `${mark}${formatTokens(input.tokens)} tokens · ${formatShare(input.share)} of ${input.modelName} with ${formatTokens(input.outputReserve)} reserved for the answer (whole file)`;
}

/** e.g. `1,204 tokens · 0.9% of GPT-4o · context 1,204 / 2,000`. Section share = section tokens / window. */
export function sectionLensTitle(input: SectionLensInput): string {
  const mark = approx(input.tokenizer);
  let title = `${mark}${formatTokens(input.tokens)} tokens · ${formatShare(input.tokens / input.contextWindow)} of ${input.modelName}`;
  if (input.limit !== undefined) {
    const flag = input.tokens > input.limit ? ' $(warning)' : '';
    title += ` · ${input.bucket ?? 'limit'} ${formatTokens(input.tokens)} / ${formatTokens(input.limit)}${flag}`;
  }
  return title;
}

export interface SectionHoverInput extends SectionLensInput {
  heading: string;
  promptTokens: number;
  outputReserve: number;
  callsPerDay: number;
  /** Where the window came from, when it is not simply the catalog's (Ollama: the server's num_ctx or a fallback). */
  windowNote?: string;
  /** Costs of one call with the whole prompt (and of this section's share of the input) per configured model. */
  costs: { row: CostRow; sectionInput: number | null }[];
}

export function sectionHoverMarkdown(input: SectionHoverInput): string {
  const mark = approx(input.tokenizer);
  const lines = [
    `**${input.heading.replace(/[*_`]/g, '')}** — ${mark}${formatTokens(input.tokens)} tokens ` +
      `(${formatShare(input.tokens / input.contextWindow)} of ${input.modelName}’s ${formatTokens(input.contextWindow)}-token ${input.limitKind === 'input' ? 'input limit' : 'window'})`,
  ];
  if (input.windowNote) lines.push('', escapeMarkdown(input.windowNote));
  if (input.limit !== undefined) {
    const verdict =
      input.tokens > input.limit
        ? `over by ${formatTokens(input.tokens - input.limit)}`
        : `${formatTokens(input.limit - input.tokens)} left`;
    lines.push('', `Bucket \`${input.bucket}\`: limit ${formatTokens(input.limit)} (${verdict})`);
  }
  if (input.costs.length > 0) {
    lines.push(
      '',
      `Whole prompt: ${mark}${formatTokens(input.promptTokens)} tokens + ${formatTokens(input.outputReserve)} output; monthly at ${formatTokens(input.callsPerDay)} calls/day:`,
      '',
      '| Model | This section | One call | Monthly |',
      '|---|--:|--:|--:|',
    );
    for (const { row, sectionInput } of input.costs) {
      lines.push(
        `| ${row.displayName.replace(/\|/g, '\\|')}${row.exact ? '' : ' ≈'} | ${formatUsd(sectionInput)} | ${formatUsd(row.perCall)} | ${formatUsd(row.monthly)} |`,
      );
    }
  }
  return lines.join('\n');
}
