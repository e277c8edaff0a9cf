import * as vscode from 'vscode';
import { caseItemId, providerItemId, selectionFor, selects, type EvalItemRef } from '../../core/evals/editor/evalTestIds';
import type { EvalFile } from '../../core/evals/evalModel';
import type { ModelRef } from '../../core/models/modelRef';
import type { CaseResult } from './evalEngine';
import type { EvalTestController } from './evalTestController';

export interface FilePlan {
  uri: vscode.Uri;
  include: EvalItemRef[];
  exclude: EvalItemRef[];
}

/** Results of one item (a case, or a case on one provider) collected until all its prompts x providers reported. */
export interface Pending {
  item: vscode.TestItem;
  expected: number;
  results: CaseResult[];
  started: boolean;
}

/** One file of a run, its items enqueued: what to run and where each result goes. */
export interface PreparedFile {
  uri: vscode.Uri;
  file: EvalFile;
  shouldRun(caseIndex: number, provider?: ModelRef): boolean;
  /** By test item id: the case items, and the per-provider items when the file names several providers. */
  pending: Map<string, Pending>;
  /** The items a result of this case (on this provider) counts for. */
  targets(caseIndex: number, provider?: ModelRef): Pending[];
}

/** Requested items grouped by file; nothing requested = every discovered file. */
export function planFiles(request: vscode.TestRunRequest, tests: EvalTestController): FilePlan[] {
  const plans = new Map<string, FilePlan>();
  const planFor = (uri: vscode.Uri) => {
    let plan = plans.get(uri.toString());
    if (!plan) plans.set(uri.toString(), (plan = { uri, include: [], exclude: [] }));
    return plan;
  };
  for (const item of request.include ?? tests.fileItems()) {
    const data = tests.dataOf(item);
    if (data) planFor(data.fileUri).include.push(data.ref);
  }
  for (const item of request.exclude ?? []) {
    const data = tests.dataOf(item);
    if (data && plans.has(data.fileUri.toString())) planFor(data.fileUri).exclude.push(data.ref);
  }
  return [...plans.values()];
}

/** Enqueues the file's selected items; returns how to route results to them (undefined: the file cannot run). */
export function prepareFile(tests: EvalTestController, run: vscode.TestRun, plan: FilePlan): PreparedFile | undefined {
  const file = tests.fileFor(plan.uri);
  const fileItem = tests.itemFor(plan.uri);
  if (!fileItem) return undefined;
  if (file.fatal) {
    run.errored(
      fileItem,
      new vscode.TestMessage(
        `${vscode.workspace.asRelativePath(plan.uri)} cannot run: ${file.diagnostics.find((d) => d.severity === 'error')?.message ?? 'see Problems'}`,
      ),
    );
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
    const chosen =
      providers.length === 0 ? (shouldRun(test.index) ? [undefined] : []) : providers.filter((ref) => shouldRun(test.index, ref));
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
