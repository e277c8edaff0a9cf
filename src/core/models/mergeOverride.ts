import { UNKNOWN_MODEL_CONTEXT_WINDOW, UNKNOWN_MODEL_MAX_OUTPUT } from './catalogModels';
import type { ModelInfo, ModelOverride, ModelPrice } from './modelInfo';
import { ESTIMATE_TOKENIZER, tokenizerRule } from './tokenizerRule';

const PRICE_FIELDS: [keyof ModelOverride, keyof ModelPrice][] = [
  ['inputPerMTok', 'input'],
  ['outputPerMTok', 'output'],
  ['cacheReadPerMTok', 'cacheRead'],
  ['cacheWritePerMTok', 'cacheWrite'],
  ['cacheWrite1hPerMTok', 'cacheWrite1h'],
  ['reasoningPerMTok', 'reasoning'],
];

/**
 * One `llmWorkbench.models` entry over the catalog's model, field by field: what the user set wins, everything
 * else (cache prices, tiers, limits, capabilities, deprecation) is the catalog's. A local model (`local: true`,
 * or an Ollama model that is not `*-cloud`) costs $0 unless the entry itself sets prices. A model the catalog lacks
 * has a price only when the entry gives both input and output (a half-known price is unknown, never $0).
 */
export function mergeOverride(base: ModelInfo | undefined, o: ModelOverride, ollamaProvider: boolean): ModelInfo {
  const colon = o.ref.indexOf(':');
  const provider = o.ref.slice(0, colon);
  const id = o.ref.slice(colon + 1);
  const local = o.local ?? base?.local ?? (ollamaProvider && !/(^|[-:])cloud$/.test(id));
  const merged: ModelInfo = {
    ...(base ?? {}),
    ref: o.ref,
    provider,
    id,
    displayName: o.displayName ?? base?.displayName ?? id,
    maxInputTokens: o.maxInputTokens ?? base?.maxInputTokens ?? o.contextWindow ?? UNKNOWN_MODEL_CONTEXT_WINDOW,
    maxOutput: o.maxOutput ?? base?.maxOutput ?? UNKNOWN_MODEL_MAX_OUTPUT,
    tokenizer: base?.tokenizer ?? (ollamaProvider ? ESTIMATE_TOKENIZER : tokenizerRule(provider, id)),
    origin: base?.origin === 'catalog' ? 'catalog' : 'settings',
  };
  if (o.contextWindow !== undefined) merged.combinedWindow = o.contextWindow;
  if (o.maxInputTokens !== undefined || o.contextWindow !== undefined) delete merged.limitsUnknown;
  else if (!base) merged.limitsUnknown = true;

  const given = PRICE_FIELDS.filter(([setting]) => o[setting] !== undefined);
  let price: ModelPrice | undefined = base?.price
    ? { ...base.price, ...(base.price.tiers ? { tiers: base.price.tiers.map((t) => ({ ...t })) } : {}) }
    : undefined;
  if (local && given.length === 0) price = { input: 0, output: 0 };
  else if (!price && (local || (o.inputPerMTok !== undefined && o.outputPerMTok !== undefined))) price = { input: 0, output: 0 };
  if (price) {
    for (const [setting, field] of given) (price as unknown as Record<string, number>)[field] = (o[setting] as number) / 1e6;
    merged.price = price;
  } else {
    delete merged.price;
  }
  if (local) merged.local = true;
  else delete merged.local;

  if (o.tokenizer === 'estimate') merged.tokenizer = { kind: 'estimate', encoding: merged.tokenizer.encoding };
  else if (o.tokenizer) merged.tokenizer = { kind: 'exact', encoding: o.tokenizer };
  if (o.deprecationDate) merged.deprecation = { date: o.deprecationDate, source: 'settings' };
  return merged;
}
