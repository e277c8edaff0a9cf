import { estimateCallCost } from '../../cost/pricing';
import { estimateTokensFromChars } from '../../tokens/charEstimate';
import type { ModelRef } from '../../models/modelRef';
import type { ModelInfo } from '../../models/modelInfo';
import type { EvalFile, PromptSpec } from '../evalModel';

/** Output tokens assumed for a call whose provider sets no max_tokens: eval answers are usually short. */
export const DEFAULT_EVAL_OUTPUT_TOKENS = 256;

export interface RunEstimate {
  calls: number;
  /** Sum over the calls whose model has a price; null when none has. */
  usd: number | null;
  unknownPriceCalls: number;
}

const promptChars = (prompt: PromptSpec) => prompt.raw.length;

/**
 * A quick upper-side estimate of a run's cost for the daily-budget check, before anything is sent:
 * ~4 characters per token over each prompt plus the case's variables, and the provider's max_tokens (or 256) out.
 * It is a guard, not a bill: the ledger has the real numbers after the run.
 */
export function estimateEvalRun(
  file: EvalFile,
  shouldRun: (caseIndex: number, provider?: ModelRef) => boolean,
  lookup: (ref: ModelRef) => ModelInfo | undefined,
  options: { providers?: ModelRef[]; routedModel?: ModelRef } = {},
): RunEstimate {
  const providers: { ref?: ModelRef; maxTokens?: number }[] = options.providers
    ? options.providers.map((ref) => ({ ref }))
    : file.providers.length > 0
      ? file.providers.map((p) => ({ ref: p.ref, maxTokens: p.maxTokens }))
      : [{ ref: undefined }];
  const estimate: RunEstimate = { calls: 0, usd: null, unknownPriceCalls: 0 };
  for (const test of file.tests) {
    const varsChars = JSON.stringify(test.vars ?? {}).length;
    for (const provider of providers) {
      if (!shouldRun(test.index, provider.ref)) continue;
      const model = lookup(provider.ref ?? options.routedModel ?? '');
      for (const prompt of file.prompts) {
        estimate.calls += 1;
        const cost = estimateCallCost(
          model,
          estimateTokensFromChars(promptChars(prompt) + varsChars),
          provider.maxTokens ?? DEFAULT_EVAL_OUTPUT_TOKENS,
        );
        if (cost === null) estimate.unknownPriceCalls += 1;
        else estimate.usd = (estimate.usd ?? 0) + cost;
      }
    }
  }
  return estimate;
}
