import * as vscode from 'vscode';
import { ChatSession } from '../../core/chat/chatSession';
import { modelOptions } from '../../core/chat/modelOptions';
import { requestBudget } from '../../core/chat/requestBudget';
import type { WorkbenchSettings } from '../configuration';
import { GatewayService } from '../gatewayService';
import { ApiKeys, registerSecretCommands } from '../secrets';
import { ApplyEdit } from './applyEdit';
import { EditorChatHost } from './chatHost';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { registerCodeTasks } from './codeTasks';
import { ConversationStore } from './conversationStore';
import type { SpendGuard } from '../costReport/spendGuard';
import { estimateCallCost, formatUsd } from '../../core/cost/pricing';
import type { OllamaServers } from '../ollamaServers';

export const NEW_CHAT = 'llmWorkbench.chat.new';
export const CLEAR_CHAT = 'llmWorkbench.chat.clear';

/** For the integration tests' snapshot hook: the conversation as the session holds it. */
let chatSnapshot: (() => unknown) | undefined;

/** The chat sidebar, its commands and the editor code tasks. */
export function registerChat(
  context: vscode.ExtensionContext,
  settings: WorkbenchSettings,
  gateway: GatewayService,
  keys: ApiKeys,
  spendGuard: () => SpendGuard | undefined,
  ollama?: OllamaServers,
): vscode.Disposable {
  const provider = new ChatViewProvider(context.extensionUri, gateway.log);
  const applyEdit = new ApplyEdit();
  const session = new ChatSession({
    storage: new ConversationStore(context.workspaceState),
    post: (message) => provider.post(message),
    gateway: () => gateway.tryGateway(),
    // The installed Ollama models and their num_ctx come from a cache: the list shows at once, and again when a server answers.
    models: () =>
      modelOptions(gateway.config, gateway.catalog, {
        installed: ollama?.installed().models,
        windowFor: ollama && ((ref, info) => ollama.windowFor(ref, info).tokens),
      }),
    budgetFor: (model, task) => requestBudget(model, task, gateway.config, gateway.catalog, ollama && ((ref, info) => ollama.windowFor(ref, info))),
    host: new EditorChatHost(applyEdit),
    confirmSpend: async (model, inputTokens, outputTokens) => {
      const guard = spendGuard();
      if (!guard) return true;
      const estimate = estimateCallCost(gateway.catalog.lookup(model), inputTokens, outputTokens);
      return guard.confirm(estimate, `this message to ${model} is estimated at ${formatUsd(estimate)}`);
    },
  });
  provider.session = session;
  chatSnapshot = () => ({ busy: session.busy, conversation: session.conversation });

  return vscode.Disposable.from(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    applyEdit,
    { dispose: () => session.dispose() },
    settings.onDidChange(() => session.refresh()),
    keys.onDidChange(() => session.refresh()),
    ...(ollama ? [ollama.onDidChange(() => session.refresh())] : []),
    vscode.commands.registerCommand(NEW_CHAT, async () => {
      await provider.reveal();
      await session.newChat();
    }),
    vscode.commands.registerCommand(CLEAR_CHAT, () => session.clear()),
    registerCodeTasks(async (action, code, question) => {
      await provider.reveal();
      await session.askAboutCode(action, code, question);
    }),
  );
}

/**
 * Secrets, the gateway service (with its "LLM Workbench" log) and the chat, as one registration for extension.ts.
 * Nothing here loads a tokenizer or touches the network until the chat is used.
 */
export function registerChatFeature(services: {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  testHooks: { addSnapshot(name: string, read: () => unknown): void };
  /** Set here so later features (evals, spend) use this one gateway instead of building a second. */
  gateway?: GatewayService;
  /** Set by the spend registration, which comes later; read at send time. */
  spendGuard?: SpendGuard;
  /** The Ollama servers' num_ctx and installed models (shared with the token features). */
  ollama?: OllamaServers;
}): vscode.Disposable {
  const { context, settings, testHooks } = services;
  const keys = new ApiKeys(context.secrets);
  const gateway = new GatewayService(settings, keys);
  services.gateway = gateway;
  const chat = registerChat(context, settings, gateway, keys, () => services.spendGuard, services.ollama);
  testHooks.addSnapshot('chat', () => chatSnapshot?.());
  return vscode.Disposable.from(keys, gateway, registerSecretCommands(keys, () => gateway.providers()), chat);
}
