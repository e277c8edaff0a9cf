import * as vscode from 'vscode';
import { CHAT_VIEW_ID } from '../commandIds';
import { webviewHtml } from '../webview/webviewHtml';
import type { ChatSession } from '../../core/chat/chatSession';
import { isWebviewMessage, type ExtensionMessage } from '../../shared/chatProtocol';

/** Hosts the chat webview and moves typed messages between it and the session; no chat logic lives here. */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view?: vscode.WebviewView;
  /** The session's message handler (the session itself is built on the first message). */
  session?: Pick<ChatSession, 'handle'>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    webview.html = webviewHtml(webview, this.extensionUri, 'chat', 'LLM Workbench Chat');
    webview.onDidReceiveMessage((message: unknown) => {
      // The webview is a trust boundary: malformed messages are dropped, not interpreted.
      if (!isWebviewMessage(message)) {
        this.log.warn('Chat: ignored a malformed message from the webview');
        return;
      }
      this.session?.handle(message).catch((error: unknown) => this.log.error(`Chat: ${(error as Error).message}`));
    });
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  post(message: ExtensionMessage): void {
    void this.view?.webview.postMessage(message);
  }

  /** Opens the sidebar on the chat (resolving the view if it was never shown). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }
}
