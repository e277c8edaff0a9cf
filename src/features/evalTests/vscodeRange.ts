import * as vscode from 'vscode';
import type { SourceRange } from '../../core/evals/sourceRange';

/**
 * An eval file's source range as VS Code's. Its own module (not evalTestTree.ts, which holds the items' data): the
 * run code in dist/evalRuns.js imports it, and a module with state must not be built into two bundles.
 */
export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}
