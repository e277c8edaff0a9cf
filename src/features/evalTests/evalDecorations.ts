import * as vscode from 'vscode';
import type { CaseDecorationKind } from '../../core/evals/editor/caseVerdictText';

export interface CaseDecoration {
  line: number;
  text: string;
  /** Coloured like the gutter's icon: passed, failed, or skipped (never the pass colour for a skipped case). */
  kind: CaseDecorationKind;
  /** Markdown hover with the full verdict. */
  hover?: string;
}

/**
 * After-line verdicts on eval cases (`✓ 412 ms · $0.0004`). Kept per file and re-applied whenever an editor for that
 * file becomes visible; cleared for a file when its text changes (the numbers belong to the text that ran).
 */
export class EvalDecorations implements vscode.Disposable {
  // Created with the first verdict shown, not on activation: each is a round trip to the window (~2 ms of activation
  // in code-server for the three), and most sessions never run an eval.
  private types: Record<CaseDecorationKind, vscode.TextEditorDecorationType> | undefined;
  private readonly byFile = new Map<string, Map<number, CaseDecoration>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.apply(e))),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.byFile.delete(event.document.uri.toString())) this.refresh(event.document.uri);
      }),
    ];
  }

  /** Sets (or replaces) the verdicts of some cases of a file; other cases keep theirs. */
  set(uri: vscode.Uri, decorations: readonly CaseDecoration[]): void {
    let map = this.byFile.get(uri.toString());
    if (!map) this.byFile.set(uri.toString(), (map = new Map()));
    for (const d of decorations) map.set(d.line, d);
    this.refresh(uri);
  }

  /** What is shown for a file now (the integration suite reads this). */
  get(uri: vscode.Uri): CaseDecoration[] {
    return [...(this.byFile.get(uri.toString())?.values() ?? [])].sort((a, b) => a.line - b.line);
  }

  /** Removes the verdicts of some cases (a new run of them started: the old numbers no longer describe them). */
  remove(uri: vscode.Uri, lines: readonly number[]): void {
    const map = this.byFile.get(uri.toString());
    if (!map) return;
    for (const line of lines) map.delete(line);
    this.refresh(uri);
  }

  clear(uri: vscode.Uri): void {
    this.byFile.delete(uri.toString());
    this.refresh(uri);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    for (const type of Object.values(this.types ?? {})) type.dispose();
  }

  private refresh(uri: vscode.Uri): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri.toString()) this.apply(editor);
  }

  private apply(editor: vscode.TextEditor): void {
    const entries = this.get(editor.document.uri).filter((d) => d.line < editor.document.lineCount);
    // No verdict was ever shown: nothing to draw, nothing to clear.
    if (this.types === undefined && entries.length === 0) return;
    const types = (this.types ??= {
      pass: afterLineType('testing.iconPassed'),
      fail: afterLineType('testing.iconFailed'),
      skipped: afterLineType('testing.iconSkipped'),
    });
    const options = (kind: CaseDecorationKind) =>
      entries
        .filter((d) => d.kind === kind)
        .map((d): vscode.DecorationOptions => {
          const end = editor.document.lineAt(d.line).range.end;
          return {
            range: new vscode.Range(end, end),
            renderOptions: { after: { contentText: d.text } },
            hoverMessage: d.hover ? new vscode.MarkdownString(d.hover) : undefined,
          };
        });
    editor.setDecorations(types.pass, options('pass'));
    editor.setDecorations(types.fail, options('fail'));
    editor.setDecorations(types.skipped, options('skipped'));
  }
}

/** The after-line text of one kind of verdict, coloured like the Test Explorer's icon for it. */
function afterLineType(color: string): vscode.TextEditorDecorationType {
  return vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2em' },
    isWholeLine: false,
  });
}
