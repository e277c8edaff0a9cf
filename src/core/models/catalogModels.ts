import { addSuccessors } from './deprecation';
import { displayNameFor } from './displayName';
import type { CatalogData, CatalogEntry, CatalogPrice } from './litellm/catalogData';
import type { ModelInfo, ModelPrice, ModelSupports, PriceTier } from './modelInfo';
import { sharesWindow } from './sharedWindowRule';
import { tokenizerRule } from './tokenizerRule';

/** Window assumed for a model whose limits nobody knows (add it under llmWorkbench.models for the real one). */
export const UNKNOWN_MODEL_CONTEXT_WINDOW = 8192;
/** Output limit assumed for such a model. */
export const UNKNOWN_MODEL_MAX_OUTPUT = 4096;

/** Per token, without the floating-point tail of a division (0.1 / 1e6 is 1.0000000000000001e-7). */
const perToken = (perM: number) => Number((perM / 1e6).toPrecision(12));

/** A stored catalog's price (per 1M) as ModelPrice (per token). */
export function priceFromCatalog(price: CatalogPrice): ModelPrice {
  const out: ModelPrice = { input: perToken(price.in), output: perToken(price.out) };
  if (price.cacheRead !== undefined) out.cacheRead = perToken(price.cacheRead);
  if (price.cacheWrite !== undefined) out.cacheWrite = perToken(price.cacheWrite);
  if (price.cacheWrite1h !== undefined) out.cacheWrite1h = perToken(price.cacheWrite1h);
  if (price.reasoning !== undefined) out.reasoning = perToken(price.reasoning);
  if (price.tiers) {
    out.tiers = price.tiers.map((t) => {
      const tier: PriceTier = { aboveInputTokens: t.above, input: perToken(t.in), output: perToken(t.out) };
      if (t.cacheRead !== undefined) tier.cacheRead = perToken(t.cacheRead);
      if (t.cacheWrite !== undefined) tier.cacheWrite = perToken(t.cacheWrite);
      if (t.cacheWrite1h !== undefined) tier.cacheWrite1h = perToken(t.cacheWrite1h);
      return tier;
    });
  }
  return out;
}

/** Ollama models run on the user's machine, except Ollama Cloud's (`gpt-oss:120b-cloud`), which ollama.com runs. */
export function isOllamaCloudModel(modelId: string): boolean {
  return /(^|[-:])cloud$/.test(modelId);
}

function entryToModel(entry: CatalogEntry): ModelInfo {
  const colon = entry.ref.indexOf(':');
  const provider = entry.ref.slice(0, colon);
  const id = entry.ref.slice(colon + 1);
  const local = provider === 'ollama' && !isOllamaCloudModel(id);
  const supports: ModelSupports = {};
  for (const s of entry.supports ?? []) {
    if (s === 'vision') supports.vision = true;
    else if (s === 'tools') supports.tools = true;
    else if (s === 'caching') supports.promptCaching = true;
    else if (s === 'reasoning') supports.reasoning = true;
  }
  const model: ModelInfo = {
    ref: entry.ref,
    provider,
    id,
    displayName: displayNameFor(provider, id),
    maxInputTokens: entry.in ?? UNKNOWN_MODEL_CONTEXT_WINDOW,
    maxOutput: entry.out ?? UNKNOWN_MODEL_MAX_OUTPUT,
    tokenizer: tokenizerRule(provider, id),
    supports,
    origin: 'catalog',
  };
  if (entry.in === undefined) model.limitsUnknown = true;
  else if (!local && sharesWindow(provider, id, entry.in)) model.combinedWindow = entry.in;
  // Local models cost nothing to run, whatever a table says; an unknown price stays unknown (never $0).
  if (local) model.price = { input: 0, output: 0 };
  else if (entry.price) model.price = priceFromCatalog(entry.price);
  if (local) model.local = true;
  if (entry.deprecated) model.deprecation = { date: entry.deprecated.date, source: entry.deprecated.source };
  return model;
}

/** The models of a stored catalog, with names, tokenizers and successors added by rule. */
export function catalogModels(data: CatalogData): ModelInfo[] {
  const models = data.models.map(entryToModel);
  addSuccessors(models);
  return models;
}
