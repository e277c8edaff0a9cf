import * as vscode from 'vscode';
import type { TokenStatusSnapshot } from '../../../src/features/testing/snapshots';

/** What `llmWorkbench.test.snapshot` returns (features add their own keys). */
export interface Snapshot {
  activation?: { ms: number; moduleLoadMs?: number; workerStarted: boolean };
  tokenStatus?: TokenStatusSnapshot;
  [feature: string]: unknown;
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension-host suite needs the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openEditor(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document, { preview: false });
}

export async function snapshot(): Promise<Snapshot> {
  return (await vscode.commands.executeCommand<Snapshot>('llmWorkbench.test.snapshot')) ?? {};
}

/** Polls `read` until `accept` holds; fails with the last value seen, so a timeout says what was there instead. */
export async function waitFor<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
}

/** The status bar's count: `$(symbol-numeric) [sel / ]≈?12,408 tok · ...` -> { total, selection }. */
export function parseStatusCount(text: string): { total: number; selection?: number } | undefined {
  const match = /\$\(symbol-numeric\) (?:≈?([\d,]+) \/ )?≈?([\d,]+) tok/.exec(text);
  if (!match) return undefined;
  const number = (s: string) => Number(s.replace(/,/g, ''));
  return { total: number(match[2]), selection: match[1] ? number(match[1]) : undefined };
}

export async function statusCount(): Promise<{ total: number; selection?: number } | undefined> {
  const text = (await snapshot()).tokenStatus?.text ?? '';
  return parseStatusCount(text);
}

/** Reverts edited documents first: closing a dirty editor would open a "Save changes?" dialog and hang the suite. */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && !d.isClosed)) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Numbers the suite measures in the real VS Code (activation time...), written into the results JSON. */
export const metrics: Record<string, number> = {};

/** Workspace-level setting change that a test undoes in `after`. */
export async function setWorkspaceSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('llmWorkbench').update(key, value, vscode.ConfigurationTarget.Workspace);
}
