import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ChatSession } from '../../core/chat/chatSession';
import { estimateCallCost, formatUsd } from '../../core/cost/pricing';
import { CHAT_VIEW_ID, COMMANDS } from '../commandIds';
import type { ApiKeys } from '../services/apiKeys';
import type { GatewayService } from '../services/gatewayService';
import type { OllamaServers } from '../services/ollamaServers';
import type { WorkbenchSettings } from '../services/settings';
import type { SpendGuard } from '../services/spendGuard';
import { lazyBundle } from '../lazyBundle';
import type * as ChatEngine from './chatEngine';
import { ApplyEdit } from './applyEdit';
import { EditorChatHost } from './chatHost';
import { ChatViewProvider } from './chatViewProvider';
import { registerCodeTasks } from './codeTasks';
import { ConversationStore } from './conversationStore';

/** The session, model list and request budget (dist/chatEngine.js), loaded when the chat is first used. */
const chatEngine = lazyBundle<typeof ChatEngine>('chatEngine', join(__dirname, 'chatEngine'));

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
  // Built on first use (the view's first message, a command, a test reading it): activation compiles none of it.
  let built: ChatSession | undefined;
  const session = (): ChatSession => {
    if (built) return built;
    const { ChatSession, modelOptions, requestBudget } = chatEngine();
    built = new ChatSession({
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
    return built;
  };
  provider.session = { handle: (message) => session().handle(message) };

  const registration = vscode.Disposable.from(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    applyEdit,
    { dispose: () => built?.dispose() },
    settings.onDidChange(() => built?.refresh()),
    keys.onDidChange(() => built?.refresh()),
    ollama.onDidChange(() => built?.refresh()),
    vscode.commands.registerCommand(COMMANDS.newChat, async () => {
      await provider.reveal();
      await session().newChat();
    }),
    vscode.commands.registerCommand(COMMANDS.clearChat, () => session().clear()),
    registerCodeTasks(async (action, code, question) => {
      await provider.reveal();
      await session().askAboutCode(action, code, question);
    }),
  );
  return {
    get session() {
      return session();
    },
    dispose: () => registration.dispose(),
  };
}
