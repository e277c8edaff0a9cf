import { callCostSummary } from '../cost/callCost';
import type { AnswerFooter } from './conversation';

export interface FooterPart {
  /** Stable name, used as a CSS hook and by tests. */
  name: 'model' | 'route' | 'fallback' | 'truncated' | 'tokens' | 'cost' | 'ttft' | 'total';
  text: string;
  /** Longer explanation for the tooltip. */
  title: string;
}

/** The footer under an answer, as labelled parts. Pure: the webview renders it, tests read it. */
export function footerParts(footer: AnswerFooter): FooterPart[] {
  const estimated = footer.usageSource === 'estimate' ? '≈' : '';
  const parts: FooterPart[] = [
    {
      name: 'model',
      text: footer.model,
      title: `Answered by ${footer.model}${footer.attempts > 1 ? ` after ${footer.attempts} attempts` : ''}`,
    },
    { name: 'route', text: footer.routeReason, title: `Route: ${footer.routeReason}` },
  ];
  if (footer.fallbackUsed) {
    const why = footer.fallbackReason ?? 'the primary model failed';
    parts.push({ name: 'fallback', text: `fallback: ${why}`, title: `Fallback used because ${why}` });
  }
  // Truncation is never silent: an answer cut at the output limit says so where its numbers are.
  if (footer.stopReason === 'max_tokens') {
    const limit = footer.maxOutputTokens !== undefined ? `the ${formatCount(footer.maxOutputTokens)}-token` : "the provider's";
    parts.push({
      name: 'truncated',
      text: `⚠ truncated at ${limit} output limit`,
      title:
        'The model stopped because it reached the output limit (stop reason max_tokens): this answer is incomplete. Ask for a shorter answer, or continue in a follow-up.',
    });
  } else if (footer.stopReason === 'content_filter') {
    parts.push({
      name: 'truncated',
      text: '⚠ stopped by the content filter',
      title: "The provider's content filter stopped the answer (stop reason content_filter): it is incomplete.",
    });
  }
  parts.push(
    {
      name: 'tokens',
      text: `${estimated}${formatCount(footer.inputTokens)} in · ${estimated}${formatCount(footer.outputTokens)} out`,
      title:
        footer.usageSource === 'estimate'
          ? 'Token counts estimated locally (the provider reported none)'
          : 'Token counts reported by the provider',
    },
    costPart(footer),
    { name: 'ttft', text: `TTFT ${formatMs(footer.ttftMs)}`, title: 'Time to first token' },
    { name: 'total', text: formatMs(footer.totalMs), title: 'Total time' },
  );
  return parts;
}

/**
 * The call's cost. With several billed models (one broke off, the next answered) each is named in the title and a
 * known part stays known: `$0.0012+` when another model's part has no price, never `unknown` for the whole call.
 */
function costPart(footer: AnswerFooter): FooterPart {
  const { text, unpriced, byModel } = callCostSummary(footer.costUsd, footer.model, footer.costParts);
  const fix = unpriced.length > 0 ? `Price unknown for ${unpriced.join(', ')}: add it under llmWorkbench.models` : '';
  const title =
    byModel.length > 0 ? [`Cost of this call, by model:`, ...byModel, fix].filter(Boolean).join('\n') : fix || 'Cost of this call';
  return { name: 'cost', text, title };
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatMs(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return 'n/a';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
