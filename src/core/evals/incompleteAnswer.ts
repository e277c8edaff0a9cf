import type { StopReason } from '../providers/chat';

/** Why an answer is not whole: `short` for a decoration, `long` for a table, a report or a hover. */
export interface IncompleteAnswer {
  short: string;
  long: string;
}

/**
 * The mark every eval surface shows for an answer that did not end on its own (issue #12: truncation is never
 * silent). The verdict stays promptfoo's — the assertions judge the text as it came — but a cut answer is never
 * presented as if it were whole. Undefined when the answer ended normally.
 */
export function incompleteAnswer(stopReason: StopReason | undefined): IncompleteAnswer | undefined {
  if (stopReason === 'max_tokens') return { short: 'truncated', long: 'answer truncated at the output limit (stop reason max_tokens)' };
  if (stopReason === 'content_filter')
    return { short: 'content filtered', long: "answer stopped by the provider's content filter (stop reason content_filter)" };
  return undefined;
}

/**
 * The line under a run's totals when some answers were cut, or undefined: how many, and what to do about it.
 */
export function incompleteAnswersLine(results: readonly { stopReason?: StopReason }[]): string | undefined {
  const truncated = results.filter((r) => r.stopReason === 'max_tokens').length;
  const filtered = results.filter((r) => r.stopReason === 'content_filter').length;
  const parts: string[] = [];
  if (truncated > 0)
    parts.push(
      `${truncated} ${truncated === 1 ? 'answer was' : 'answers were'} cut at the output limit (max_tokens): their verdicts judge incomplete text — raise \`max_tokens\` in the provider's config`,
    );
  if (filtered > 0) parts.push(`${filtered} ${filtered === 1 ? 'answer was' : 'answers were'} stopped by the provider's content filter`);
  return parts.length > 0 ? `⚠ ${parts.join('; ')}` : undefined;
}
