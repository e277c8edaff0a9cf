import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';

/** "Show Log": the "LLM Workbench" output channel, where every call's record is logged (see GatewayService). */
export function registerShowLog(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true));
}
