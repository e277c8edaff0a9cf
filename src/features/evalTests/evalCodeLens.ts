import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { EvalTestController } from './evalTestController';
import { isEvalFilePath } from '../../core/evals/evalFilePatterns';
import { caseLine } from './evalTestTree';

/**
 * "Run" above each case (on the file's first provider when it names several) and "Run all providers";
 * both go through the Test Explorer run, so results land in the gutter and the explorer too.
 */
export class EvalCodeLens implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly tests: EvalTestController) {
    this.onDidChangeCodeLenses = (listener, thisArg, disposables) => tests.onDidParse(() => listener.call(thisArg), undefined, disposables);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== 'file' || !isEvalFilePath(document.uri.fsPath)) return [];
    const file = this.tests.fileFor(document.uri);
    if (file.fatal) return [];
    const lenses: vscode.CodeLens[] = [];
    const [first] = file.providers;
    for (const test of file.tests) {
      if (test.location.file !== document.uri.fsPath) continue;
      const range = caseLine(test.location.range);
      const uri = document.uri.toString();
      if (file.providers.length > 1) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(play) Run (${first.label || first.ref})`,
            command: COMMANDS.runEvalCase,
            arguments: [uri, test.index, first.ref],
          }),
          new vscode.CodeLens(range, {
            title: `$(run-all) Run all providers (${file.providers.length})`,
            command: COMMANDS.runEvalCase,
            arguments: [uri, test.index],
          }),
        );
      } else {
        lenses.push(new vscode.CodeLens(range, { title: '$(play) Run', command: COMMANDS.runEvalCase, arguments: [uri, test.index] }));
      }
    }
    return lenses;
  }
}
