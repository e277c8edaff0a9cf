import * as vscode from 'vscode';
import { BUDGET_PROMPT_BUTTONS, BUDGET_PROMPT_ORDER, checkDailyBudget } from '../../core/cost/dailyBudget';
import type { WorkbenchSettings } from './settings';
import type { SpendTracker } from './spendTracker';

/**
 * Asks before calls that would take today's spend past `llmWorkbench.budget.dailyUsd`. Features call it with
 * their estimate before they start (an eval run: the sum over its calls); true = go ahead.
 */
export class SpendGuard {
  constructor(
    private readonly tracker: SpendTracker,
    private readonly settings: WorkbenchSettings,
  ) {}

  async confirm(estimatedUsd: number | null, what: string): Promise<boolean> {
    await this.tracker.refresh();
    const today = this.tracker.current.today(new Date());
    const check = checkDailyBudget(today.usd, estimatedUsd, this.settings.current.budget.dailyUsd);
    if (!check.needsConfirmation) return true;
    // The first button is the default: the one that spends nothing ("Don't Run"), never "Run Anyway".
    const choice = await vscode.window.showWarningMessage(
      `Daily LLM budget: ${what}. ${check.reason}`,
      { modal: true, detail: 'Raise or clear the limit in the setting llmWorkbench.budget.dailyUsd.' },
      ...BUDGET_PROMPT_ORDER,
    );
    return choice === BUDGET_PROMPT_BUTTONS.proceed;
  }
}
