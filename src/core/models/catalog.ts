import { BUILTIN_MODELS } from './builtinModels';
import type { ModelInfo, ModelOverride } from './modelInfo';
import { parseModelRef, splitModelRef, type ModelRef } from './modelRef';

/** Built-in models merged with the user's overrides and additions; user values win. */
export class ModelCatalog {
  private readonly byRef = new Map<string, ModelInfo>();

  constructor(overrides: readonly ModelOverride[] = [], builtins: readonly ModelInfo[] = BUILTIN_MODELS) {
    for (const model of builtins) this.byRef.set(model.ref, model);
    for (const override of overrides) this.byRef.set(override.ref, applyOverride(this.lookup(override.ref), override));
  }

  all(): ModelInfo[] {
    return [...this.byRef.values()];
  }

  /** Exact ref first, then the same model id under another provider (e.g. `azure:gpt-4o` -> `openai:gpt-4o`). */
  lookup(ref: ModelRef): ModelInfo | undefined {
    const exact = this.byRef.get(ref);
    if (exact) return exact;
    const parts = splitModelRef(ref);
    if (!parts) return undefined;
    for (const model of this.byRef.values()) {
      if (model.id === parts.model) return { ...model, ref, provider: parts.provider };
    }
    return undefined;
  }
}

function applyOverride(base: ModelInfo | undefined, o: ModelOverride): ModelInfo {
  const { provider, model } = parseModelRef(o.ref);
  const price = base?.price ? { ...base.price } : undefined;
  const hasPrice = o.inputPerMTok !== undefined && o.outputPerMTok !== undefined;
  const merged: ModelInfo = {
    ref: o.ref,
    provider,
    id: model,
    displayName: o.displayName ?? base?.displayName ?? model,
    contextWindow: o.contextWindow ?? base?.contextWindow ?? 8192,
    maxOutput: o.maxOutput ?? base?.maxOutput ?? 4096,
    price: hasPrice ? { input: o.inputPerMTok! / 1e6, output: o.outputPerMTok! / 1e6 } : price,
    tokenizer: base?.tokenizer ?? { kind: 'estimate', encoding: 'o200k_base' },
    local: o.local ?? base?.local ?? provider === 'ollama',
  };
  if (merged.price) {
    if (o.inputPerMTok !== undefined && !hasPrice) merged.price.input = o.inputPerMTok / 1e6;
    if (o.outputPerMTok !== undefined && !hasPrice) merged.price.output = o.outputPerMTok / 1e6;
    if (o.cacheReadPerMTok !== undefined) merged.price.cacheRead = o.cacheReadPerMTok / 1e6;
    if (o.cacheWritePerMTok !== undefined) merged.price.cacheWrite = o.cacheWritePerMTok / 1e6;
  }
  if (o.tokenizer === 'estimate') merged.tokenizer = { kind: 'estimate', encoding: merged.tokenizer.encoding };
  else if (o.tokenizer) merged.tokenizer = { kind: 'exact', encoding: o.tokenizer };
  return merged;
}
