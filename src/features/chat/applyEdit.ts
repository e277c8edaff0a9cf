import * as vscode from 'vscode';
import { fitReplacement, locateOriginal } from '../../core/chat/replacement';
import type { CodeContext } from '../../shared/chatProtocol';

const PROPOSAL_SCHEME = 'llm-workbench-proposal';

/**
 * "Apply" on a refactor answer: shows the whole file before/after in a diff editor (the proposal is a read-only
 * virtual document), then asks; only "Apply" edits the original range, as one undoable edit.
 */
export class ApplyEdit implements vscode.Disposable {
  private readonly proposals = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private counter = 0;

  constructor() {
    const proposals = this.proposals;
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: (uri) => proposals.get(uri.toString()) ?? '',
    });
  }

  async apply(context: CodeContext, code: string): Promise<void> {
    const uri = vscode.Uri.parse(context.uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    const start = new vscode.Position(context.range.startLine, context.range.startCharacter);
    const offset = locateOriginal(text, context.code, document.offsetAt(start));
    if (offset === undefined) {
      void vscode.window.showWarningMessage(
        `LLM Workbench: the selected code in ${context.fileName} has changed since you asked, so the refactor cannot be placed safely. Select the code and run "Refactor Selection" again, or copy the code block.`,
      );
      return;
    }
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const replacement = fitReplacement(context.code, code, eol);
    const proposed = text.slice(0, offset) + replacement + text.slice(offset + context.code.length);
    const proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${++this.counter}/${context.fileName}` });
    // Kept for the session: the diff tab stays readable after Apply or Discard.
    this.proposals.set(proposalUri.toString(), proposed);
    {
      await vscode.commands.executeCommand('vscode.diff', uri, proposalUri, `${context.fileName}: current ↔ proposed refactor`, {
        preview: true,
      });
      const choice = await vscode.window.showInformationMessage(`Apply the proposed refactor to ${context.fileName}?`, 'Apply', 'Discard');
      if (choice !== 'Apply') return;
      const current = await vscode.workspace.openTextDocument(uri);
      if (current.getText() !== text) {
        void vscode.window.showWarningMessage(
          `LLM Workbench: ${context.fileName} changed while the diff was open; nothing was applied. Run Apply again.`,
        );
        return;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(current.positionAt(offset), current.positionAt(offset + context.code.length)), replacement);
      if (await vscode.workspace.applyEdit(edit)) {
        const editor = await vscode.window.showTextDocument(current, { preview: false });
        const end = current.positionAt(offset + replacement.length);
        editor.selection = new vscode.Selection(current.positionAt(offset), end);
      }
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
