import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewPageHtml } from '../../core/webview/webviewPage';

/** The page around a webview bundle (`dist/webview/<name>.js` + `.css`) with the shared strict CSP. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  return webviewPageHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: asset(`${bundle}.js`),
    styleUri: asset(`${bundle}.css`),
    title,
  });
}
