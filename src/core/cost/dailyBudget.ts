/**
 * The daily spend limit (`llmWorkbench.budget.dailyUsd`): how close today is to it, and whether a call should
 * be confirmed first. A limit of 0 or none means no limit.
 */

export type BudgetLevel = 'none' | 'ok' | 'warning' | 'exceeded';

/** Past this share of the limit the status bar turns to its warning colour. */
export const BUDGET_WARN_FRACTION = 0.8;

export function hasDailyLimit(dailyUsd: number | undefined): dailyUsd is number {
  return typeof dailyUsd === 'number' && Number.isFinite(dailyUsd) && dailyUsd > 0;
}

export function budgetLevel(todayUsd: number, dailyUsd: number | undefined): BudgetLevel {
  if (!hasDailyLimit(dailyUsd)) return 'none';
  if (todayUsd >= dailyUsd) return 'exceeded';
  if (todayUsd >= dailyUsd * BUDGET_WARN_FRACTION) return 'warning';
  return 'ok';
}

export interface BudgetCheck {
  /** True when the user should confirm before the call(s) are sent. */
  needsConfirmation: boolean;
  /** Today's spend plus the estimate (the estimate counts as 0 when unknown). */
  projectedUsd: number;
  /** Why a confirmation is needed, for the prompt; empty when none is. */
  reason: string;
}

/**
 * Before a call (or a batch, e.g. an eval run) estimated at `estimatedUsd`: would it take today past the limit?
 * An unknown estimate (unpriced model) only asks when the limit is already reached: we cannot say it would cross it.
 */
export function checkDailyBudget(todayUsd: number, estimatedUsd: number | null, dailyUsd: number | undefined): BudgetCheck {
  const projectedUsd = todayUsd + (estimatedUsd ?? 0);
  if (!hasDailyLimit(dailyUsd)) return { needsConfirmation: false, projectedUsd, reason: '' };
  const limit = formatLimit(dailyUsd);
  if (todayUsd >= dailyUsd) {
    return {
      needsConfirmation: true,
      projectedUsd,
      reason: `Today's spend ${formatLimit(todayUsd)} has already reached the daily budget of ${limit}.`,
    };
  }
  if (estimatedUsd !== null && projectedUsd > dailyUsd) {
    return {
      needsConfirmation: true,
      projectedUsd,
      reason: `This would bring today's spend to about ${formatLimit(projectedUsd)}, over the daily budget of ${limit} (spent so far ${formatLimit(todayUsd)}, this estimate ${formatLimit(estimatedUsd)}).`,
    };
  }
  return { needsConfirmation: false, projectedUsd, reason: '' };
}

function formatLimit(usd: number): string {
  return usd > 0 && usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`;
}

/**
 * The budget prompt's buttons, in the order shown. VS Code makes the first one the default (Enter), so it is the one
 * that spends nothing: going past the budget takes a deliberate click on "Run Anyway".
 */
export const BUDGET_PROMPT_BUTTONS = { decline: "Don't Run", proceed: 'Run Anyway' } as const;
export const BUDGET_PROMPT_ORDER = [BUDGET_PROMPT_BUTTONS.decline, BUDGET_PROMPT_BUTTONS.proceed] as const;
