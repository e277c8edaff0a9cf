import type { ModelRef } from './modelRef';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * How tokens are counted for a model: `exact` with its own public encoding, or `estimate` with a
 * proxy encoding for families that publish no tokenizer (current Claude, Gemini, Llama...). Estimates show `≈`.
 */
export type TokenizerSpec = { kind: 'exact'; encoding: EncodingName } | { kind: 'estimate'; encoding: EncodingName };

/** Prices that change above a prompt size (Gemini 2.5 Pro > 200K, GPT-5.4 > 272K): they apply to the whole call. */
export interface PriceTier {
  aboveInputTokens: number;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
}

/** USD per token (LiteLLM style). Absent price = unknown, never $0; an absent cache price bills at `input`. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  /** A prompt-cache write (Anthropic: the 5-minute cache). */
  cacheWrite?: number;
  /** A 1-hour prompt-cache write (Anthropic `ttl: "1h"`): 2× input where the 5-minute write is 1.25×. */
  cacheWrite1h?: number;
  /** Reasoning tokens, where a provider bills them apart from output (otherwise they are output). */
  reasoning?: number;
  tiers?: PriceTier[];
}

/** What a model can take besides text, for pickers and the Copilot provider. Absent = not known to. */
export interface ModelSupports {
  vision?: boolean;
  tools?: boolean;
  promptCaching?: boolean;
  reasoning?: boolean;
}

/** When the provider retires (or retired) the model, and what to move to. */
export interface ModelDeprecation {
  /** YYYY-MM-DD */
  date: string;
  /** Where the date comes from: LiteLLM's table, the Anthropic SDK's own list, the dated snapshot an alias points to, or settings. */
  source: 'litellm' | 'anthropic-sdk' | 'snapshot' | 'settings';
  /** A newer model of the same family in the catalog, when there is one. */
  successor?: ModelRef;
}

export interface ModelInfo {
  /** `provider:model`; provider is the provider kind for built-ins (`openai`, `anthropic`, `ollama`, `together`...). */
  ref: ModelRef;
  provider: string;
  id: string;
  displayName: string;
  /**
   * Most prompt tokens the model accepts (LiteLLM `max_input_tokens`). Windows are input limits: the prompt is
   * budgeted against this and the output reserve against `maxOutput`, see `windowCheck.ts`.
   */
  maxInputTokens: number;
  /** Most tokens one answer may have (`max_output_tokens`). */
  maxOutput: number;
  /** The table gives no limits for this model: `maxInputTokens`/`maxOutput` are the unknown-model defaults, say so. */
  limitsUnknown?: boolean;
  /**
   * A limit that prompt and answer share, only where a model has one: an Ollama server's num_ctx, or a
   * `contextWindow` the user set in `llmWorkbench.models`.
   */
  combinedWindow?: number;
  price?: ModelPrice;
  tokenizer: TokenizerSpec;
  /** Runs on the user's machine: free, and eligible for files marked private. Ollama `*-cloud` models are not. */
  local?: boolean;
  supports?: ModelSupports;
  deprecation?: ModelDeprecation;
  /** Where the entry comes from: the catalog (LiteLLM's table), the user's settings, or a rule (an installed Ollama model). */
  origin?: 'catalog' | 'settings' | 'rule';
}

/** A user override or addition from `llmWorkbench.models`; prices are per 1M tokens, as people quote them. */
export interface ModelOverride {
  ref: ModelRef;
  displayName?: string;
  /** Prompt + output together (e.g. a server's num_ctx): becomes a combined limit. */
  contextWindow?: number;
  maxInputTokens?: number;
  maxOutput?: number;
  inputPerMTok?: number;
  outputPerMTok?: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
  cacheWrite1hPerMTok?: number;
  reasoningPerMTok?: number;
  tokenizer?: EncodingName | 'estimate';
  local?: boolean;
  /** YYYY-MM-DD */
  deprecationDate?: string;
}
