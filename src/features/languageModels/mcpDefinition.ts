import * as vscode from 'vscode';
import { join } from 'node:path';
import type { LanguageModelApi } from './lmApi';

export const MCP_PROVIDER_ID = 'llmWorkbench.mcp';

/**
 * Offers `llm-workbench mcp` (the same tools, over MCP) to the editor's MCP support, one server per workspace folder.
 * It runs the extension's own CLI with the editor's Node (`process.execPath`; Electron needs ELECTRON_RUN_AS_NODE).
 * Keys are not passed: the server reads them from the environment like any CLI run, so SecretStorage stays sealed.
 */
export function registerMcpDefinition(api: LanguageModelApi, context: vscode.ExtensionContext): vscode.Disposable | undefined {
  const { registerMcpServerDefinitionProvider: register, McpStdioServerDefinition: Definition } = api;
  if (!register || !Definition) return undefined;
  const cli = join(context.extensionPath, 'dist', 'cli.js');
  const version = String((context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0');
  const changed = new vscode.EventEmitter<void>();
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire());
  const registration = register(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () =>
      (vscode.workspace.workspaceFolders ?? [{ uri: undefined, name: '' }]).map((folder) => {
        const args = [cli, 'mcp', ...(folder.uri ? ['--root', folder.uri.fsPath] : [])];
        const definition = new Definition(
          folder.uri ? `LLM Workbench (${folder.name})` : 'LLM Workbench',
          process.execPath,
          args,
          { ELECTRON_RUN_AS_NODE: '1' },
          version,
        );
        if (folder.uri) definition.cwd = folder.uri;
        return definition;
      }),
  });
  return vscode.Disposable.from(registration, folders, changed);
}
