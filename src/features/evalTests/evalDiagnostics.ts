import * as vscode from 'vscode';
import type { EvalDiagnostic } from '../../core/evals/sourceRange';
import { toRange } from './vscodeRange';

/**
 * Parse and schema problems of eval files, in Problems at their line and column. One file's diagnostics can point
 * into another (a `file://` test list), so they are grouped by the file they point into, per eval file.
 */
export class EvalDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('llm-workbench-evals');
  /** eval file -> files it put diagnostics on. */
  private readonly owned = new Map<string, Set<string>>();
  private readonly byTarget = new Map<string, Map<string, vscode.Diagnostic[]>>();

  set(evalFile: vscode.Uri, diagnostics: readonly EvalDiagnostic[]): void {
    this.clear(evalFile);
    const targets = new Set<string>();
    for (const d of diagnostics) {
      const target = vscode.Uri.file(d.file || evalFile.fsPath).toString();
      targets.add(target);
      const diagnostic = new vscode.Diagnostic(
        toRange(d.range),
        d.message,
        d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'llm-workbench evals';
      let perOwner = this.byTarget.get(target);
      if (!perOwner) this.byTarget.set(target, (perOwner = new Map()));
      perOwner.set(evalFile.toString(), [...(perOwner.get(evalFile.toString()) ?? []), diagnostic]);
    }
    this.owned.set(evalFile.toString(), targets);
    for (const target of targets) this.publish(target);
  }

  clear(evalFile: vscode.Uri): void {
    const key = evalFile.toString();
    for (const target of this.owned.get(key) ?? []) {
      this.byTarget.get(target)?.delete(key);
      this.publish(target);
    }
    this.owned.delete(key);
  }

  dispose(): void {
    this.collection.dispose();
  }

  private publish(target: string): void {
    const all = [...(this.byTarget.get(target)?.values() ?? [])].flat();
    this.collection.set(vscode.Uri.parse(target), all.length ? all : undefined);
  }
}
