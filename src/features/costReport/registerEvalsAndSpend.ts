import * as vscode from 'vscode';
import type { WorkbenchSettings } from '../configuration';
import { registerEvalTests } from '../evalTests/registerEvalTests';
import type { GatewayService } from '../gatewayService';
import { registerSpend } from './registerSpend';
import type { SpendGuard } from './spendGuard';

/**
 * Spend (status bar, cost report, budget guard) and evals in the editor, which share the spend tracker and the
 * extension's one gateway. Spend works without a gateway (it only reads the ledger); evals need it.
 */
export function registerEvalsAndSpend(services: {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  testHooks: { addSnapshot(name: string, read: () => unknown): void };
  gateway?: GatewayService;
  /** Published for the chat, which asks before a message that would exceed the daily budget. */
  spendGuard?: SpendGuard;
}): vscode.Disposable[] {
  const spend = registerSpend({ ...services, log: services.gateway?.log });
  services.spendGuard = spend.guard;
  const disposables = [spend.disposable];
  if (!services.gateway) {
    void vscode.window.showErrorMessage('LLM Workbench: evals are unavailable because the gateway did not start (see the LLM Workbench log).');
    return disposables;
  }
  try {
    disposables.push(registerEvalTests({ ...services, gateway: services.gateway, guard: spend.guard, tracker: spend.tracker }));
  } catch (error) {
    void vscode.window.showErrorMessage(`LLM Workbench: evals in the editor failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return disposables;
}
