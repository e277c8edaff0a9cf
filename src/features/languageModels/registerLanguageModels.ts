import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { GatewayService } from '../services/gatewayService';
import type { OllamaServers } from '../services/ollamaServers';
import { openSetting, type WorkbenchSettings } from '../services/settings';
import { registerAgentTools } from './agentTools';
import { ChatModelProvider, VENDOR } from './chatModelProvider';
import { languageModelApi } from './lmApi';
import { registerMcpDefinition } from './mcpDefinition';

/** What registered, and why a part is off (the host lacks the API): the log says it, the tests read it. */
export interface LanguageModelStatus {
  provider: string;
  tools: string;
  mcp: string;
}

/**
 * Our models in the editor's model picker (Copilot Chat, `vscode.lm`), our tools for agents, and the MCP server
 * definition. Each part is registered only where the host has its API; a host without one keeps everything else.
 * Registration is cheap: no SDK, tokenizer or network until the first request, count or listing.
 */
export interface LanguageModelsDeps {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  gateway?: GatewayService;
  ollama?: OllamaServers;
}

/** The registered parts: what is on and why a part is off, and the chat model provider when there is one. */
export interface LanguageModelsFeature extends vscode.Disposable {
  readonly status: LanguageModelStatus;
  readonly provider: ChatModelProvider | undefined;
}

export function registerLanguageModels({ context, gateway, ollama, settings }: LanguageModelsDeps): LanguageModelsFeature {
  const api = languageModelApi();
  const status: LanguageModelStatus = { provider: 'off', tools: 'off', mcp: 'off' };
  const disposables: vscode.Disposable[] = [vscode.commands.registerCommand(COMMANDS.manageLanguageModels, () => manage(status))];
  let provider: ChatModelProvider | undefined;
  if (!gateway) {
    status.provider = status.tools = 'off: the gateway did not start (see the LLM Workbench log)';
  } else {
    if (api.registerLanguageModelChatProvider) {
      provider = new ChatModelProvider(gateway, ollama, api, settings.onDidChange);
      disposables.push(provider, api.registerLanguageModelChatProvider(VENDOR, provider));
      status.provider = 'on';
    } else status.provider = `off: this editor (VS Code ${vscode.version}) has no language model chat provider API (needs 1.104)`;
    const tools = registerAgentTools(api, gateway, ollama);
    disposables.push(...tools);
    status.tools = tools.length ? 'on' : `off: this editor (VS Code ${vscode.version}) has no language model tools API (needs 1.95)`;
  }
  const mcp = registerMcpDefinition(api, context);
  if (mcp) disposables.push(mcp);
  status.mcp = mcp ? 'on' : `off: this editor (VS Code ${vscode.version}) cannot be offered MCP servers by extensions (needs 1.101)`;
  for (const [part, state] of Object.entries(status)) if (state !== 'on') gateway?.log.info(`language models: ${part} ${state}`);
  return { status, provider, dispose: () => vscode.Disposable.from(...disposables).dispose() };
}

/** The provider's "Manage" entry in the model picker: keys, the settings that decide the list, the log. */
async function manage(status: LanguageModelStatus): Promise<void> {
  const choices: Array<vscode.QuickPickItem & { run: () => Thenable<unknown> }> = [
    {
      label: '$(key) Set API Key',
      description: 'OpenAI, Anthropic or an OpenAI-compatible provider',
      run: () => vscode.commands.executeCommand(COMMANDS.setApiKey),
    },
    { label: '$(server) Providers', description: 'llmWorkbench.providers', run: () => openSetting('llmWorkbench.providers') },
    {
      label: '$(git-merge) Task routes',
      description: 'llmWorkbench.routes: each route is a model in the picker',
      run: () => openSetting('llmWorkbench.routes'),
    },
    {
      label: '$(symbol-numeric) Output reserve',
      description: 'llmWorkbench.budget.outputReserve: taken from an Ollama window',
      run: () => openSetting('llmWorkbench.budget.outputReserve'),
    },
    {
      label: '$(output) Show Log',
      description: 'every call with its route, retries, fallback and cost',
      run: () => vscode.commands.executeCommand(COMMANDS.showLog),
    },
  ];
  const off = Object.entries(status)
    .filter(([, s]) => s !== 'on')
    .map(([part, s]) => `${part} ${s}`);
  const picked = await vscode.window.showQuickPick(choices, {
    title: 'LLM Workbench models',
    placeHolder: off.length ? off.join('; ') : 'Manage the models LLM Workbench provides',
  });
  await picked?.run();
}
