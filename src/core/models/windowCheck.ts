import type { ModelInfo } from './modelInfo';

/** The limits one call is checked against. */
export type ModelLimits = Pick<ModelInfo, 'maxInputTokens' | 'maxOutput' | 'combinedWindow'>;

export type WindowVerdict = 'ok' | 'warn' | 'over';

export interface WindowCheck {
  verdict: WindowVerdict;
  /** The most prompt tokens this call may have: max input, and the combined limit minus the reserve where there is one. */
  promptLimit: number;
  /** What the share and `remaining` are measured against: the input limit, or the combined window (prompt + reserve). */
  limitKind: 'input' | 'combined';
  /** Tokens of that limit: maxInputTokens, or combinedWindow. */
  limit: number;
  /** Tokens counted against `limit`: the prompt, or prompt + reserve for a combined window. */
  used: number;
  share: number;
  /** limit - used (negative when over). */
  remaining: number;
  /** The output reserve is more than the model can answer with (max output). */
  reserveOverMax: boolean;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * THE window rule, used by diagnostics, the status-bar tooltip, the hover, the chat's pre-call check and the gateway:
 * windows are input limits. The prompt is compared with `maxInputTokens` and the output reserve with `maxOutput`;
 * only a model with a combined limit (an Ollama server's num_ctx, a `contextWindow` setting) also needs
 * prompt + reserve to fit in it. GPT-5 takes 272,000 prompt tokens whatever the reserve (≤ 128,000).
 */
export function checkWindow(limits: ModelLimits, promptTokens: number, outputReserve: number, warnThreshold = 1): WindowCheck {
  const combined = limits.combinedWindow;
  const promptLimit = Math.min(limits.maxInputTokens, combined !== undefined ? combined - outputReserve : Infinity);
  // The share shown is against whichever limit binds first.
  const inputShare = limits.maxInputTokens > 0 ? promptTokens / limits.maxInputTokens : Infinity;
  const combinedShare = combined !== undefined ? (combined > 0 ? (promptTokens + outputReserve) / combined : Infinity) : -1;
  const limitKind = combinedShare >= inputShare ? 'combined' : 'input';
  const limit = limitKind === 'combined' ? combined! : limits.maxInputTokens;
  const used = limitKind === 'combined' ? promptTokens + outputReserve : promptTokens;
  const share = Math.max(inputShare, combinedShare);
  const reserveOverMax = outputReserve > limits.maxOutput;
  const verdict: WindowVerdict = promptTokens > promptLimit || reserveOverMax ? 'over' : share > warnThreshold ? 'warn' : 'ok';
  return { verdict, promptLimit, limitKind, limit, used, share, remaining: limit - used, reserveOverMax };
}

/** The sentence that states the sum, e.g. `300,000 prompt tokens of GPT-5's 272,000-token input limit (110%)`. */
export function windowSum(check: WindowCheck, promptTokens: number, outputReserve: number, modelName: string): string {
  const pct = `${(check.share * 100).toFixed(check.share < 0.1 ? 1 : 0)}%`;
  if (check.limitKind === 'combined') {
    return `${n(promptTokens)} prompt + ${n(outputReserve)} reserved output = ${n(check.used)} of ${modelName}'s ${n(check.limit)}-token window (${pct})`;
  }
  return `${n(promptTokens)} prompt tokens of ${modelName}'s ${n(check.limit)}-token input limit (${pct})`;
}

/** Why a call does not fit, for errors (gateway) and notices (chat): which limit, by how much, what to do. */
export function overflowReason(
  check: WindowCheck,
  limits: ModelLimits,
  promptTokens: number,
  outputReserve: number,
  modelName: string,
): string {
  if (check.reserveOverMax) {
    return `the ${n(outputReserve)} tokens reserved for the answer exceed ${modelName}'s ${n(limits.maxOutput)}-token output limit — lower the output reserve`;
  }
  if (check.limitKind === 'combined' || promptTokens + outputReserve > (limits.combinedWindow ?? Infinity)) {
    return (
      `the prompt (~${n(promptTokens)} tokens) plus ${n(outputReserve)} reserved for the answer exceeds ${modelName}'s ` +
      `${n(limits.combinedWindow!)}-token window — shorten the prompt or lower the output reserve`
    );
  }
  return `the prompt (~${n(promptTokens)} tokens) exceeds ${modelName}'s ${n(limits.maxInputTokens)}-token input limit by ${n(promptTokens - limits.maxInputTokens)} — shorten the prompt`;
}
