import * as vscode from 'vscode';
import { join } from 'node:path';
import { tokenizerSpecFor } from './core/tokens/encodings';
import { BudgetDiagnostics } from './features/budgetDiagnostics';
import { WorkbenchSettings } from './features/configuration';
import { DocumentBudgets } from './features/documentBudgets';
import { DocumentTokenCounts } from './features/documentTokenCounts';
import { registerChatFeature } from './features/chat/registerChat';
import { registerEvalsAndSpend } from './features/costReport/registerEvalsAndSpend';
import { registerLanguageModels } from './features/languageModels/registerLanguageModels';
import type { GatewayService } from './features/gatewayService';
import type { SpendGuard } from './features/costReport/spendGuard';
import { OllamaServers } from './features/ollamaServers';
import { registerPickBudgetModel } from './features/pickBudgetModel';
import { registerPromptCodeLens } from './features/promptCodeLens';
import { registerPromptHover } from './features/promptHover';
import { TestHooks } from './features/testHooks';
import { TokenStatus } from './features/tokenStatus';
import { TokenCountClient } from './workers/tokenCountClient';

/** What features share. Built once in activate(); nothing here loads a tokenizer or starts the worker. */
export interface Services {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  counts: DocumentTokenCounts;
  budgets: DocumentBudgets;
  /** What the configured Ollama servers say: the num_ctx budgets use, the installed models the pickers list. */
  ollama: OllamaServers;
  testHooks: TestHooks;
  /** The one gateway, set by the chat registration; evals and spend use it. */
  gateway?: GatewayService;
  /** Set by the spend registration; the chat asks it before a message that would exceed the daily budget. */
  spendGuard?: SpendGuard;
  tokenWorker: TokenCountClient;
}

type Registration = vscode.Disposable | vscode.Disposable[] | void;

/** Each user-facing feature, registered in order. Add yours here: a name and a function of the services. */
const FEATURES: [name: string, register: (services: Services) => Registration][] = [
  ['pick budget model', ({ settings, ollama }) => registerPickBudgetModel(settings, ollama)],
  [
    'token status bar',
    ({ budgets, settings, testHooks }) => {
      const status = new TokenStatus(budgets, settings);
      testHooks.addSnapshot('tokenStatus', () => status.snapshot());
      return status;
    },
  ],
  ['budget diagnostics', ({ budgets }) => new BudgetDiagnostics(budgets)],
  ['prompt CodeLens', ({ budgets, settings }) => registerPromptCodeLens(budgets, settings)],
  ['prompt hover', ({ budgets, settings }) => registerPromptHover(budgets, settings)],
  ['chat, API keys and gateway', (services) => registerChatFeature(services)],
  ['evals in the editor and spend', (services) => registerEvalsAndSpend(services)],
  ['language models, agent tools and MCP server', (services) => registerLanguageModels(services)],
];

function createServices(context: vscode.ExtensionContext): Services {
  const settings = new WorkbenchSettings();
  let counts: DocumentTokenCounts | undefined;
  const client = new TokenCountClient(join(context.extensionPath, 'dist', 'workers', 'tokenCount.js'), (reason) =>
    counts?.workerExited(reason),
  );
  const encoding = tokenizerSpecFor(settings.catalog.lookup(settings.current.budget.model)).encoding;
  counts = new DocumentTokenCounts(client, encoding);
  // Nothing is asked of an Ollama server until a budget or a picker needs it.
  const ollama = new OllamaServers(settings, context.secrets);
  const budgets = new DocumentBudgets(counts, settings, ollama);
  context.subscriptions.push(settings, counts, ollama, budgets, client);
  return { context, settings, counts, budgets, ollama, testHooks: new TestHooks(), tokenWorker: client };
}

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const services = createServices(context);
  for (const [name, register] of FEATURES) {
    try {
      const registration = register(services);
      if (registration) context.subscriptions.push(...(Array.isArray(registration) ? registration : [registration]));
    } catch (error) {
      // One broken feature must not take the others down with it.
      void vscode.window.showErrorMessage(`LLM Workbench: the ${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const activation = { ms: performance.now() - started, workerStarted: services.tokenWorker.running };
  services.testHooks.addSnapshot('activation', () => activation);
  services.testHooks.addSnapshot('activeDocumentCount', () => {
    const document = vscode.window.activeTextEditor?.document;
    return document ? services.counts.state(document) : undefined;
  });
  context.subscriptions.push(...services.testHooks.register());
}

export function deactivate(): void {}
