import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { WorkbenchSettings } from '../services/settings';
import type { SpendTracker } from '../services/spendTracker';
import { registerCostReport } from './costReportPanel';
import { registerCostStatus } from './costStatus';

export interface SpendDeps {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  tracker: SpendTracker;
  log: vscode.LogOutputChannel;
}

/** Spend status bar and cost report over the shared ledger's follower (the budget guard is a shared service). */
export function registerSpend({ context, settings, tracker, log }: SpendDeps): vscode.Disposable {
  return vscode.Disposable.from(
    registerCostStatus(tracker, settings),
    registerCostReport(context, tracker, settings, log),
    vscode.commands.registerCommand(COMMANDS.refreshSpend, () => tracker.refresh()),
  );
}
