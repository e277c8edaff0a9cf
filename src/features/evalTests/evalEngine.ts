/**
 * The seam between the editor and the eval engine (src/core/evals/): parsing a file, and running one file's picked
 * items with results streamed back as they arrive. Features reach it through `evalEngine()` (lazyEvalEngine.ts), so
 * the engine (YAML parser, JSON-schema validator, assertions) is evaluated on first use, not on activation. A file that uses what
 * llm-workbench does not run natively goes to the workspace's promptfoo instead (as vscode-eslint uses the
 * workspace's eslint), and the run says so.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { delegationPlan } from '../../core/evals/delegate/delegation';
import { findPromptfoo, INSTALL_PROMPTFOO_HINT } from '../../core/evals/delegate/findPromptfoo';
import { runPromptfoo } from '../../core/evals/delegate/runPromptfoo';
import type { EvalFile } from '../../core/evals/evalModel';
export { parseEvalFile, parseEvalText } from '../../core/evals/parseEvalFile';
import type { EvalCaseResult } from '../../core/evals/evalResult';
import { defaultEvalCacheDir, ResponseCache } from '../../core/evals/responseCache';
import { runEval, type CaseStart, type EvalEvent, type EvalRunSummary } from '../../core/evals/runEval';
export { runEval } from '../../core/evals/runEval';
// The checks only the editor makes, beside the parse (which has loaded this module already).
export { editorOnlyDiagnostics } from '../../core/evals/editor/editorOnlyDiagnostics';
import type { ModelRef } from '../../core/models/modelRef';
import type { CallRecord } from '../../core/cost/callRecord';
import type { ChatGateway } from '../../core/gateway/gatewayApi';
import type { WorkbenchConfig } from '../../core/config/workbenchConfig';
import type { KeySource } from '../../core/providers/adapter';
import { withEvalProviders } from '../../core/evals/evalProviders';

export type CaseResult = EvalCaseResult;

export interface RunFileOptions {
  /** The gateway to use as it is (the comparison, which calls the models the user picked); else `config` + `gatewayFor`. */
  gateway?: ChatGateway;
  /** The user's configuration (providers from user settings only). */
  config?: WorkbenchConfig;
  /** Builds a gateway over the file's providers (vendors, file endpoints) with the user's keys mapped to them. */
  gatewayFor?: (config: WorkbenchConfig, keys: (base: KeySource) => KeySource) => ChatGateway;
  /** The user allowed this file to name key variables (trusted workspace + confirmation). */
  allowFileEndpoints?: boolean;
  /** Which cases/providers to run. */
  shouldRun(caseIndex: number, provider?: ModelRef): boolean;
  signal: AbortSignal;
  /** javascript assertions run only in trusted workspaces. */
  allowCode: boolean;
  /** Read and fill the response cache (`$LLM_WORKBENCH_HOME/cache/evals`, shared with the CLI). */
  useCache: boolean;
  /** Replaces the file's providers (model comparison). */
  providers?: ModelRef[];
  /** Volume for the model-selection record's monthly estimate when the file sets none (`llmWorkbench.budget.callsPerDay`). */
  callsPerDay?: number;
  onStart?(caseIndex: number, provider?: ModelRef): void;
  onResult(result: EvalCaseResult): void;
  /** OpenTelemetry spans for the run, when export is on. */
  telemetry?: { onEvent(event: EvalEvent): void; aroundCase(start: CaseStart, run: () => Promise<void>): Promise<void> };
  /** The response cache cannot be written (the run goes on uncached): how the user is told. */
  onCacheWarning?(message: string): void;
  /** A line for the run's output: which engine ran the file and why. */
  onNote?(text: string): void;
  /** Calls made outside the gateway (the workspace's promptfoo), for the ledger. */
  onRecord?(record: CallRecord): void;
  /** The workspace folder of the file: the search for node_modules/.bin/promptfoo stops there. */
  workspaceRoot?: string;
  /** How to show a path in notes and the model-selection record (workspace-relative in the editor: never absolute). */
  displayPath?(path: string): string;
}

export async function runEvalFile(file: EvalFile, options: RunFileOptions): Promise<EvalRunSummary> {
  if (file.needsPromptfoo && !options.providers && delegationPlan(file).needed) {
    const install = findPromptfoo(dirname(file.path), process.env, options.workspaceRoot);
    // promptfoo runs the file's code with the whole environment (no key rule): a trusted workspace and the user's yes.
    if (install && options.allowCode && options.allowFileEndpoints) return runDelegated(file, install, options);
    const why = !install
      ? `this file needs promptfoo: ${INSTALL_PROMPTFOO_HINT}`
      : !options.allowCode
        ? 'promptfoo runs code from eval files: trust the workspace to let it run this file'
        : 'promptfoo runs this file with your environment variables (keys): allow it when asked to let it run this file';
    options.onNote?.(`${show(options, file.path)}: engine native — ${why}`);
    reportNeedsPromptfoo(file, options, why);
  }
  // The same key rule as the CLI: a file's endpoint never gets the user's SecretStorage key.
  const allow = options.allowFileEndpoints ?? false;
  const setup = options.config
    ? withEvalProviders(options.config, [file], [], { allowFileEndpoints: allow, env: allow ? process.env : undefined })
    : undefined;
  const gateway = setup && options.gatewayFor ? options.gatewayFor(setup.config, setup.keys) : options.gateway;
  if (!gateway) throw new Error('runEvalFile needs a gateway, or config and gatewayFor');
  return runEval([file], {
    gateway,
    refFor: setup?.refFor,
    select: (_file, caseIndex, provider) => options.shouldRun(caseIndex, provider),
    providers: options.providers,
    cache: options.useCache ? new ResponseCache(defaultEvalCacheDir(), options.onCacheWarning) : undefined,
    signal: options.signal,
    allowCode: options.allowCode,
    callsPerDay: options.callsPerDay,
    displayPath: options.displayPath,
    aroundCase: options.telemetry?.aroundCase,
    onEvent: (event) => {
      options.telemetry?.onEvent(event);
      if (event.type === 'case-start') options.onStart?.(event.caseIndex, event.provider);
      else if (event.type === 'result') options.onResult(event.result);
    },
  });
}

const show = (options: RunFileOptions, path: string) => options.displayPath?.(path) ?? path;

/** The whole file through promptfoo; the picked items get promptfoo's results (it runs every case of the file). */
async function runDelegated(
  file: EvalFile,
  install: NonNullable<ReturnType<typeof findPromptfoo>>,
  options: RunFileOptions,
): Promise<EvalRunSummary> {
  const started = Date.now();
  const features = delegationPlan(file)
    .reasons.map((d) => `line ${d.range.start.line + 1}`)
    .join(', ');
  options.onNote?.(
    `${show(options, file.path)}: engine promptfoo (${install.command}) — the file uses what llm-workbench does not run natively (${features})`,
  );
  for (const test of file.tests) if (options.shouldRun(test.index)) options.onStart?.(test.index);
  const outcome = await runPromptfoo(file, {
    install,
    text: readFileSync(file.path, 'utf8'),
    noCache: !options.useCache,
    signal: options.signal,
    caseIndexFor: (testIndex, range) =>
      file.tests.find((t) => t.location.file === file.path && t.location.range.start.line === range.start.line)?.index ?? testIndex,
    onRecord: (record) => options.onRecord?.(record),
    onResult: (result) => {
      if (options.shouldRun(result.caseIndex, result.provider)) options.onResult(result);
    },
  });
  if (outcome.error) throw new Error(`promptfoo could not run ${show(options, file.path)}: ${outcome.error}`);
  const count = (v: EvalCaseResult['verdict']) => outcome.results.filter((r) => r.verdict === v).length;
  const fresh = outcome.results.filter((r) => !r.cached);
  return {
    total: outcome.results.length,
    passed: count('pass'),
    failed: count('fail'),
    errors: count('error'),
    skipped: count('skipped'),
    cached: outcome.results.length - fresh.length,
    cancelled: outcome.cancelled,
    wallMs: Date.now() - started,
    newSpendUsd: fresh.reduce((sum, r) => sum + (r.costUsd ?? 0), 0),
    unknownCostCalls: fresh.filter((r) => r.costUsd === null).length,
    files: [],
  };
}

/** Tests that need promptfoo when none can run them: an error result per prompt × provider, saying why. */
function reportNeedsPromptfoo(file: EvalFile, options: RunFileOptions, why: string): void {
  const providers = file.providers.length > 0 ? file.providers.map((p) => p.ref) : [undefined];
  for (const test of file.tests) {
    if (!test.needsPromptfoo) continue;
    const reason = file.diagnostics.find(
      (d) =>
        d.severity === 'error' &&
        d.file === test.location.file &&
        d.range.start.line >= test.location.range.start.line &&
        d.range.start.line <= test.location.range.end.line,
    );
    for (const provider of providers) {
      if (!options.shouldRun(test.index, provider)) continue;
      file.prompts.forEach((prompt, promptIndex) => {
        const message = `${reason?.message ?? 'This test uses what llm-workbench does not run natively'} — ${why}`;
        options.onResult({
          file: file.path,
          caseIndex: test.index,
          description: test.description,
          location: test.location,
          promptIndex,
          promptLabel: prompt.label,
          provider,
          providerLabel: provider ?? `route:${file.task}`,
          repeat: 0,
          verdict: 'error',
          pass: false,
          score: 0,
          reason: message,
          assertions: [],
          output: '',
          prompt: '',
          latencyMs: 0,
          ttftMs: null,
          costUsd: null,
          tokens: { input: 0, output: 0 },
          cached: false,
          error: { kind: 'bad_request', message },
        });
      });
    }
  }
}
