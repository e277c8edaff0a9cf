import { budgetLevel, hasDailyLimit, type BudgetLevel } from './dailyBudget';
import { localDayKey } from './calendarDay';
import { countText, twoDecimalsText } from './numberText';
import type { SpendTally, SpendTotals } from './spendTally';

/** What the spend status bar item shows: text, colour level and a Markdown tooltip. Pure, so it is tested without an editor. */
export interface SpendStatusView {
  /** e.g. `$(credit-card) $0.42 today`; a `+` after the amount means some calls had no price (at least this much). */
  text: string;
  level: BudgetLevel;
  /** Markdown (the status bar renders it with `MarkdownString`). */
  tooltip: string;
  today: SpendTotals;
}

/** Two decimals from a cent up; below that, two significant digits so $0.0004 does not read as $0.00. */
export function formatSpendUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${twoDecimalsText(usd)}`;
}

/** `$0.42`, `$0.42+` when unknown-price calls are part of it, `unknown` when every call was unpriced. */
export function formatTotals(totals: SpendTotals): string {
  if (totals.unknownPriceCalls > 0 && totals.unknownPriceCalls === totals.calls) return 'unknown';
  return formatSpendUsd(totals.usd) + (totals.unknownPriceCalls > 0 ? '+' : '');
}

const plural = (n: number, one: string, many = `${one}s`) => `${countText(n)} ${n === 1 ? one : many}`;

/** Markdown table cells must not break the table. */
const cell = (text: string) =>
  text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[*_`[\]<>]/g, (c) => `\\${c}`);

export function spendStatusView(tally: SpendTally, now: Date, dailyUsd: number | undefined, topModelCount = 5): SpendStatusView {
  const session = tally.session();
  const today = tally.today(now);
  const month = tally.month(now);
  const level = budgetLevel(today.usd, dailyUsd);

  const othersToday = tally.otherToolsToday(now);
  const othersMonth = tally.otherToolsMonth(now);
  const lines: string[] = ['**LLM Workbench spend**', ''];
  if (othersMonth.calls === 0) {
    lines.push('| | spent | calls |', '|---|---:|---:|');
    for (const [label, totals] of [
      ['This window', session],
      ['Today', today],
      ['This month', month],
    ] as const) {
      lines.push(`| ${label} | ${formatTotals(totals)} | ${countText(totals.calls)} |`);
    }
  } else {
    // Other tools' calls (received over OTLP) side by side with ours; the amount in the status bar is ours.
    lines.push('| | ours | calls | other tools | calls |', '|---|---:|---:|---:|---:|');
    const count = (t: SpendTotals) => countText(t.calls);
    lines.push(`| This window | ${formatTotals(session)} | ${count(session)} | — | — |`);
    lines.push(`| Today | ${formatTotals(today)} | ${count(today)} | ${formatTotals(othersToday)} | ${count(othersToday)} |`);
    lines.push(`| This month | ${formatTotals(month)} | ${count(month)} | ${formatTotals(othersMonth)} | ${count(othersMonth)} |`);
    lines.push(
      '',
      "Other tools: calls received by the OTLP receiver (Copilot Chat, promptfoo…). The status bar amount and the daily budget count LLM Workbench's own calls.",
    );
  }
  lines.push('');
  if (hasDailyLimit(dailyUsd)) {
    const share = Math.round((today.usd / dailyUsd) * 100);
    const state = level === 'exceeded' ? ' — **over budget**' : level === 'warning' ? ' — nearing the limit' : '';
    lines.push(`Daily budget: ${formatSpendUsd(today.usd)} of ${formatSpendUsd(dailyUsd)} (${share}%)${state}`, '');
  } else {
    lines.push('No daily budget set (`llmWorkbench.budget.dailyUsd`).', '');
  }
  const allModels = tally.modelsOn(localDayKey(now));
  const models = allModels.slice(0, topModelCount);
  if (models.length > 0) {
    lines.push('Top models today:', '');
    for (const { model, totals } of models) {
      const unknown = totals.unknownPriceCalls > 0 ? ` (${plural(totals.unknownPriceCalls, 'call')} with unknown price)` : '';
      lines.push(`- ${cell(model)}: ${formatTotals(totals)} · ${plural(totals.calls, 'call')}${unknown}`);
    }
    lines.push('');
  }
  if (today.unknownPriceCalls > 0) {
    // Name the models to price: a call can be unknown because of one model's part while the model that answered has a price.
    const unpriced = allModels.filter((m) => m.totals.unknownPriceCalls > 0).map((m) => cell(m.model));
    const which = unpriced.length > 0 ? ` for ${unpriced.join(', ')}` : '';
    lines.push(
      `${plural(today.unknownPriceCalls, 'call')} today had no known price: today's total is at least the amount shown. Add prices${which} in \`llmWorkbench.models\`.`,
      '',
    );
  }
  lines.push('Click to open the cost report.');

  return { text: `$(credit-card) ${formatTotals(today)} today`, level, tooltip: lines.join('\n'), today };
}
