import type { ModelRef } from './modelRef';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * How tokens are counted for a model: `exact` with its own public encoding, or `estimate` with a
 * proxy encoding for families that publish no tokenizer (current Claude, Gemini, Llama...). Estimates show `≈`.
 */
export type TokenizerSpec = { kind: 'exact'; encoding: EncodingName } | { kind: 'estimate'; encoding: EncodingName };

/** USD per token (LiteLLM style). Absent price = unknown, never $0. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Above this many input tokens the tier's prices apply to the whole call (e.g. Gemini 2.5 Pro > 200K). */
  tiers?: { aboveInputTokens: number; input: number; output: number }[];
}

export interface ModelInfo {
  /** `provider:model`; provider is the provider kind for built-ins (`openai`, `anthropic`, `ollama`, `together`...). */
  ref: ModelRef;
  provider: string;
  id: string;
  displayName: string;
  contextWindow: number;
  maxOutput: number;
  price?: ModelPrice;
  tokenizer: TokenizerSpec;
  /** Runs on the user's machine: eligible for files marked private. */
  local?: boolean;
}

/** A user override or addition from `llmWorkbench.models`; prices are per 1M tokens, as people quote them. */
export interface ModelOverride {
  ref: ModelRef;
  displayName?: string;
  contextWindow?: number;
  maxOutput?: number;
  inputPerMTok?: number;
  outputPerMTok?: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
  tokenizer?: EncodingName | 'estimate';
  local?: boolean;
}
