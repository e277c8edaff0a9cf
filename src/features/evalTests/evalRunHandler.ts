import * as vscode from 'vscode';
import { caseDecorationText, type CaseOutcomeView } from '../../core/evals/editor/caseVerdictText';
import { assertionFailures, skippedCount } from '../../core/evals/editor/caseFailures';
import { caseItemId, providerItemId, selectionFor, selects, type EvalItemRef } from '../../core/evals/editor/evalTestIds';
import { estimateEvalRun } from '../../core/evals/editor/runEstimate';
import type { EvalFile } from '../../core/evals/evalModel';
import type { ModelRef } from '../../core/gateway/callRecord';
import type { WorkbenchSettings } from '../configuration';
import type { SpendGuard } from '../costReport/spendGuard';
import type { SpendTracker } from '../costReport/spendTracker';
import type { GatewayService } from '../gatewayService';
import type { EvalDecorations } from './evalDecorations';
import { runEvalFile, type CaseResult } from './evalEngine';
import { isEvalFilePath } from './evalFileGlobs';
import type { EvalTestController } from './evalTestController';
import { itemData, toRange } from './evalTestTree';

export interface EvalRunDeps {
  tests: EvalTestController;
  decorations: EvalDecorations;
  gateway: GatewayService;
  settings: WorkbenchSettings;
  guard: SpendGuard;
  tracker: SpendTracker;
}

interface FilePlan {
  uri: vscode.Uri;
  include: EvalItemRef[];
  exclude: EvalItemRef[];
}

/** Results of one item (a case, or a case on one provider) collected until all its prompts x providers reported. */
interface Pending {
  item: vscode.TestItem;
  expected: number;
  results: CaseResult[];
  started: boolean;
}

/**
 * Runs eval cases for a TestRunRequest: groups the requested items by file, asks before crossing the daily budget,
 * streams results into the Test Explorer (pass/fail with durations; failures as expected/actual diffs at the
 * failing assertion's line), decorates each case's line, and aborts the HTTP calls on cancel.
 * Continuous runs re-run a file's requested items each time it is saved.
 */
export function createEvalRunHandler(deps: EvalRunDeps) {
  const handler = async (request: vscode.TestRunRequest, token: vscode.CancellationToken, useCache = true): Promise<void> => {
    if (request.continuous) return runContinuously(request, token, useCache);
    await runOnce(request, token, useCache);
  };

  async function runContinuously(request: vscode.TestRunRequest, token: vscode.CancellationToken, useCache: boolean): Promise<void> {
    const watched = new Set((request.include ?? []).map((item) => itemData.get(item)?.fileUri.toString()).filter(Boolean));
    const saved = vscode.workspace.onDidSaveTextDocument(async (doc) => {
      if (!isEvalFilePath(doc.uri.fsPath) || (watched.size > 0 && !watched.has(doc.uri.toString()))) return;
      deps.tests.parse(doc.uri);
      const file = deps.tests.itemFor(doc.uri);
      if (!file) return;
      const include = request.include?.filter((item) => itemData.get(item)?.fileUri.toString() === doc.uri.toString());
      await runOnce(new vscode.TestRunRequest(include?.length ? include : [file], request.exclude, request.profile), token, useCache);
    });
    await new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
    saved.dispose();
  }

  async function runOnce(request: vscode.TestRunRequest, token: vscode.CancellationToken, useCache: boolean): Promise<void> {
    await deps.tests.discoverAll();
    const plans = planFiles(request, deps.tests.fileItems());
    const run = deps.tests.controller.createTestRun(request, undefined, true);
    const abort = new AbortController();
    const cancel = vscode.Disposable.from(
      token.onCancellationRequested(() => abort.abort()),
      run.token.onCancellationRequested(() => abort.abort()),
    );
    try {
      const prepared = plans.map((plan) => prepare(run, plan)).filter((p) => p !== undefined);
      const config = deps.gateway.config;
      const lookup = (ref: ModelRef) => deps.settings.catalog.lookup(ref);
      const estimate = prepared.reduce(
        (sum, p) => {
          const e = estimateEvalRun(p.file, p.shouldRun, lookup, { routedModel: config.routes[p.file.task]?.primary });
          return { usd: e.usd === null ? sum.usd : (sum.usd ?? 0) + e.usd, calls: sum.calls + e.calls };
        },
        { usd: null as number | null, calls: 0 },
      );
      if (estimate.calls > 0 && !(await deps.guard.confirm(estimate.usd, `this eval run makes ${estimate.calls} calls`))) {
        for (const p of prepared) for (const pending of p.pending.values()) run.skipped(pending.item);
        return;
      }
      const gateway = deps.gateway.tryGateway();
      if ('error' in gateway) {
        for (const p of prepared) for (const pending of p.pending.values()) run.errored(pending.item, new vscode.TestMessage(gateway.error));
        return;
      }
      let done = 0;
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'LLM Workbench evals', cancellable: false },
        async (progress) => {
          for (const p of prepared) {
            if (abort.signal.aborted) break;
            const total = [...p.pending.values()].reduce((n, x) => n + x.expected, 0);
            await runEvalFile(p.file, {
              gateway: gateway.gateway,
              shouldRun: p.shouldRun,
              useCache,
              signal: abort.signal,
              allowCode: vscode.workspace.isTrusted,
              onNote: (text) => run.appendOutput(`${text}\r\n`),
              workspaceRoot: vscode.workspace.getWorkspaceFolder(p.uri)?.uri.fsPath,
              displayPath: (path) => vscode.workspace.asRelativePath(path),
              onRecord: (record) => deps.gateway.record(record),
              onStart: (caseIndex, provider) => {
                for (const pending of p.targets(caseIndex, provider)) {
                  if (!pending.started) run.started(pending.item), (pending.started = true);
                }
              },
              onResult: (result) => {
                done += 1;
                progress.report({ message: `${done} done · ${vscode.workspace.asRelativePath(p.uri)}`, increment: total ? 100 / total : undefined });
                appendOutput(run, p.file, result);
                for (const pending of p.targets(result.caseIndex, result.provider)) {
                  pending.results.push(result);
                  if (pending.results.length >= pending.expected) report(run, p.file, pending);
                }
              },
            }).catch((error: unknown) => {
              for (const pending of p.pending.values()) {
                if (pending.results.length < pending.expected) run.errored(pending.item, new vscode.TestMessage(`The eval run failed: ${(error as Error).message}`));
              }
            });
            // Cancelled mid-file: what did not finish is skipped, not failed.
            for (const pending of p.pending.values()) if (pending.results.length < pending.expected && abort.signal.aborted) run.skipped(pending.item);
            decorate(p.file, p.pending);
          }
        },
      );
    } finally {
      cancel.dispose();
      run.end();
      void deps.tracker.refresh();
    }
  }

  /** Enqueues the file's selected items; returns how to route results to them. */
  function prepare(run: vscode.TestRun, plan: FilePlan) {
    const file = deps.tests.fileFor(plan.uri);
    const fileItem = deps.tests.itemFor(plan.uri);
    if (!fileItem) return undefined;
    if (file.fatal) {
      run.errored(fileItem, new vscode.TestMessage(`${vscode.workspace.asRelativePath(plan.uri)} cannot run: ${file.diagnostics.find((d) => d.severity === 'error')?.message ?? 'see Problems'}`));
      return undefined;
    }
    const providers = file.providers.map((p) => p.ref);
    const selection = selectionFor(plan.include, plan.exclude, providers);
    const shouldRun = (caseIndex: number, provider?: ModelRef) => selects(selection, caseIndex, provider);
    const prompts = Math.max(1, file.prompts.length);
    const pending = new Map<string, Pending>();
    for (const test of file.tests) {
      const caseItem = fileItem.children.get(caseItemId(test.index));
      if (!caseItem) continue;
      const chosen = providers.length === 0 ? (shouldRun(test.index) ? [undefined] : []) : providers.filter((ref) => shouldRun(test.index, ref));
      if (chosen.length === 0) continue;
      pending.set(caseItem.id, { item: caseItem, expected: prompts * chosen.length, results: [], started: false });
      run.enqueued(caseItem);
      if (providers.length > 1) {
        for (const ref of chosen) {
          const child = caseItem.children.get(providerItemId(test.index, ref!));
          if (!child) continue;
          pending.set(child.id, { item: child, expected: prompts, results: [], started: false });
          run.enqueued(child);
        }
      }
    }
    const targets = (caseIndex: number, provider?: ModelRef): Pending[] => {
      const out: Pending[] = [];
      const c = pending.get(caseItemId(caseIndex));
      if (c) out.push(c);
      if (provider && providers.length > 1) {
        const p = pending.get(providerItemId(caseIndex, provider));
        if (p) out.push(p);
      }
      return out;
    };
    return { uri: plan.uri, file, shouldRun, pending, targets };
  }

  function report(run: vscode.TestRun, file: EvalFile, pending: Pending): void {
    const { item, results } = pending;
    const duration = results.reduce((s, r) => s + r.latencyMs, 0) / results.length;
    const errors = results.filter((r) => r.error);
    if (errors.length > 0) {
      const messages = errors.map((r) => {
        const message = new vscode.TestMessage(`${r.provider ?? 'routed model'}: ${r.error!.message}`);
        message.location = caseLocation(file, r.caseIndex);
        return message;
      });
      run.errored(item, messages, duration);
      return;
    }
    if (results.every((r) => r.verdict === 'skipped')) {
      run.skipped(item);
      return;
    }
    const failed = results.filter((r) => r.verdict === 'fail');
    if (failed.length === 0) {
      run.passed(item, duration);
      return;
    }
    const messages: vscode.TestMessage[] = [];
    for (const r of failed) {
      const failures = assertionFailures(r.assertions);
      const prefix = [r.provider, r.promptLabel && file.prompts.length > 1 ? `prompt ${r.promptLabel}` : undefined].filter(Boolean).join(' · ');
      for (const f of failures.length ? failures : [{ title: 'The case did not reach its threshold', reason: '', location: caseLocation(file, r.caseIndex) }]) {
        const title = prefix ? `${prefix}: ${f.title}` : f.title;
        const message =
          'expected' in f && f.expected !== undefined && f.actual !== undefined
            ? vscode.TestMessage.diff(title, f.expected, f.actual)
            : new vscode.TestMessage(`${title}\n\nOutput:\n${r.output}`);
        message.location = 'file' in f.location ? new vscode.Location(vscode.Uri.file(f.location.file), toRange(f.location.range)) : f.location;
        messages.push(message);
      }
    }
    run.failed(item, messages, duration);
  }

  function caseLocation(file: EvalFile, caseIndex: number): vscode.Location {
    const test = file.tests.find((t) => t.index === caseIndex);
    const where = test?.location ?? { file: file.path, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } };
    return new vscode.Location(vscode.Uri.file(where.file), toRange(where.range));
  }

  function appendOutput(run: vscode.TestRun, file: EvalFile, result: CaseResult): void {
    const test = file.tests.find((t) => t.index === result.caseIndex);
    const head = `${test?.description || `Test ${result.caseIndex + 1}`}${result.provider ? ` · ${result.provider}` : ''}${result.cached ? ' (cached)' : ''}`;
    const body = result.error ? `error: ${result.error.message}` : result.output;
    // No location: with one, VS Code prints the output inline in the editor, over the case's own decoration.
    run.appendOutput(`── ${head}\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`, undefined, undefined);
  }

  /** One after-line decoration per case that ran, from its case-level results. */
  function decorate(file: EvalFile, pending: Map<string, Pending>): void {
    const byUri = new Map<string, { uri: vscode.Uri; items: { line: number; text: string; pass: boolean; hover: string }[] }>();
    for (const test of file.tests) {
      const p = pending.get(caseItemId(test.index));
      if (!p || p.results.length === 0) continue;
      const views: CaseOutcomeView[] = p.results.map((r) => {
        const failure = assertionFailures(r.assertions)[0];
        return {
          provider: r.provider,
          pass: r.verdict === 'pass' || r.verdict === 'skipped',
          latencyMs: r.latencyMs,
          costUsd: r.costUsd,
          cached: r.cached,
          error: r.error?.message,
          failure,
          skipped: skippedCount(r.assertions),
        };
      });
      const text = caseDecorationText(views);
      const uri = vscode.Uri.file(test.location.file);
      let entry = byUri.get(uri.toString());
      if (!entry) byUri.set(uri.toString(), (entry = { uri, items: [] }));
      entry.items.push({ line: test.location.range.start.line, text, pass: views.every((v) => v.pass), hover: hoverFor(views) });
    }
    for (const { uri, items } of byUri.values()) deps.decorations.set(uri, items);
  }

  return handler;
}

function hoverFor(views: CaseOutcomeView[]): string {
  return views
    .map((v) => {
      const verdict = v.pass ? 'passed' : v.error ? `error: ${v.error}` : `failed: ${v.failure?.reason ?? ''}`;
      const cost = v.costUsd === null ? 'cost unknown' : `$${v.costUsd.toPrecision(2)}`;
      return `**${v.provider ?? 'routed model'}** ${verdict} · ${Math.round(v.latencyMs)} ms · ${cost}${v.cached ? ' · cached (original latency and cost)' : ''}`;
    })
    .join('\n\n');
}

/** Requested items grouped by file; nothing requested = every discovered file. */
function planFiles(request: vscode.TestRunRequest, allFiles: vscode.TestItem[]): FilePlan[] {
  const plans = new Map<string, FilePlan>();
  const planFor = (uri: vscode.Uri) => {
    let plan = plans.get(uri.toString());
    if (!plan) plans.set(uri.toString(), (plan = { uri, include: [], exclude: [] }));
    return plan;
  };
  for (const item of request.include ?? allFiles) {
    const data = itemData.get(item);
    if (data) planFor(data.fileUri).include.push(data.ref);
  }
  for (const item of request.exclude ?? []) {
    const data = itemData.get(item);
    if (data && plans.has(data.fileUri.toString())) planFor(data.fileUri).exclude.push(data.ref);
  }
  return [...plans.values()];
}
