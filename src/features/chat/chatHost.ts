import * as vscode from 'vscode';
import type { ChatHost } from '../../core/chat/chatSession';
import type { CodeContext, ErrorAction } from '../../shared/chatProtocol';
import { COMMANDS } from '../commandIds';
import { openSetting, SETTINGS_SECTION } from '../services/settings';
import type { ApplyEdit } from './applyEdit';

/** The editor actions the chat's buttons ask for. */
export class EditorChatHost implements ChatHost {
  constructor(private readonly applyEdit: ApplyEdit) {}

  async copy(code: string): Promise<void> {
    await vscode.env.clipboard.writeText(code);
  }

  /** At the cursor of the editor the user last worked in (the sidebar has focus when the button is clicked). */
  async insert(code: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      const document = await vscode.workspace.openTextDocument({ content: code });
      await vscode.window.showTextDocument(document);
      return;
    }
    await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, code);
    });
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  }

  async apply(context: CodeContext, code: string): Promise<void> {
    await this.applyEdit.apply(context, code);
  }

  async action(action: Exclude<ErrorAction, 'retry'>): Promise<void> {
    if (action === 'setApiKey') await vscode.commands.executeCommand(COMMANDS.setApiKey);
    // The User tab: it shows every llmWorkbench setting, providers included, in local and remote windows alike.
    else if (action === 'openSettings') await openSetting(SETTINGS_SECTION);
    else if (action === 'openLog') await vscode.commands.executeCommand(COMMANDS.showLog);
  }
}
