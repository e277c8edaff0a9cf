import * as vscode from 'vscode';
import { spendStatusView } from '../../core/cost/spendSummary';
import type { WorkbenchSettings } from '../services/settings';
import type { SpendTracker } from '../services/spendTracker';
import { COMMANDS } from '../commandIds';

/**
 * Status bar, right: `$(credit-card) $0.42 today`; warning background past 80% of the daily budget, error past it.
 * Re-rendered when the ledger grows, the budget setting changes, and each minute (so "today" rolls over at midnight).
 */
export function registerCostStatus(tracker: SpendTracker, settings: WorkbenchSettings): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('llmWorkbench.spend', vscode.StatusBarAlignment.Right, 100);
  item.name = 'LLM Workbench Spend';
  item.command = COMMANDS.openCostReport;

  const render = () => {
    const view = spendStatusView(tracker.current, new Date(), settings.current.budget.dailyUsd);
    item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip);
    tooltip.supportThemeIcons = true;
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: `LLM spend today ${view.text.replace('$(credit-card) ', '')}`, role: 'button' };
    item.backgroundColor =
      view.level === 'exceeded'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.level === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  };
  render();
  item.show();
  const timer = setInterval(render, 60_000);
  return vscode.Disposable.from(
    item,
    tracker.onDidChange(render),
    settings.onDidChange(render),
    new vscode.Disposable(() => clearInterval(timer)),
  );
}
