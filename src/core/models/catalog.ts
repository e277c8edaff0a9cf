import { isOllamaCloudModel, UNKNOWN_MODEL_CONTEXT_WINDOW, UNKNOWN_MODEL_MAX_OUTPUT } from './catalogModels';
import { defaultCatalogStore, type CatalogOrigin, type CatalogStore } from './catalogStore';
import { addSuccessors } from './deprecation';
import { mergeOverride } from './mergeOverride';
import type { ModelInfo, ModelOverride } from './modelInfo';
import { parseModelRef, splitModelRef, type ModelRef } from './modelRef';

/** Ollama's own default num_ctx: the window of an installed model nobody configured. */
export const OLLAMA_DEFAULT_CONTEXT = 4096;

/** A configured provider as far as the catalog cares: its id in refs and the protocol it speaks. */
export interface CatalogProvider {
  id: string;
  kind: string;
}

/** Catalog provider to prefer for a configured provider kind, when a ref's provider id is the user's own name. */
const CATALOG_PROVIDER_FOR_KIND: Readonly<Record<string, string>> = { openai: 'openai', anthropic: 'anthropic', ollama: 'ollama' };
/** Among hosts of the same model id, the first-party one first. */
const FIRST_PARTY_ORDER = [
  'openai',
  'anthropic',
  'gemini',
  'mistral',
  'deepseek',
  'xai',
  'azure',
  'groq',
  'together',
  'openrouter',
  'ollama',
];

export interface ModelCatalogOptions {
  /** The base table (default: the process's store, see setDefaultCatalogStore). */
  store?: CatalogStore;
  /** Configured providers: an Ollama-kind provider's models are local and free whatever its id. */
  providers?: readonly CatalogProvider[];
}

/**
 * The catalog (LiteLLM's table, shipped or refreshed) merged field by field with the user's `llmWorkbench.models`.
 * Construction is free: the table is read on the first lookup, never at activation.
 */
export class ModelCatalog {
  private index: { byRef: Map<string, ModelInfo>; byId: Map<string, ModelInfo[]> } | undefined;
  private readonly store: CatalogStore;
  private readonly providerKinds: Map<string, string>;

  constructor(
    private readonly overrides: readonly ModelOverride[] = [],
    options: ModelCatalogOptions = {},
  ) {
    this.store = options.store ?? defaultCatalogStore();
    this.providerKinds = new Map((options.providers ?? []).map((p) => [p.id, p.kind]));
  }

  all(): ModelInfo[] {
    return [...this.build().byRef.values()];
  }

  /** The table in use: shipped snapshot or refreshed download, its date and URL. */
  origin(): CatalogOrigin {
    return this.store.origin();
  }

  /**
   * Exact ref first; then an Ollama model the table lacks (local, free: by rule); then the same model id under
   * another provider (`myazure:gpt-4o` -> `openai:gpt-4o`), preferring the provider its kind names, then first parties.
   */
  lookup(ref: ModelRef): ModelInfo | undefined {
    const { byRef, byId } = this.build();
    const exact = byRef.get(ref);
    if (exact) return exact;
    const parts = splitModelRef(ref);
    if (!parts) return undefined;
    const { provider, model: id } = parts;
    const kind = this.providerKinds.get(provider) ?? (provider === 'ollama' ? 'ollama' : undefined);
    const sameId = byId.get(id) ?? [];
    const preferred = CATALOG_PROVIDER_FOR_KIND[kind ?? ''];
    const host = sameId.find((m) => m.provider === preferred) ?? sameId[0];
    if (kind === 'ollama')
      return ollamaModel(ref, provider, id, byRef.get(`ollama:${id}`) ?? byRef.get(`ollama:${id.replace(/:latest$/, '')}`));
    return host ? { ...host, ref, provider } : undefined;
  }

  private build(): { byRef: Map<string, ModelInfo>; byId: Map<string, ModelInfo[]> } {
    if (this.index) return this.index;
    const byRef = new Map<string, ModelInfo>();
    for (const model of this.store.models()) byRef.set(model.ref, model);
    for (const override of this.overrides) {
      const { provider } = parseModelRef(override.ref);
      const base = byRef.get(override.ref) ?? this.lookupIn(byRef, override.ref);
      const kind = this.providerKinds.get(provider) ?? (provider === 'ollama' ? 'ollama' : undefined);
      byRef.set(override.ref, mergeOverride(base, override, kind === 'ollama'));
    }
    // Successors for dates the user added (the table's own were found when it was loaded).
    const all = [...byRef.values()];
    if (this.overrides.some((o) => o.deprecationDate)) addSuccessors(all);
    const byId = new Map<string, ModelInfo[]>();
    for (const model of all) byId.set(model.id, [...(byId.get(model.id) ?? []), model]);
    for (const list of byId.values()) list.sort((a, b) => rank(a.provider) - rank(b.provider));
    this.index = { byRef, byId };
    return this.index;
  }

  /** An override's base when its ref is not in the table itself (same id elsewhere, or an Ollama rule model). */
  private lookupIn(byRef: Map<string, ModelInfo>, ref: string): ModelInfo | undefined {
    const { provider, model: id } = parseModelRef(ref);
    const kind = this.providerKinds.get(provider) ?? (provider === 'ollama' ? 'ollama' : undefined);
    if (kind === 'ollama') return ollamaModel(ref, provider, id, byRef.get(`ollama:${id}`));
    for (const model of byRef.values()) if (model.id === id) return { ...model, ref, provider };
    return undefined;
  }
}

function rank(provider: string): number {
  const index = FIRST_PARTY_ORDER.indexOf(provider);
  return index < 0 ? FIRST_PARTY_ORDER.length : index;
}

/**
 * A model on an Ollama server: local and free unless it is an Ollama Cloud model (`*-cloud`, run and billed by
 * ollama.com: price unknown). Its window is what the server runs it at, found by `effectiveContextWindow`; the
 * numbers here are only what is assumed before the server answered.
 */
function ollamaModel(ref: string, provider: string, id: string, known: ModelInfo | undefined): ModelInfo {
  const cloud = isOllamaCloudModel(id);
  const model: ModelInfo = {
    ref,
    provider,
    id,
    displayName: known?.displayName ?? `${id} (Ollama)`,
    maxInputTokens: known?.maxInputTokens ?? (cloud ? UNKNOWN_MODEL_CONTEXT_WINDOW : OLLAMA_DEFAULT_CONTEXT),
    maxOutput: known?.maxOutput ?? (cloud ? UNKNOWN_MODEL_MAX_OUTPUT : OLLAMA_DEFAULT_CONTEXT),
    tokenizer: { kind: 'estimate', encoding: 'o200k_base' },
    origin: known ? known.origin : 'rule',
    ...(known?.supports ? { supports: known.supports } : {}),
  };
  if (!cloud) {
    model.local = true;
    model.price = { input: 0, output: 0 };
  }
  return model;
}
