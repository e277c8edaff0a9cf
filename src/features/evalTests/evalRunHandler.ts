import * as vscode from 'vscode';
import { estimateEvalRun } from '../../core/evals/editor/runEstimate';
import type { ModelRef } from '../../core/models/modelRef';
import type { GatewayService } from '../services/gatewayService';
import type { WorkbenchSettings } from '../services/settings';
import type { SpendGuard } from '../services/spendGuard';
import type { SpendTracker } from '../services/spendTracker';
import type { EvalDecorations } from './evalDecorations';
import { warnEvalCacheOnce } from './cacheWarning';
import { evalEngine } from './lazyEvalEngine';
import { isEvalFilePath } from '../../core/evals/evalFilePatterns';
import { appendOutput, decorateCases, reportItem } from './evalRunReport';
import { planFiles, prepareFile, type PreparedFile } from './evalRunPlan';
import type { EvalTestController } from './evalTestController';
import { caseItemId } from '../../core/evals/editor/evalTestIds';
import type { ChatGateway } from '../../core/gateway/gatewayApi';
import type { EvalFile } from '../../core/evals/evalModel';

export interface EvalRunDeps {
  tests: EvalTestController;
  decorations: EvalDecorations;
  gateway: GatewayService;
  settings: WorkbenchSettings;
  guard: SpendGuard;
  tracker: SpendTracker;
  /** Workspace state: remembers the user's yes to a file's key variables or to promptfoo running it. */
  state?: vscode.Memento;
}

export type EvalRunHandler = (request: vscode.TestRunRequest, token: vscode.CancellationToken, useCache?: boolean) => Promise<void>;

/**
 * Runs eval cases for a TestRunRequest: groups the requested items by file, asks before crossing the daily budget,
 * streams results into the Test Explorer (pass/fail with durations; failures as expected/actual diffs at the
 * failing assertion's line), decorates each case's line, and aborts the HTTP calls on cancel.
 * Continuous runs re-run a file's requested items each time it is saved.
 */
export function createEvalRunHandler(deps: EvalRunDeps): EvalRunHandler {
  return async (request, token, useCache = true) => {
    if (request.continuous) return runContinuously(deps, request, token, useCache);
    await runOnce(deps, request, token, useCache);
  };
}

async function runContinuously(
  deps: EvalRunDeps,
  request: vscode.TestRunRequest,
  token: vscode.CancellationToken,
  useCache: boolean,
): Promise<void> {
  const watched = new Set((request.include ?? []).map((item) => deps.tests.dataOf(item)?.fileUri.toString()).filter(Boolean));
  const saved = vscode.workspace.onDidSaveTextDocument(async (doc) => {
    if (!isEvalFilePath(doc.uri.fsPath) || (watched.size > 0 && !watched.has(doc.uri.toString()))) return;
    deps.tests.parse(doc.uri);
    const file = deps.tests.itemFor(doc.uri);
    if (!file) return;
    const include = request.include?.filter((item) => deps.tests.dataOf(item)?.fileUri.toString() === doc.uri.toString());
    await runOnce(deps, new vscode.TestRunRequest(include?.length ? include : [file], request.exclude, request.profile), token, useCache);
  });
  await new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
  saved.dispose();
}

async function runOnce(
  deps: EvalRunDeps,
  request: vscode.TestRunRequest,
  token: vscode.CancellationToken,
  useCache: boolean,
): Promise<void> {
  await deps.tests.discoverAll();
  const plans = planFiles(request, deps.tests);
  const run = deps.tests.controller.createTestRun(request, undefined, true);
  const abort = new AbortController();
  const cancel = vscode.Disposable.from(
    token.onCancellationRequested(() => abort.abort()),
    run.token.onCancellationRequested(() => abort.abort()),
  );
  try {
    const prepared = plans.map((plan) => prepareFile(deps.tests, run, plan)).filter((p) => p !== undefined);
    if (!(await confirmSpend(deps, prepared))) {
      for (const p of prepared) for (const pending of p.pending.values()) run.skipped(pending.item);
      return;
    }
    const gateway = deps.gateway.tryGateway();
    if ('error' in gateway) {
      for (const p of prepared) for (const pending of p.pending.values()) run.errored(pending.item, new vscode.TestMessage(gateway.error));
      return;
    }
    const progress = { done: 0 };
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'LLM Workbench evals', cancellable: false },
      async (reporter) => {
        for (const p of prepared) {
          if (abort.signal.aborted) {
            // Cancelled before this file started: its cases are skipped, and say so where their last verdicts were.
            for (const pending of p.pending.values()) run.skipped(pending.item);
            deps.decorations.remove(p.uri, caseLines(p));
            decorateCases(deps.decorations, p.file, p.pending, true);
            continue;
          }
          await runFile(deps, { run, file: p, gateway: gateway.gateway, useCache, signal: abort.signal, progress, reporter });
        }
      },
    );
  } finally {
    cancel.dispose();
    run.end();
    void deps.tracker.refresh();
  }
}

/** Asks before a run whose estimate would take today past the daily budget; true = go ahead. */
async function confirmSpend(deps: EvalRunDeps, prepared: PreparedFile[]): Promise<boolean> {
  const config = deps.gateway.config;
  const lookup = (ref: ModelRef) => deps.settings.catalog.lookup(ref);
  const estimate = prepared.reduce(
    (sum, p) => {
      const e = estimateEvalRun(p.file, p.shouldRun, lookup, { routedModel: config.routes[p.file.task]?.primary });
      return { usd: e.usd === null ? sum.usd : (sum.usd ?? 0) + e.usd, calls: sum.calls + e.calls };
    },
    { usd: null as number | null, calls: 0 },
  );
  return estimate.calls === 0 || deps.guard.confirm(estimate.usd, `this eval run makes ${estimate.calls} calls`);
}

interface FileRun {
  run: vscode.TestRun;
  file: PreparedFile;
  gateway: ChatGateway;
  useCache: boolean;
  signal: AbortSignal;
  /** Results so far over the whole run, for the progress message. */
  progress: { done: number };
  reporter: vscode.Progress<{ message?: string; increment?: number }>;
}

/** One file's cases through the engine, each result reported to its items as it arrives; then its decorations. */
async function runFile(deps: EvalRunDeps, { run, file: p, gateway, useCache, signal, progress, reporter }: FileRun): Promise<void> {
  const total = [...p.pending.values()].reduce((n, x) => n + x.expected, 0);
  // The cases about to run lose their last run's verdicts: a run cancelled before reaching one must not leave it green.
  deps.decorations.remove(p.uri, caseLines(p));
  await evalEngine()
    .runEvalFile(p.file, {
      gateway,
      // The key rule (issue 12): the file's providers get the user's keys only at the user's endpoints.
      config: deps.gateway.config,
      gatewayFor: (c, keys) => deps.gateway.gatewayFor(c, keys),
      allowFileEndpoints: await allowFileEndpoints(deps, p.file),
      telemetry: deps.gateway.evalTelemetry(),
      shouldRun: p.shouldRun,
      useCache,
      signal,
      allowCode: vscode.workspace.isTrusted,
      onCacheWarning: warnEvalCacheOnce,
      onNote: (text) => run.appendOutput(`${text}\r\n`),
      workspaceRoot: vscode.workspace.getWorkspaceFolder(p.uri)?.uri.fsPath,
      displayPath: (path) => vscode.workspace.asRelativePath(path),
      onRecord: (record) => deps.gateway.record(record),
      onStart: (caseIndex, provider) => {
        for (const pending of p.targets(caseIndex, provider)) {
          if (pending.started) continue;
          run.started(pending.item);
          pending.started = true;
        }
      },
      onResult: (result) => {
        progress.done += 1;
        reporter.report({
          message: `${progress.done} done · ${vscode.workspace.asRelativePath(p.uri)}`,
          increment: total ? 100 / total : undefined,
        });
        appendOutput(run, p.file, result);
        for (const pending of p.targets(result.caseIndex, result.provider)) {
          pending.results.push(result);
          if (pending.results.length >= pending.expected) reportItem(run, p.file, pending);
        }
      },
    })
    .catch((error: unknown) => {
      for (const pending of p.pending.values()) {
        if (pending.results.length < pending.expected)
          run.errored(pending.item, new vscode.TestMessage(`The eval run failed: ${(error as Error).message}`));
      }
    });
  // Cancelled mid-file: what did not finish is skipped, not failed.
  for (const pending of p.pending.values()) if (pending.results.length < pending.expected && signal.aborted) run.skipped(pending.item);
  decorateCases(deps.decorations, p.file, p.pending, signal.aborted);
}

/** The first lines of the cases this run includes (where their decorations sit). */
function caseLines(p: PreparedFile): number[] {
  return p.file.tests.filter((test) => p.pending.has(caseItemId(test.index))).map((test) => test.location.range.start.line);
}

/**
 * A file that names key variables for its own endpoints (`apiKeyEnvar`) or calls its own endpoint with the user's key
 * (`apiBaseUrl` without `apiKey`), or that only the workspace's promptfoo can
 * run (promptfoo runs it with the whole environment and its code), may do so only in a trusted workspace, after the
 * user said yes once for that file (remembered in the workspace state).
 */
async function allowFileEndpoints(deps: EvalRunDeps, file: EvalFile): Promise<boolean> {
  // apiKeyEnvar, or an endpoint of the file's with no key of its own (promptfoo would send the provider's usual key).
  const named = file.providers.filter((p) => p.key?.kind === 'file-env' || (p.baseUrlFromFile && !p.key));
  const delegated = Boolean(file.needsPromptfoo);
  if ((named.length === 0 && !delegated) || !vscode.workspace.isTrusted) return false;
  const targets = named.map((p) => `${p.key?.kind === 'file-env' ? p.key.variable : `your ${p.label} key`} → ${p.apiBaseUrl ?? p.label}`);
  const memo = `llmWorkbench.evals.fileEndpoints:${file.path}:${targets.join(',')}${delegated ? ':promptfoo' : ''}`;
  if (deps.state?.get<boolean>(memo)) return true;
  const asks = [
    ...(targets.length > 0 ? [`to send environment variables to endpoints it chose (${targets.join(', ')})`] : []),
    ...(delegated ? ["to be run by the workspace's promptfoo, with your environment variables (keys) and the file's code"] : []),
  ];
  const choice = await vscode.window.showWarningMessage(
    `${vscode.workspace.asRelativePath(file.path)} asks ${asks.join(' and ')}. Allow it for this file?`,
    { modal: true },
    'Allow',
  );
  if (choice !== 'Allow') return false;
  await deps.state?.update(memo, true);
  return true;
}
