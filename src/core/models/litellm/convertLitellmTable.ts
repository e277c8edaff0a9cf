import { CATALOG_FORMAT, LITELLM_NOTICE, type CatalogData, type CatalogEntry, type CatalogPrice, type CatalogSupport } from './catalogData';

/**
 * LiteLLM provider -> our provider id, for the providers we speak to (directly, or as OpenAI-compatible
 * configuration). Entries of every other provider (Bedrock, Vertex, Fireworks…) are not read at all.
 */
export const LITELLM_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
  mistral: 'mistral',
  groq: 'groq',
  together_ai: 'together',
  deepseek: 'deepseek',
  xai: 'xai',
  openrouter: 'openrouter',
  azure: 'azure',
  ollama: 'ollama',
};

/** Chat-mode entries that are not text chat models one calls by name (audio, realtime, search, image, fine-tune templates…). */
const NOT_TEXT_CHAT =
  /(^ft:|audio|realtime|search|tts|transcri|image|computer-use|-live|lyria|robotics|embed|moderation|guard|container|model_router)/i;

/** Sanity bounds: a table outside them is refused as broken or hostile, and the previous one is kept. */
const MAX_TOKENS = 100_000_000;
const MAX_USD_PER_TOKEN = 0.002; // $2,000 per 1M tokens: 3× the dearest real model (o1-pro output, $600/M)
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class TableError extends Error {}

export interface ConvertOptions {
  /** Where the table came from (URL or file name), recorded in the catalog. */
  url: string;
  /** When it was fetched (ISO); the table's own `last_updated`, when present, is its date. */
  retrieved: string;
  /** Deprecation dates LiteLLM lacks, from another first-party source (the Anthropic SDK's own list), by ref. */
  extraDeprecations?: Readonly<Record<string, string>>;
}

/**
 * LiteLLM's `model_prices_and_context_window.json` (already parsed) -> our catalog: chat models of the providers
 * we speak to, with input/output/cache/reasoning/tier prices per 1M tokens, input and output limits, what they
 * support, and deprecation dates. Throws `TableError` naming the entry and field for a table that is not one
 * (wrong types, insane numbers, too few models): a refresh then keeps the table it had.
 */
export function convertLitellmTable(raw: unknown, options: ConvertOptions): CatalogData {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TableError('the table is not a JSON object of models');
  const table = raw as Record<string, unknown>;
  const byRef = new Map<string, { entry: CatalogEntry; prefixed: boolean }>();
  for (const [key, value] of Object.entries(table)) {
    if (key === 'sample_spec' || !value || typeof value !== 'object' || Array.isArray(value)) continue;
    const spec = value as Record<string, unknown>;
    const provider = typeof spec.litellm_provider === 'string' ? LITELLM_PROVIDERS[spec.litellm_provider] : undefined;
    if (!provider || spec.mode !== 'chat') continue;
    const id = modelId(key, spec.litellm_provider as string);
    if (id === undefined || NOT_TEXT_CHAT.test(id)) continue;
    const entry = convertEntry(`${provider}:${id}`, key, spec);
    const prefixed = key.includes('/');
    const seen = byRef.get(entry.ref);
    // `deepseek-chat` and `deepseek/deepseek-chat` are one model: the provider-prefixed key is LiteLLM's own route.
    if (!seen || (prefixed && !seen.prefixed)) byRef.set(entry.ref, { entry, prefixed });
  }
  const models = [...byRef.values()].map((v) => v.entry);
  if (models.length < 20)
    throw new TableError(`the table has only ${models.length} chat models of the providers we use (a real one has hundreds)`);
  applyDeprecationRules(models, options.extraDeprecations ?? {});
  models.sort((a, b) => a.ref.localeCompare(b.ref));
  return {
    format: CATALOG_FORMAT,
    source: { url: options.url, date: tableDate(table.last_updated, options.retrieved), retrieved: options.retrieved },
    notice: LITELLM_NOTICE,
    models,
  };
}

/** The model id as the provider's API takes it: `gemini/gemini-2.5-pro` -> `gemini-2.5-pro`; regional Azure keys are skipped. */
function modelId(key: string, litellmProvider: string): string | undefined {
  const prefix = `${litellmProvider}/`;
  if (litellmProvider === 'together_ai' && !key.startsWith(prefix)) return undefined; // `together-ai-4.1b-8b`: size-band price buckets
  const id = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  if (litellmProvider === 'azure' && id.includes('/')) return undefined; // `azure/eu/gpt-4o`: regional price variants of one deployment
  return id || undefined;
}

function convertEntry(ref: string, key: string, spec: Record<string, unknown>): CatalogEntry {
  const field = (name: string) => spec[name];
  const count = (name: string) => checkedNumber(key, name, field(name), 1, MAX_TOKENS, true);
  const legacy = count('max_tokens');
  const maxIn = count('max_input_tokens') ?? legacy;
  const maxOut = count('max_output_tokens') ?? legacy;
  const entry: CatalogEntry = { ref };
  if (maxIn !== undefined) entry.in = maxIn;
  if (maxOut !== undefined) entry.out = maxOut;
  const price = convertPrice(key, spec);
  if (price && !ref.endsWith('-cloud')) entry.price = price; // Ollama Cloud is billed by ollama.com: not LiteLLM's $0
  const supports = (
    [
      ['vision', 'supports_vision'],
      ['tools', 'supports_function_calling'],
      ['caching', 'supports_prompt_caching'],
      ['reasoning', 'supports_reasoning'],
    ] as [CatalogSupport, string][]
  ).filter(([, name]) => checkedBoolean(key, name, field(name)));
  if (supports.length > 0) entry.supports = supports.map(([support]) => support);
  const deprecation = field('deprecation_date');
  if (deprecation !== undefined) {
    if (typeof deprecation !== 'string' || !DATE.test(deprecation))
      throw new TableError(`entry "${key}": deprecation_date is not a YYYY-MM-DD date`);
    entry.deprecated = { date: deprecation, source: 'litellm' };
  }
  return entry;
}

function convertPrice(key: string, spec: Record<string, unknown>): CatalogPrice | undefined {
  const perM = (name: string) => {
    const perToken = checkedNumber(key, name, spec[name], 0, MAX_USD_PER_TOKEN, false);
    // Per 1M, rounded to 6 decimals: 1.25e-6 * 1e6 is 1.2499999999999998 in floating point.
    return perToken === undefined ? undefined : Math.round(perToken * 1e12) / 1e6;
  };
  const input = perM('input_cost_per_token');
  const output = perM('output_cost_per_token');
  if (input === undefined || output === undefined) return undefined; // unknown price stays unknown, never $0
  const price: CatalogPrice = { in: input, out: output };
  const optional: [keyof CatalogPrice, number | undefined][] = [
    ['cacheRead', perM('cache_read_input_token_cost') ?? perM('input_cost_per_token_cache_hit')],
    ['cacheWrite', perM('cache_creation_input_token_cost')],
    ['cacheWrite1h', perM('cache_creation_input_token_cost_above_1hr')],
    ['reasoning', perM('output_cost_per_reasoning_token')],
  ];
  for (const [name, value] of optional) if (value !== undefined) (price as unknown as Record<string, number>)[name] = value;
  const tiers = tierThresholds(spec).map((k) => {
    const above = `above_${k}k_tokens`;
    const tier = {
      above: k * 1000,
      in: perM(`input_cost_per_token_${above}`) ?? input,
      out: perM(`output_cost_per_token_${above}`) ?? output,
    };
    const cacheRead = perM(`cache_read_input_token_cost_${above}`);
    const cacheWrite = perM(`cache_creation_input_token_cost_${above}`);
    const cacheWrite1h = perM(`cache_creation_input_token_cost_above_1hr_${above}`);
    return {
      ...tier,
      ...(cacheRead !== undefined ? { cacheRead } : {}),
      ...(cacheWrite !== undefined ? { cacheWrite } : {}),
      ...(cacheWrite1h !== undefined ? { cacheWrite1h } : {}),
    };
  });
  if (tiers.length > 0) price.tiers = tiers;
  return price;
}

/** The N of every `input_cost_per_token_above_<N>k_tokens` (standard tier only: `_priority` keys are another service tier). */
function tierThresholds(spec: Record<string, unknown>): number[] {
  const found = new Set<number>();
  for (const name of Object.keys(spec)) {
    const match = /^(?:input|output)_cost_per_token_above_(\d+)k_tokens$/.exec(name);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function checkedNumber(key: string, name: string, value: unknown, min: number, max: number, integer: boolean): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TableError(`entry "${key}": ${name} is ${JSON.stringify(value)}, not a number`);
  if (value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TableError(`entry "${key}": ${name} = ${value} is outside the sane range ${min}..${max}`);
  }
  return value;
}

function checkedBoolean(key: string, name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new TableError(`entry "${key}": ${name} is ${JSON.stringify(value)}, not true/false`);
  return value;
}

function tableDate(lastUpdated: unknown, retrieved: string): string {
  if (typeof lastUpdated === 'string' && DATE.test(lastUpdated.slice(0, 10))) return lastUpdated.slice(0, 10);
  return retrieved.slice(0, 10);
}

/** A dated snapshot's suffix: `-20250805`, `-2024-08-06`. */
const SNAPSHOT_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * Deprecation dates LiteLLM lacks, by rule: a date from `extraDeprecations` (the Anthropic SDK's list) for a model
 * without one; then an alias (`claude-opus-4-1`) takes the date of its one dated snapshot (`claude-opus-4-1-20250805`),
 * since the alias points to that snapshot and retires with it.
 */
function applyDeprecationRules(models: CatalogEntry[], extra: Readonly<Record<string, string>>): void {
  for (const model of models) {
    const date = extra[model.ref];
    if (!model.deprecated && date && DATE.test(date)) model.deprecated = { date, source: 'anthropic-sdk' };
  }
  const snapshots = new Map<string, CatalogEntry[]>();
  for (const model of models) {
    if (!SNAPSHOT_SUFFIX.test(model.ref)) continue;
    const alias = model.ref.replace(SNAPSHOT_SUFFIX, '');
    snapshots.set(alias, [...(snapshots.get(alias) ?? []), model]);
  }
  for (const model of models) {
    const dated = snapshots.get(model.ref);
    if (model.deprecated || dated?.length !== 1 || !dated[0].deprecated) continue;
    model.deprecated = { date: dated[0].deprecated.date, source: 'snapshot' };
  }
}
