import * as vscode from 'vscode';
import type { EvalFile } from '../../core/evals/evalModel';
import { caseItemId, providerItemId, type EvalItemRef } from '../../core/evals/editor/evalTestIds';
import type { SourceRange } from '../../core/evals/sourceRange';

/** What an item stands for; items are looked up here instead of parsing their ids (test-provider-sample's WeakMap). */
export interface EvalItemData {
  fileUri: vscode.Uri;
  ref: EvalItemRef;
}

/** Read by the run code (dist/evalRuns.js) through `EvalTestController.dataOf`, never imported there: one map. */
export const itemData = new WeakMap<vscode.TestItem, EvalItemData>();

/** The line a case's gutter icon, CodeLens and decoration sit on: where the test starts. */
export function caseLine(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.start.line, range.start.column);
}

export function fileItem(controller: vscode.TestController, uri: vscode.Uri): vscode.TestItem {
  const existing = controller.items.get(uri.toString());
  if (existing) return existing;
  const item = controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
  item.canResolveChildren = true;
  itemData.set(item, { fileUri: uri, ref: { kind: 'file' } });
  controller.items.add(item);
  return item;
}

/**
 * Rebuilds a file item's children from a parse: one item per case, and under it one per provider when the file
 * names several. Items whose id survives keep their identity (and their last result in the Test Explorer).
 */
export function updateFileChildren(controller: vscode.TestController, file: vscode.TestItem, parsed: EvalFile): void {
  const fileUri = file.uri!;
  file.error = parsed.fatal
    ? new vscode.MarkdownString(
        parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? 'This eval file cannot run: see Problems.',
      )
    : undefined;
  file.description = parsed.description;
  const children: vscode.TestItem[] = [];
  for (const test of parsed.tests) {
    const uri = test.location.file === fileUri.fsPath ? fileUri : vscode.Uri.file(test.location.file);
    const id = caseItemId(test.index);
    const item = file.children.get(id) ?? controller.createTestItem(id, test.description || `Test ${test.index + 1}`, uri);
    item.label = test.description || `Test ${test.index + 1}`;
    item.range = caseLine(test.location.range);
    itemData.set(item, { fileUri, ref: { kind: 'case', caseIndex: test.index } });
    const providerItems: vscode.TestItem[] = [];
    if (parsed.providers.length > 1) {
      for (const provider of parsed.providers) {
        const pid = providerItemId(test.index, provider.ref);
        const child = item.children.get(pid) ?? controller.createTestItem(pid, provider.label || provider.ref, uri);
        child.label = provider.label || provider.ref;
        child.description = provider.label && provider.label !== provider.ref ? provider.ref : undefined;
        child.range = item.range;
        itemData.set(child, { fileUri, ref: { kind: 'provider', caseIndex: test.index, provider: provider.ref } });
        providerItems.push(child);
      }
    }
    item.children.replace(providerItems);
    children.push(item);
  }
  file.children.replace(children);
}
