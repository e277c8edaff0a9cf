/**
 * The seam between the editor and the eval engine (`runEval` in src/core/evals/): one file, the items the user
 * picked, results streamed back as they arrive.
 */
import type { EvalFile } from '../../core/evals/evalModel';
import type { EvalCaseResult } from '../../core/evals/evalResult';
import { defaultEvalCacheDir, ResponseCache } from '../../core/evals/responseCache';
import { runEval, type EvalRunSummary } from '../../core/evals/runEval';
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
  /** Volume for the model-selection record's monthly estimate when the file sets none (`llmWorkbench.budget.callsPerDay`). */
  callsPerDay?: number;
  /** How the model-selection record names the file (workspace-relative: never an absolute path). */
  displayPath?: (path: string) => string;
  onStart?(caseIndex: number, provider?: ModelRef): void;
  onResult(result: EvalCaseResult): void;
}

export function runEvalFile(file: EvalFile, options: RunFileOptions): Promise<EvalRunSummary> {
  return runEval([file], {
    gateway: options.gateway,
    select: (_file, caseIndex, provider) => options.shouldRun(caseIndex, provider),
    providers: options.providers,
    cache: options.useCache ? new ResponseCache(defaultEvalCacheDir()) : undefined,
    signal: options.signal,
    allowCode: options.allowCode,
    callsPerDay: options.callsPerDay,
    displayPath: options.displayPath,
    onEvent: (event) => {
      if (event.type === 'case-start') options.onStart?.(event.caseIndex, event.provider);
      else if (event.type === 'result') options.onResult(event.result);
    },
  });
}
