import * as vscode from 'vscode';
import { ChatSession } from '../../core/chat/chatSession';
import { modelOptions } from '../../core/chat/modelOptions';
import { requestBudget } from '../../core/chat/requestBudget';
import { estimateCallCost, formatUsd } from '../../core/cost/pricing';
import { CHAT_VIEW_ID, COMMANDS } from '../commandIds';
import type { ApiKeys } from '../services/apiKeys';
import type { GatewayService } from '../services/gatewayService';
import type { OllamaServers } from '../services/ollamaServers';
import type { WorkbenchSettings } from '../services/settings';
import type { SpendGuard } from '../services/spendGuard';
import { ApplyEdit } from './applyEdit';
import { EditorChatHost } from './chatHost';
import { ChatViewProvider } from './chatViewProvider';
import { registerCodeTasks } from './codeTasks';
import { ConversationStore } from './conversationStore';

export interface ChatDeps {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  gateway: GatewayService;
  keys: ApiKeys;
  spendGuard: SpendGuard;
  /** The Ollama servers' num_ctx and installed models (shared with the token features). */
  ollama: OllamaServers;
}

/** The registered chat: disposing it removes the view and the commands; `session` is what it holds. */
export interface ChatFeature extends vscode.Disposable {
  readonly session: ChatSession;
}

/** The chat sidebar, its commands and the editor code tasks. Nothing here touches the network until the chat is used. */
export function registerChat({ context, settings, gateway, keys, spendGuard, ollama }: ChatDeps): ChatFeature {
  const provider = new ChatViewProvider(context.extensionUri, gateway.log);
  const applyEdit = new ApplyEdit();
  const session = new ChatSession({
    storage: new ConversationStore(context.workspaceState),
    post: (message) => provider.post(message),
    gateway: () => gateway.tryGateway(),
    // The installed Ollama models and their num_ctx come from a cache: the list shows at once, and again when a server answers.
    models: () =>
      modelOptions(gateway.config, gateway.catalog, {
        installed: ollama.installed().models,
        windowFor: (ref, info) => ollama.windowFor(ref, info).tokens,
      }),
    budgetFor: (model, task) => requestBudget(model, task, gateway.config, gateway.catalog, (ref, info) => ollama.windowFor(ref, info)),
    host: new EditorChatHost(applyEdit),
    confirmSpend: async (model, inputTokens, outputTokens) => {
      const estimate = estimateCallCost(gateway.catalog.lookup(model), inputTokens, outputTokens);
      return spendGuard.confirm(estimate, `this message to ${model} is estimated at ${formatUsd(estimate)}`);
    },
  });
  provider.session = session;

  const registration = vscode.Disposable.from(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    applyEdit,
    { dispose: () => session.dispose() },
    settings.onDidChange(() => session.refresh()),
    keys.onDidChange(() => session.refresh()),
    ollama.onDidChange(() => session.refresh()),
    vscode.commands.registerCommand(COMMANDS.newChat, async () => {
      await provider.reveal();
      await session.newChat();
    }),
    vscode.commands.registerCommand(COMMANDS.clearChat, () => session.clear()),
    registerCodeTasks(async (action, code, question) => {
      await provider.reveal();
      await session.askAboutCode(action, code, question);
    }),
  );
  return { session, dispose: () => registration.dispose() };
}
