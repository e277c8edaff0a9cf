import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelCatalog } from '../models/catalog';
import { isOllamaCloudModel } from '../models/catalogModels';
import { checkWindow, overflowReason } from '../models/windowCheck';
import type { ModelInfo } from '../models/modelInfo';
import { parseModelRef, type ModelRef } from '../models/modelRef';
import type { ProviderAdapter } from '../providers/adapter';
import { ProviderError } from '../providers/providerError';
import { tokenizerSpecFor } from '../tokens/encodings';
import { asProviderError } from './gatewayErrors';
import { defaultOutputLimit } from './outputLimit';
import type { GatewayRequest } from './gatewayApi';
import type { PromptTokens } from './promptTokens';
import type { RouteDecision } from './router';

/** One model about to be tried: where it goes and what it was checked against. */
export interface Prepared {
  ref: ModelRef;
  providerId: string;
  modelId: string;
  adapter: ProviderAdapter;
  info: ModelInfo | undefined;
  /**
   * The prompt's tokens as the model's encoding counts them when a decision needed the count (routing on tokens, a
   * prompt near a limit, a window prompt and answer share); otherwise `promptTokensUpperBound`, which no count
   * exceeds (`inputTokensExact` false): the pre-call cost estimate stays an upper bound either way.
   */
  inputTokens: number;
  inputTokensExact: boolean;
  /** The exact count, counted on first ask (a partial answer without usage is billed by it). */
  exactInputTokens(): Promise<number>;
  /** Output tokens the window check reserved (and cost estimates assume). */
  reserve: number;
  /** The limit sent: the caller's, else the model's own maximum; undefined = the provider's default (limits unknown). */
  maxOutputTokens: number | undefined;
}

export interface PrepareContext {
  config: WorkbenchConfig;
  catalog: ModelCatalog;
  adapterFor(providerId: string): ProviderAdapter;
}

/** Finds the adapter and checks the model fits; a model that cannot work is skipped before anything is sent. */
export async function prepareModel(
  ctx: PrepareContext,
  ref: ModelRef,
  request: GatewayRequest,
  decision: RouteDecision,
  promptTokens: PromptTokens,
): Promise<Prepared | { skip: ProviderError }> {
  let providerId: string;
  let modelId: string;
  try {
    ({ provider: providerId, model: modelId } = parseModelRef(ref));
  } catch (error) {
    return { skip: asProviderError(error, 'bad_request') };
  }
  let adapter: ProviderAdapter;
  try {
    adapter = ctx.adapterFor(providerId);
  } catch (error) {
    return { skip: asProviderError(error, 'bad_request') };
  }
  const local = adapter.kind === 'ollama' ? !isOllamaCloudModel(modelId) : ctx.catalog.lookup(ref)?.local === true;
  if (decision.localOnly && !local) {
    return { skip: new ProviderError({ kind: 'bad_request', message: `${ref} is not a local model and this request must stay local` }) };
  }
  const info = ctx.catalog.lookup(ref);
  const encoding = tokenizerSpecFor(info).encoding;
  const exactInputTokens = () => promptTokens.exact(encoding);
  // The bound first: the exact count (a tokenizer load) only where the bound could change a decision.
  let inputTokens = await promptTokens.upperBound();
  let inputTokensExact = false;
  const countExactly = async () => {
    if (!inputTokensExact) [inputTokens, inputTokensExact] = [await exactInputTokens(), true];
    return inputTokens;
  };
  const reserve = Math.min(ctx.config.budget.outputReserve, info?.maxOutput ?? Infinity);
  const checked = request.maxOutputTokens ?? reserve;
  // An Ollama server's num_ctx is one window that prompt and answer share; elsewhere the catalog's limits.
  const serverWindow =
    adapter.contextWindowFor && !(await fitsAnyServerWindow(request, inputTokens, countExactly))
      ? await adapter.contextWindowFor(modelId).catch(() => undefined)
      : undefined;
  // Limits nobody knows are not enforced: the provider's own answer is better than a refusal on a guess.
  const limits =
    serverWindow !== undefined
      ? { maxInputTokens: serverWindow, maxOutput: serverWindow, combinedWindow: serverWindow }
      : info && !info.limitsUnknown
        ? info
        : undefined;
  // 'over' only grows with the prompt: a bound that fits means the count fits; a bound that does not is counted.
  let check = limits && checkWindow(limits, inputTokens, checked);
  if (limits && check?.verdict === 'over' && !inputTokensExact) check = checkWindow(limits, await countExactly(), checked);
  if (limits && check && check.verdict === 'over') {
    return {
      skip: new ProviderError({
        kind: 'context_overflow',
        provider: providerId,
        model: modelId,
        message: `${overflowReason(check, limits, inputTokens, checked, ref)}, or add a model with a larger window to the route's fallbacks`,
      }),
    };
  }
  const exactCount = tokenizerSpecFor(info).kind === 'exact';
  const outputLimit = (prompt: number) => request.maxOutputTokens ?? defaultOutputLimit(limits, prompt, checked, exactCount);
  // Where prompt and answer share a window the answer gets the room the prompt leaves. The limit only shrinks as the
  // prompt grows, so a bound that leaves the same limit as an empty prompt leaves it for the count too; else count.
  let maxOutputTokens = outputLimit(inputTokens);
  if (!inputTokensExact && maxOutputTokens !== outputLimit(0)) maxOutputTokens = outputLimit(await countExactly());
  // Asked last (a model that cannot fit says so first): no key means nothing would be sent, so the model is skipped.
  const noKey = await adapter.missingKey?.(modelId).catch(() => undefined);
  if (noKey) return { skip: noKey };
  return { ref, providerId, modelId, adapter, info, inputTokens, inputTokensExact, exactInputTokens, reserve: checked, maxOutputTokens };
}

/**
 * An eval request in promptfoo's wire shape (`native`) with a prompt of at most this many tokens cannot overflow any
 * window Ollama ships (2048 at the smallest), so its window is not asked for: promptfoo makes no `/api/show` call,
 * and the lookup is a slow extra round trip per model. Larger prompts are still checked before anything is sent.
 */
export const NATIVE_PROMPT_NO_WINDOW_CHECK_TOKENS = 1024;

async function fitsAnyServerWindow(request: GatewayRequest, upperBound: number, countExactly: () => Promise<number>): Promise<boolean> {
  if (request.native === undefined) return false;
  return upperBound <= NATIVE_PROMPT_NO_WINDOW_CHECK_TOKENS || (await countExactly()) <= NATIVE_PROMPT_NO_WINDOW_CHECK_TOKENS;
}
