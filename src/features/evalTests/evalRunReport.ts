/** How an eval run's results show: Test Explorer verdicts with diffs at the failing line, output, decorations. */
import * as vscode from 'vscode';
import { assertionFailures, skippedCount } from '../../core/evals/editor/caseFailures';
import { cancelledCaseText, caseDecorationKind, caseDecorationText, type CaseOutcomeView } from '../../core/evals/editor/caseVerdictText';
import { caseItemId } from '../../core/evals/editor/evalTestIds';
import { incompleteAnswer } from '../../core/evals/incompleteAnswer';
import type { EvalFile } from '../../core/evals/evalModel';
import type { CaseDecoration, EvalDecorations } from './evalDecorations';
import type { CaseResult } from './evalEngine';
import type { Pending } from './evalRunPlan';
import { toRange } from './vscodeRange';

export function reportItem(run: vscode.TestRun, file: EvalFile, pending: Pending): void {
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
    const prefix = [r.provider, r.promptLabel && file.prompts.length > 1 ? `prompt ${r.promptLabel}` : undefined]
      .filter(Boolean)
      .join(' · ');
    for (const f of failures.length
      ? failures
      : [{ title: 'The case did not reach its threshold', reason: '', location: caseLocation(file, r.caseIndex) }]) {
      const title = prefix ? `${prefix}: ${f.title}` : f.title;
      const message =
        'expected' in f && f.expected !== undefined && f.actual !== undefined
          ? vscode.TestMessage.diff(title, f.expected, f.actual)
          : new vscode.TestMessage(`${title}\n\nOutput:\n${r.output}`);
      const incomplete = incompleteAnswer(r.stopReason);
      if (incomplete)
        message.message = `⚠ ${incomplete.long}\n\n${typeof message.message === 'string' ? message.message : message.message.value}`;
      message.location =
        'file' in f.location ? new vscode.Location(vscode.Uri.file(f.location.file), toRange(f.location.range)) : f.location;
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

export function appendOutput(run: vscode.TestRun, file: EvalFile, result: CaseResult): void {
  const test = file.tests.find((t) => t.index === result.caseIndex);
  const head = `${test?.description || `Test ${result.caseIndex + 1}`}${result.provider ? ` · ${result.provider}` : ''}${result.cached ? ' (cached)' : ''}`;
  const incomplete = incompleteAnswer(result.stopReason);
  const body = result.error ? `error: ${result.error.message}` : `${result.output}${incomplete ? `\n⚠ ${incomplete.long}` : ''}`;
  // No location: with one, VS Code prints the output inline in the editor, over the case's own decoration.
  run.appendOutput(`── ${head}\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`, undefined, undefined);
}

/**
 * One after-line decoration per case of the run, from its case-level results. After a cancel, a case that did not
 * finish says so in the skipped colour (its results so far after it), never a verdict it did not reach.
 */
export function decorateCases(decorations: EvalDecorations, file: EvalFile, pending: Map<string, Pending>, cancelled = false): void {
  const byUri = new Map<string, { uri: vscode.Uri; items: CaseDecoration[] }>();
  const add = (test: EvalFile['tests'][number], item: CaseDecoration) => {
    const uri = vscode.Uri.file(test.location.file);
    let entry = byUri.get(uri.toString());
    if (!entry) byUri.set(uri.toString(), (entry = { uri, items: [] }));
    entry.items.push(item);
  };
  for (const test of file.tests) {
    const p = pending.get(caseItemId(test.index));
    if (!p) continue;
    if (cancelled && p.results.length < p.expected) {
      add(test, cancelledDecoration(test.location.range.start.line, p));
      continue;
    }
    if (p.results.length === 0) continue;
    const views: CaseOutcomeView[] = p.results.map((r) => {
      const failure = assertionFailures(r.assertions)[0];
      return {
        provider: r.provider,
        pass: r.verdict === 'pass',
        skippedCase: r.verdict === 'skipped',
        latencyMs: r.latencyMs,
        costUsd: r.costUsd,
        cached: r.cached,
        error: r.error?.message,
        failure,
        skipped: skippedCount(r.assertions),
        incomplete: incompleteAnswer(r.stopReason),
      };
    });
    add(test, {
      line: test.location.range.start.line,
      text: caseDecorationText(views),
      kind: caseDecorationKind(views),
      hover: hoverFor(views),
    });
  }
  for (const { uri, items } of byUri.values()) decorations.set(uri, items);
}

function cancelledDecoration(line: number, p: Pending): CaseDecoration {
  const { text, kind } = cancelledCaseText(
    p.results.map((r) => r.verdict),
    p.expected,
  );
  return { line, text, kind, hover: 'The run was cancelled before this case finished: run it again for a verdict.' };
}

function hoverFor(views: CaseOutcomeView[]): string {
  return views
    .map((v) => {
      const verdict = v.skippedCase
        ? 'skipped: its javascript assertions did not run (workspace not trusted)'
        : v.pass
          ? 'passed'
          : v.error
            ? `error: ${v.error}`
            : `failed: ${v.failure?.reason ?? ''}`;
      const cost = v.costUsd === null ? 'cost unknown' : `$${v.costUsd.toPrecision(2)}`;
      const incomplete = v.incomplete ? ` · ⚠ ${v.incomplete.long}` : '';
      return `**${v.provider ?? 'routed model'}** ${verdict} · ${Math.round(v.latencyMs)} ms · ${cost}${v.cached ? ' · cached (original latency and cost)' : ''}${incomplete}`;
    })
    .join('\n\n');
}
