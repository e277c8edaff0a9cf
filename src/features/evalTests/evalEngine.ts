/**
 * The seam between the editor and the eval engine (`runEval` in src/core/evals/): one file, the items the user
 * picked, results streamed back as they arrive.
 */
import type { EvalFile } from '../../core/evals/evalModel';
import type { EvalCaseResult } from '../../core/evals/evalResult';
import { defaultEvalCacheDir, ResponseCache } from '../../core/evals/responseCache';
import { runEval, type EvalRunSummary } from '../../core/evals/runEval';
import type { ModelRef } from '../../core/gateway/callRecord';
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
  onStart?(caseIndex: number, provider?: ModelRef): void;
  onResult(result: EvalCaseResult): void;
}

export function runEvalFile(file: EvalFile, options: RunFileOptions): Promise<EvalRunSummary> {
  // The same key rule as the CLI: a file's endpoint never gets the user's SecretStorage key.
  const allow = options.allowFileEndpoints ?? false;
  const setup = options.config ? withEvalProviders(options.config, [file], [], { allowFileEndpoints: allow, env: allow ? process.env : undefined }) : undefined;
  const gateway = setup && options.gatewayFor ? options.gatewayFor(setup.config, setup.keys) : options.gateway;
  if (!gateway) throw new Error('runEvalFile needs a gateway, or config and gatewayFor');
  return runEval([file], {
    gateway,
    refFor: setup?.refFor,
    select: (_file, caseIndex, provider) => options.shouldRun(caseIndex, provider),
    providers: options.providers,
    cache: options.useCache ? new ResponseCache(defaultEvalCacheDir()) : undefined,
    signal: options.signal,
    allowCode: options.allowCode,
    onEvent: (event) => {
      if (event.type === 'case-start') options.onStart?.(event.caseIndex, event.provider);
      else if (event.type === 'result') options.onResult(event.result);
    },
  });
}
