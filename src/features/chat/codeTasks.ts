import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultQuestion } from '../../core/chat/chatPrompts';
import type { CodeAction, CodeContext } from '../../shared/chatProtocol';
import { COMMANDS } from '../commandIds';

/** Sends a code task (the selection, its file and language, and a question) to the chat. */
export type AskAboutCode = (action: CodeAction, context: CodeContext, question: string) => Promise<void>;

/** The editor context-menu / palette commands: each sends the selection into the chat as a `code` task. */
export function registerCodeTasks(ask: AskAboutCode): vscode.Disposable {
  const run = (action: CodeAction) => async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage('LLM Workbench: select some code in an editor first.');
      return;
    }
    let question = defaultQuestion(action);
    if (action === 'ask') {
      const typed = await vscode.window.showInputBox({
        title: 'Ask about Selection',
        prompt: `Your question about the selected code in ${path.basename(editor.document.fileName)}`,
        placeHolder: 'e.g. Why does this loop never end?',
        ignoreFocusOut: true,
      });
      if (!typed?.trim()) return;
      question = typed.trim();
    }
    await ask(action, selectionContext(editor), question);
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.askAboutSelection, run('ask')),
    vscode.commands.registerCommand(COMMANDS.explainSelection, run('explain')),
    vscode.commands.registerCommand(COMMANDS.refactorSelection, run('refactor')),
  );
}

export function selectionContext(editor: vscode.TextEditor): CodeContext {
  const { document, selection } = editor;
  return {
    fileName: path.basename(document.fileName),
    // Workspace-relative, so routing rules and privateFiles globs match it.
    filePath: vscode.workspace.asRelativePath(document.uri, false),
    languageId: document.languageId,
    code: document.getText(selection),
    uri: document.uri.toString(),
    range: {
      startLine: selection.start.line,
      startCharacter: selection.start.character,
      endLine: selection.end.line,
      endCharacter: selection.end.character,
    },
  };
}
