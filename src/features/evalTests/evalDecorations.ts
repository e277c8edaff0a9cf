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
  private readonly passType = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('testing.iconPassed'), margin: '0 0 0 2em' },
    isWholeLine: false,
  });
  private readonly failType = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('testing.iconFailed'), margin: '0 0 0 2em' },
    isWholeLine: false,
  });
  private readonly skippedType = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('testing.iconSkipped'), margin: '0 0 0 2em' },
    isWholeLine: false,
  });
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
    this.passType.dispose();
    this.failType.dispose();
    this.skippedType.dispose();
  }

  private refresh(uri: vscode.Uri): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri.toString()) this.apply(editor);
  }

  private apply(editor: vscode.TextEditor): void {
    const entries = this.get(editor.document.uri).filter((d) => d.line < editor.document.lineCount);
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
    editor.setDecorations(this.passType, options('pass'));
    editor.setDecorations(this.failType, options('fail'));
    editor.setDecorations(this.skippedType, options('skipped'));
  }
}
