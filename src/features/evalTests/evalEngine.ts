/**
 * The seam between the editor and the eval engine (src/core/evals/): parsing a file, and running one file's picked
 * items with results streamed back as they arrive. Features reach it through `evalEngine()` (lazyEvalEngine.ts), so
 * the engine (YAML parser, JSON-schema validator, assertions) is evaluated on first use, not on activation.
 */
import type { EvalFile } from '../../core/evals/evalModel';
export { parseEvalFile, parseEvalText } from '../../core/evals/parseEvalFile';
import type { EvalCaseResult } from '../../core/evals/evalResult';
import { defaultEvalCacheDir, ResponseCache } from '../../core/evals/responseCache';
import { runEval, type CaseStart, type EvalEvent, type EvalRunSummary } from '../../core/evals/runEval';
import type { ModelRef } from '../../core/models/modelRef';
import type { ChatGateway } from '../../core/gateway/gatewayApi';

export type CaseResult = EvalCaseResult;

export interface RunFileOptions {
  gateway: ChatGateway;
  /** Which cases/providers to run. */
  shouldRun(caseIndex: number, provider?: ModelRef): boolean;
  signal: AbortSignal;
  /** javascript assertions run only in trusted workspaces. */
  allowCode: boolean;
  /** Read and fill the response cache (`$LLM_WORKBENCH_HOME/cache/evals`, shared with the CLI). */
  useCache: boolean;
  /** Replaces the file's providers (model comparison). */
  providers?: ModelRef[];
  onStart?(caseIndex: number, provider?: ModelRef): void;
  onResult(result: EvalCaseResult): void;
  /** OpenTelemetry spans for the run, when export is on. */
  telemetry?: { onEvent(event: EvalEvent): void; aroundCase(start: CaseStart, run: () => Promise<void>): Promise<void> };
  /** The response cache cannot be written (the run goes on uncached): how the user is told. */
  onCacheWarning?(message: string): void;
}

export function runEvalFile(file: EvalFile, options: RunFileOptions): Promise<EvalRunSummary> {
  return runEval([file], {
    gateway: options.gateway,
    select: (_file, caseIndex, provider) => options.shouldRun(caseIndex, provider),
    providers: options.providers,
    cache: options.useCache ? new ResponseCache(defaultEvalCacheDir(), options.onCacheWarning) : undefined,
    signal: options.signal,
    allowCode: options.allowCode,
    aroundCase: options.telemetry?.aroundCase,
    onEvent: (event) => {
      options.telemetry?.onEvent(event);
      if (event.type === 'case-start') options.onStart?.(event.caseIndex, event.provider);
      else if (event.type === 'result') options.onResult(event.result);
    },
  });
}
