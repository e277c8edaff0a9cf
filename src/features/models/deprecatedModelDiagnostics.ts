import * as vscode from 'vscode';
import { deprecatedRefsIn } from '../../core/models/deprecatedRefs';
import type { WorkbenchSettings } from '../services/settings';

/** Settings files whose routes, rules and budget model name models: user/workspace settings.json, a .code-workspace. */
function isSettingsFile(document: vscode.TextDocument): boolean {
  return /(^|\/)settings\.json$|\.code-workspace$/.test(document.uri.path);
}

/**
 * A Warning at the line of every route, rule or budget model in an open settings file that names a model past or
 * near its deprecation date, with the date and a successor from the same family. Checked when the file is opened
 * or saved and when the catalog or settings change — not on every keystroke.
 */
export class DeprecatedModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('llmWorkbench.deprecatedModels');
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly settings: WorkbenchSettings) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.refresh(document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.refresh(document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)),
      settings.onDidChange(() => this.refreshAll()),
    ];
    setTimeout(() => this.refreshAll(), 0); // off the activation path
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
  }

  private refresh(document: vscode.TextDocument): void {
    if (!isSettingsFile(document)) return;
    const diagnostics = deprecatedRefsIn(document.getText(), this.settings.catalog).map((mention) => {
      const start = document.positionAt(mention.offset);
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(start, document.positionAt(mention.offset + mention.length)),
        mention.message,
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'LLM Workbench';
      diagnostic.code = 'model.deprecated';
      return diagnostic;
    });
    this.collection.set(document.uri, diagnostics);
  }
}
