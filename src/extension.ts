import * as vscode from 'vscode';
import { join } from 'node:path';
import { CatalogStore, REFRESHED_CATALOG_FILE, setDefaultCatalogStore } from './core/models/catalogStore';
import { tokenizerRule } from './core/models/tokenizerRule';
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
import { registerModelPrices } from './features/modelPrices';
import { DeprecatedModelDiagnostics } from './features/deprecatedModelDiagnostics';
import { registerPickBudgetModel } from './features/pickBudgetModel';
import { registerPromptCodeLens } from './features/promptCodeLens';
import { registerPromptHover } from './features/promptHover';
import { registerTelemetry } from './features/telemetry/registerTelemetry';
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
  /** The catalog's table: the shipped snapshot or a refreshed one in global storage, read on the first lookup. */
  catalogStore: CatalogStore;
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
  ['model prices', ({ context, catalogStore }) =>
    registerModelPrices(context, catalogStore, {
      checkWeekly: () => vscode.workspace.getConfiguration('llmWorkbench').get<boolean>('modelPrices.checkWeekly') === true,
      url: () => process.env.LLM_WORKBENCH_PRICES_URL,
    }),
  ],
  ['deprecated model warnings in settings', ({ settings }) => new DeprecatedModelDiagnostics(settings)],
  ['prompt CodeLens', ({ budgets, settings }) => registerPromptCodeLens(budgets, settings)],
  ['prompt hover', ({ budgets, settings }) => registerPromptHover(budgets, settings)],
  ['chat, API keys and gateway', (services) => registerChatFeature(services)],
  ['evals in the editor and spend', (services) => registerEvalsAndSpend(services)],
  ['language models, agent tools and MCP server', (services) => registerLanguageModels(services)],
  [
    'OpenTelemetry export and receiver',
    ({ context, settings, gateway }) => (gateway ? registerTelemetry(context, settings, gateway) : undefined),
  ],
];

function createServices(context: vscode.ExtensionContext): Services {
  // Constructed only: the table is read on the first model lookup, off the activation path.
  const catalogStore = new CatalogStore({ storedPath: join(context.globalStorageUri.fsPath, REFRESHED_CATALOG_FILE) });
  setDefaultCatalogStore(catalogStore);
  const settings = new WorkbenchSettings();
  const catalogChanged = catalogStore.onDidChange(() => settings.reloadCatalog());
  let counts: DocumentTokenCounts | undefined;
  const client = new TokenCountClient(join(context.extensionPath, 'dist', 'workers', 'tokenCount.js'), (reason) =>
    counts?.workerExited(reason),
  );
  // The encoding by rule (an override's tokenizer wins), so activation never loads the catalog's table.
  const budgetModel = settings.current.budget.model;
  const override = settings.current.models.find((m) => m.ref === budgetModel)?.tokenizer;
  const colon = budgetModel.indexOf(':');
  const encoding =
    override && override !== 'estimate' ? override : tokenizerRule(budgetModel.slice(0, colon), budgetModel.slice(colon + 1)).encoding;
  counts = new DocumentTokenCounts(client, encoding);
  // Nothing is asked of an Ollama server until a budget or a picker needs it.
  const ollama = new OllamaServers(settings, context.secrets);
  const budgets = new DocumentBudgets(counts, settings, ollama);
  context.subscriptions.push(settings, counts, ollama, budgets, client, catalogChanged);
  return { context, settings, counts, budgets, ollama, testHooks: new TestHooks(), tokenWorker: client, catalogStore };
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
