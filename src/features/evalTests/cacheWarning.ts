import * as vscode from 'vscode';

let warned = false;

/**
 * A cache folder that cannot be written costs no result: runs go on uncached, and the user hears it once per window.
 * Kept out of evalEngine.ts, which stays free of `vscode` (the unit suite drives it directly).
 */
export function warnEvalCacheOnce(message: string): void {
  if (warned) return;
  warned = true;
  void vscode.window.showWarningMessage(`LLM Workbench: ${message.replace(/, or pass --no-cache$/, '')}`);
}
