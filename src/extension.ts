/**
 * The composition root: builds the shared services once, then registers each feature with the services it uses.
 * Features never see each other or a shared bag, so the order of FEATURES carries no meaning.
 */
import * as vscode from 'vscode';
import { registerApiKeyCommands } from './features/apiKeys/registerApiKeyCommands';
import { registerChat } from './features/chat/registerChat';
import { registerEvalTests } from './features/evalTests/registerEvalTests';
import { registerLanguageModels } from './features/languageModels/registerLanguageModels';
import { DeprecatedModelDiagnostics } from './features/models/deprecatedModelDiagnostics';
import { registerModelPrices } from './features/models/modelPrices';
import { registerShowLog } from './features/log/registerShowLog';
import { createSharedServices, type SharedServices } from './features/services/sharedServices';
import { registerSpend } from './features/spend/registerSpend';
import { registerTelemetry } from './features/telemetry/registerTelemetry';
import { ActivationTimer } from './features/activationTimer';
import type { TestedFeatures } from './features/testing/snapshots';
import { registerTestHooks, testHooksEnabled } from './features/testing/testHooks';
import { BudgetDiagnostics } from './features/tokens/budgetDiagnostics';
import { registerPickBudgetModel } from './features/tokens/pickBudgetModel';
import { registerPromptCodeLens } from './features/tokens/promptCodeLens';
import { registerPromptHover } from './features/tokens/promptHover';
import { TokenStatus } from './features/tokens/tokenStatus';
import { setBundleLoader, type BundleLoader } from './core/runtime/bundleLoader';

/** One user-facing feature: its name (for the error if it fails to start) and how it registers. */
interface Feature {
  name: string;
  /** The key under which the integration tests' snapshots find what it returned. */
  tested?: keyof TestedFeatures;
  register(services: SharedServices): vscode.Disposable;
}

/** Add yours here: a name and a function of the services it uses. */
const FEATURES: Feature[] = [
  { name: 'pick budget model', register: ({ settings, ollama }) => registerPickBudgetModel(settings, ollama) },
  { name: 'token status bar', tested: 'tokenStatus', register: ({ budgets, settings }) => new TokenStatus(budgets, settings) },
  { name: 'budget diagnostics', register: ({ budgets }) => new BudgetDiagnostics(budgets) },
  {
    name: 'model prices',
    register: ({ context, catalogStore }) =>
      registerModelPrices(context, catalogStore, {
        checkWeekly: () => vscode.workspace.getConfiguration('llmWorkbench').get<boolean>('modelPrices.checkWeekly') === true,
        url: () => process.env.LLM_WORKBENCH_PRICES_URL,
      }),
  },
  { name: 'deprecated model warnings in settings', register: ({ settings }) => new DeprecatedModelDiagnostics(settings) },
  { name: 'prompt CodeLens', register: ({ budgets, settings }) => registerPromptCodeLens(budgets, settings) },
  { name: 'prompt hover', register: ({ budgets, settings }) => registerPromptHover(budgets, settings) },
  { name: 'API key commands', register: ({ keys, gateway }) => registerApiKeyCommands(keys, () => gateway.providers()) },
  { name: 'log', register: ({ gateway }) => registerShowLog(gateway.log) },
  {
    name: 'chat',
    tested: 'chat',
    register: ({ context, settings, gateway, keys, spendGuard, ollama }) =>
      registerChat({ context, settings, gateway, keys, spendGuard, ollama }),
  },
  {
    name: 'spend status bar and cost report',
    register: ({ context, settings, spendTracker, gateway }) =>
      registerSpend({ context, settings, tracker: spendTracker, log: gateway.log }),
  },
  {
    name: 'evals in the editor',
    tested: 'evalTests',
    register: ({ context, settings, gateway, spendGuard, spendTracker }) =>
      registerEvalTests({ context, settings, gateway, guard: spendGuard, tracker: spendTracker }),
  },
  {
    name: 'language models, agent tools and MCP server',
    tested: 'languageModels',
    register: ({ context, settings, gateway, ollama }) => registerLanguageModels({ context, settings, gateway, ollama }),
  },
  {
    name: 'OpenTelemetry export and receiver',
    register: ({ context, settings, gateway }) => registerTelemetry(context, settings, gateway),
  },
];

/** What `src/boot.ts` measured before calling `activate`: loading this bundle (src/core/runtime/codeCache.ts has the parts). */
export interface BootTiming {
  moduleLoadMs: number;
  /** The process's CPU time during that load. */
  moduleLoadCpuMs?: number;
  /** How long this thread waited for a core during that load (Linux; src/core/runtime/threadClock.ts). */
  moduleLoadWaitMs?: number;
  /** Filled in by boot after `activate` returns, when it wrote V8's code cache (the first activation of a version). */
  codeCacheWriteMs?: number;
}

/**
 * `boot`: what dist/boot.js measured; `loadBundle`: boot's loader for the files required on first use (through V8's
 * code cache), set here because this bundle has its own copy of core/runtime/bundleLoader.ts.
 */
export function activate(context: vscode.ExtensionContext, boot?: BootTiming, loadBundle?: BundleLoader): void {
  setBundleLoader(loadBundle);
  // Where activate()'s time goes, per shared service and per feature: the activation bench prints it.
  const timer = new ActivationTimer();
  const services = createSharedServices(context, timer.lap);
  const tested: Record<string, unknown> = {};
  for (const feature of FEATURES) {
    try {
      const registration = feature.register(services);
      context.subscriptions.push(registration);
      if (feature.tested) tested[feature.tested] = registration;
      timer.lap(feature.name);
    } catch (error) {
      // One broken feature must not take the others down with it.
      void vscode.window.showErrorMessage(
        `LLM Workbench: the ${feature.name} failed to start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  // `boot` by reference: boot adds the code cache's write time after this returns, before anyone reads it.
  const activation = {
    ...timer.elapsed(),
    moduleLoadMs: boot?.moduleLoadMs,
    boot,
    phases: timer.phases,
    workerStarted: services.tokenWorker.running,
  };
  if (testHooksEnabled()) context.subscriptions.push(...registerTestHooks(services, tested as TestedFeatures, () => activation));
}

export function deactivate(): void {
  setBundleLoader(undefined);
}
