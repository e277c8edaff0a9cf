import { join } from 'node:path';
import type * as vscode from 'vscode';
import { newWindowId } from '../../core/cost/windowId';
import { CatalogStore, REFRESHED_CATALOG_FILE, setDefaultCatalogStore } from '../../core/models/catalogStore';
import { splitModelRef } from '../../core/models/modelRef';
import { tokenizerRule } from '../../core/models/tokenizerRule';
import { TokenCountClient } from '../../workers/tokenCountClient';
import { ApiKeys } from './apiKeys';
import { DocumentBudgets } from './documentBudgets';
import { DocumentTokenCounts } from './documentTokenCounts';
import { GatewayService } from './gatewayService';
import { OllamaServers } from './ollamaServers';
import { WorkbenchSettings } from './settings';
import { SpendGuard } from './spendGuard';
import { SpendTracker } from './spendTracker';

/**
 * What features share, built once by `createSharedServices` before any feature registers, so no feature depends on
 * another having registered first. Features receive the members they use, never this whole object.
 */
export interface SharedServices {
  readonly context: vscode.ExtensionContext;
  /** The catalog's table: the shipped snapshot or a refreshed one in global storage, read on the first lookup. */
  readonly catalogStore: CatalogStore;
  /** The one typed accessor for `llmWorkbench.*` settings. */
  readonly settings: WorkbenchSettings;
  /** The worker thread that counts documents (started on the first count, not here). */
  readonly tokenWorker: TokenCountClient;
  readonly counts: DocumentTokenCounts;
  /** Budget evaluations per document version: status bar, Problems, CodeLens and hover agree through it. */
  readonly budgets: DocumentBudgets;
  /** What the configured Ollama servers say: the num_ctx budgets use, the installed models the pickers list. */
  readonly ollama: OllamaServers;
  /** SecretStorage, one key per provider id. */
  readonly keys: ApiKeys;
  /** The extension's one gateway (chat, evals, comparison) and its "LLM Workbench" log. */
  readonly gateway: GatewayService;
  /** Today's, this window's and this month's spend, followed from the shared ledger file. */
  readonly spendTracker: SpendTracker;
  /** Asks before a call that would take today past `llmWorkbench.budget.dailyUsd`. */
  readonly spendGuard: SpendGuard;
}

/**
 * Builds every shared service and hands each to `context.subscriptions`. Nothing here loads a tokenizer, starts the
 * worker, builds the gateway or asks a server: each does that on first use. `lap(name)` is called after each step,
 * for activation's per-phase timing (extension.ts).
 */
export function createSharedServices(context: vscode.ExtensionContext, lap: (name: string) => void = () => {}): SharedServices {
  // Constructed only: the table is read on the first model lookup, off the activation path.
  const catalogStore = new CatalogStore({ storedPath: join(context.globalStorageUri.fsPath, REFRESHED_CATALOG_FILE) });
  setDefaultCatalogStore(catalogStore);
  lap('service: catalog store');
  const settings = new WorkbenchSettings();
  lap('service: settings');
  const catalogChanged = catalogStore.onDidChange(() => settings.reloadCatalog());
  // The worker reports its exit to the counts built just below (it cannot exit before it is started by a count).
  const tokenWorker = new TokenCountClient(join(context.extensionPath, 'dist', 'workers', 'tokenCount.js'), (reason) =>
    counts.workerExited(reason),
  );
  const counts = new DocumentTokenCounts(tokenWorker, budgetModelEncoding(settings));
  lap('service: token counts');
  const ollama = new OllamaServers(settings, context.secrets);
  lap('service: Ollama servers');
  const budgets = new DocumentBudgets(counts, settings, ollama);
  const keys = new ApiKeys(context.secrets);
  // Stamped on this window's calls, so the spend status bar tells them from other windows' and the CLI's.
  const windowId = newWindowId();
  const gateway = new GatewayService(settings, keys, windowId);
  lap('service: budgets, keys, gateway');
  const spendTracker = new SpendTracker({ log: gateway.log, sessionId: windowId });
  const spendGuard = new SpendGuard(spendTracker, settings);
  lap('service: spend tracker and guard');
  context.subscriptions.push(settings, counts, ollama, budgets, tokenWorker, keys, gateway, spendTracker, catalogChanged);
  return { context, catalogStore, settings, tokenWorker, counts, budgets, ollama, keys, gateway, spendTracker, spendGuard };
}

/** The budget model's encoding by rule (an override's tokenizer wins), so activation never loads the catalog's table. */
function budgetModelEncoding(settings: WorkbenchSettings) {
  const budgetModel = settings.current.budget.model;
  const override = settings.current.models.find((m) => m.ref === budgetModel)?.tokenizer;
  if (override && override !== 'estimate') return override;
  const parts = splitModelRef(budgetModel);
  return tokenizerRule(parts?.provider ?? '', parts?.model ?? budgetModel).encoding;
}
