import * as vscode from 'vscode';
import type { WorkbenchSettings } from '../configuration';
import { registerCostStatus } from '../costStatus';
import { CostReportPanel, registerCostReport } from './costReportPanel';
import { SpendGuard } from './spendGuard';
import { SpendTracker } from './spendTracker';
import { spendStatusView } from '../../core/cost/spendSummary';

export interface Spend {
  tracker: SpendTracker;
  guard: SpendGuard;
  disposable: vscode.Disposable;
}

/** Spend status bar, cost report and the daily-budget guard, over one follower of the shared ledger. */
export function registerSpend(services: {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  testHooks: { addSnapshot(name: string, read: () => unknown): void };
  log?: vscode.LogOutputChannel;
}): Spend {
  const tracker = new SpendTracker({ log: services.log, sessionId: vscode.env.sessionId });
  const guard = new SpendGuard(tracker, services.settings);
  services.testHooks.addSnapshot('spend', () => {
    const view = spendStatusView(tracker.current, new Date(), services.settings.current.budget.dailyUsd);
    return { ledgerPath: tracker.path, text: view.text, level: view.level, tooltip: view.tooltip, todayUsd: view.today.usd, todayCalls: view.today.calls, report: CostReportPanel.current?.lastRender };
  });
  const disposable = vscode.Disposable.from(
    tracker,
    registerCostStatus(tracker, services.settings),
    registerCostReport(services.context, tracker, services.settings, services.log),
    vscode.commands.registerCommand('llmWorkbench.refreshSpend', () => tracker.refresh()),
  );
  return { tracker, guard, disposable };
}
