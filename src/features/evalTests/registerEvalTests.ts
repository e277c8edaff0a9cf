import * as vscode from 'vscode';
import { estimateEvalRun } from '../../core/evals/editor/runEstimate';
import { compareCandidates } from '../../core/evals/editor/compareCandidates';
import { caseItemId, providerItemId } from '../../core/evals/editor/evalTestIds';
import type { ModelRef } from '../../core/models/modelRef';
import type { WorkbenchSettings } from '../services/settings';
import type { SpendGuard } from '../services/spendGuard';
import type { SpendTracker } from '../services/spendTracker';
import type { GatewayService } from '../services/gatewayService';
import { COMMANDS } from '../commandIds';
import { EvalCodeLens } from './evalCodeLens';
import { EvalDecorations } from './evalDecorations';
import { EVAL_FILE_GLOB, EVAL_FILE_NAMES_TEXT, isEvalFilePath } from '../../core/evals/evalFilePatterns';
import type { EvalRunHandler } from './evalRunHandler';
import { EvalTestController } from './evalTestController';
import type { ComparePanel } from './comparePanel';
import type * as EvalRuns from './evalRuns';
import { lazyBundle } from '../lazyBundle';
import { join } from 'node:path';

/** The run, report and comparison code (dist/evalRuns.js), loaded on the first run or comparison. */
const evalRuns = lazyBundle<typeof EvalRuns>('evalRuns', join(__dirname, 'evalRuns'));

export interface EvalTestsDeps {
  context: vscode.ExtensionContext;
  settings: WorkbenchSettings;
  gateway: GatewayService;
  guard: SpendGuard;
  tracker: SpendTracker;
}

/** The registered evals: disposing it removes everything; the controller and decorations are what it holds. */
export interface EvalTestsFeature extends vscode.Disposable {
  readonly tests: EvalTestController;
  readonly decorations: EvalDecorations;
  /** The open model comparison, if any (none before the first comparison loaded the run code). */
  comparison(): ComparePanel | undefined;
}

/** Evals in the editor: Test Explorer items, runs (explorer, gutter, CodeLens, palette), decorations, comparison. */
// eslint-disable-next-line max-lines-per-function -- one registration: each command is a few lines over shared helpers
export function registerEvalTests(deps: EvalTestsDeps): EvalTestsFeature {
  const decorations = new EvalDecorations();
  // The handler needs the controller and the controller the handler: the controller calls it only on a run.
  const tests = new EvalTestController(
    (request, token, useCache) => handler(request, token, useCache),
    () => deps.gateway.config.providers.map((p) => p.id),
    // For the key rule's problems (a file endpoint without its own key, apiKeyEnvar) at their lines, as the CLI prints them.
    () => deps.gateway.config,
  );
  // Built on the first run, with the run code.
  let runHandler: EvalRunHandler | undefined;
  const handler: EvalRunHandler = (request, token, useCache) => {
    runHandler ??= evalRuns().createEvalRunHandler({
      tests,
      decorations,
      gateway: deps.gateway,
      settings: deps.settings,
      guard: deps.guard,
      tracker: deps.tracker,
      state: deps.context.workspaceState,
    });
    return runHandler(request, token, useCache);
  };
  let runsLoaded = false;
  const comparison = () => (runsLoaded ? evalRuns().ComparePanel.current : undefined);

  /** Runs items through the Test Explorer (so results show there and in the gutter); resolves when done. */
  const runItems = async (items: vscode.TestItem[]) => {
    if (items.length === 0) return;
    const cancel = new vscode.CancellationTokenSource();
    try {
      await handler(new vscode.TestRunRequest(items, undefined, tests.runProfile), cancel.token, true);
    } finally {
      cancel.dispose();
    }
  };

  const evalUri = (arg?: unknown): vscode.Uri | undefined => {
    const uri =
      arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.parse(arg) : vscode.window.activeTextEditor?.document.uri;
    if (uri && isEvalFilePath(uri.fsPath)) return uri;
    void vscode.window.showWarningMessage(`Open an eval file (${EVAL_FILE_NAMES_TEXT}) first.`);
    return undefined;
  };

  let comparing = false;
  const compare = async (arg?: unknown, modelsArg?: unknown): Promise<ComparePanel | undefined> => {
    const uri = evalUri(arg);
    if (!uri) return undefined;
    const file = tests.parse(uri);
    if (file.fatal) {
      void vscode.window.showErrorMessage(
        `${vscode.workspace.asRelativePath(uri)} has errors (see Problems); fix them before comparing models.`,
      );
      return undefined;
    }
    if (comparing) {
      void vscode.window.showInformationMessage('A model comparison is already running.');
      return comparison();
    }
    const config = deps.gateway.config;
    const catalog = deps.settings.catalog;
    const candidates = compareCandidates({
      fileProviders: file.providers.map((p) => p.ref),
      routedModels: Object.values(config.routes).flatMap((r) => (r ? [r.primary, ...(r.fallbacks ?? [])] : [])),
      catalog: catalog.all(),
      configuredProviderIds: config.providers.map((p) => p.id),
      lookup: (ref) => catalog.lookup(ref),
    });
    // A test (or a script) can pass the models to skip the pick list: `compareModels(uri, ['a:x', 'b:y'])`.
    let models: ModelRef[] | undefined = Array.isArray(modelsArg) ? modelsArg.map(String) : undefined;
    if (!models) {
      const picked = await vscode.window.showQuickPick(
        candidates.map((c) => ({ label: c.label, description: c.origin, detail: c.detail, picked: c.picked, ref: c.ref })),
        { canPickMany: true, title: `Compare models on ${vscode.workspace.asRelativePath(uri)}`, placeHolder: 'Pick two or more models' },
      );
      models = picked?.map((p) => p.ref);
    }
    if (!models) return undefined;
    if (models.length < 2) {
      void vscode.window.showWarningMessage('Pick at least two models to compare.');
      return undefined;
    }
    const estimate = estimateEvalRun(
      file,
      () => true,
      (ref) => catalog.lookup(ref),
      { providers: models },
    );
    if (!(await deps.guard.confirm(estimate.usd, `comparing ${models.length} models makes ${estimate.calls} calls`))) return undefined;
    const gateway = deps.gateway.tryGateway();
    if ('error' in gateway) {
      void vscode.window.showErrorMessage(gateway.error);
      return undefined;
    }
    comparing = true;
    const { ComparePanel } = evalRuns();
    runsLoaded = true;
    return new ComparePanel(
      deps.context.extensionUri,
      file,
      models,
      gateway.gateway,
      (key, value, target) => deps.settings.update(key, value, target),
      () => {
        comparing = false;
        void deps.tracker.refresh();
      },
      deps.gateway.log,
      deps.settings.current.budget.callsPerDay,
    );
  };

  const registration = vscode.Disposable.from(
    tests,
    decorations,
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: EVAL_FILE_GLOB }, new EvalCodeLens(tests)),
    vscode.commands.registerCommand(COMMANDS.runEvalsInFile, async (arg?: unknown) => {
      const uri = evalUri(arg);
      if (!uri) return;
      tests.parse(uri);
      const item = tests.itemFor(uri);
      if (item) await runItems([item]);
    }),
    vscode.commands.registerCommand(COMMANDS.runAllEvals, async () => {
      await tests.discoverAll();
      const items = tests.fileItems();
      if (items.length === 0) void vscode.window.showInformationMessage(`No eval files in this workspace (${EVAL_FILE_NAMES_TEXT}).`);
      else await runItems(items);
    }),
    vscode.commands.registerCommand(COMMANDS.runEvalCase, async (uriText: string, caseIndex: number, provider?: ModelRef) => {
      const uri = vscode.Uri.parse(uriText);
      tests.fileFor(uri);
      const caseItem = tests.itemFor(uri)?.children.get(caseItemId(caseIndex));
      const item = provider ? (caseItem?.children.get(providerItemId(caseIndex, provider)) ?? caseItem) : caseItem;
      if (item) await runItems([item]);
    }),
    vscode.commands.registerCommand(COMMANDS.compareModels, async (arg?: unknown, modelsArg?: unknown) => {
      const panel = await compare(arg, modelsArg);
      await panel?.finished;
      return panel ? { recommended: panel.view.recommendation.model, view: panel.view } : undefined;
    }),
  );
  return { tests, decorations, comparison, dispose: () => registration.dispose() };
}
