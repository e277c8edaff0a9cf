import type { CatalogStore } from './catalogStore';
import { LITELLM_TABLE_URL, type CatalogData, type CatalogPrice } from './litellm/catalogData';
import { convertLitellmTable, TableError } from './litellm/convertLitellmTable';

/** LiteLLM's table is ~1.5 MB; anything past this is not that table (or is hostile), and is not read further. */
export const MAX_TABLE_BYTES = 20 * 1024 * 1024;
export const DEFAULT_REFRESH_TIMEOUT_MS = 30_000;

export interface DownloadOptions {
  fetch?: typeof fetch;
  maxBytes?: number;
  timeoutMs?: number;
}

export class RefreshError extends Error {}

/**
 * Downloads and parses a table: refuses a non-2xx answer, a body over `maxBytes` (stops reading there), a
 * download slower than `timeoutMs`, and text that is not JSON (a cut-off download is not).
 */
export async function downloadTable(url: string, options: DownloadOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? MAX_TABLE_BYTES;
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await (options.fetch ?? fetch)(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok)
      throw new RefreshError(`${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes)
      throw new RefreshError(`${url} is ${mb(declared)}: larger than the ${mb(maxBytes)} a price table can be`);
    const text = await readCapped(response, maxBytes, url);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new RefreshError(`${url} is not valid JSON (cut off or not the price table): ${(error as Error).message}`);
    }
  } catch (error) {
    if (error instanceof RefreshError) throw error;
    if (controller.signal.aborted) throw new RefreshError(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new RefreshError(`${url} could not be downloaded: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RefreshError(`${url} is larger than the ${mb(maxBytes)} a price table can be: stopped reading`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MB`;

export interface PriceChange {
  ref: string;
  before: CatalogPrice | undefined;
  after: CatalogPrice | undefined;
}

export interface CatalogChanges {
  added: string[];
  removed: string[];
  priceChanged: PriceChange[];
  /** Input/output limits or deprecation dates that changed. */
  otherChanged: string[];
}

/** What a new table changes for the user: models added and removed, prices (any field, tiers included) changed. */
export function diffCatalogs(before: CatalogData, after: CatalogData): CatalogChanges {
  const old = new Map(before.models.map((m) => [m.ref, m]));
  const now = new Map(after.models.map((m) => [m.ref, m]));
  const changes: CatalogChanges = { added: [], removed: [], priceChanged: [], otherChanged: [] };
  for (const [ref, model] of now) {
    const previous = old.get(ref);
    if (!previous) {
      changes.added.push(ref);
      continue;
    }
    if (JSON.stringify(previous.price) !== JSON.stringify(model.price))
      changes.priceChanged.push({ ref, before: previous.price, after: model.price });
    else if (previous.in !== model.in || previous.out !== model.out || previous.deprecated?.date !== model.deprecated?.date)
      changes.otherChanged.push(ref);
  }
  for (const ref of old.keys()) if (!now.has(ref)) changes.removed.push(ref);
  return changes;
}

const usd = (perM: number | undefined) => (perM === undefined ? 'none' : `$${Number(perM.toFixed(4))}`);
const PRICE_FIELDS: [keyof CatalogPrice, string][] = [
  ['in', 'input'],
  ['out', 'output'],
  ['cacheRead', 'cache read'],
  ['cacheWrite', 'cache write'],
  ['cacheWrite1h', '1-hour cache write'],
  ['reasoning', 'reasoning'],
];

/** `openai:o3: input $2 → $1.5, output $8 → $6 per 1M`: only the fields that changed. */
function priceDelta(change: PriceChange): string {
  if (!change.before || !change.after) return `${change.ref}: ${change.before ? 'price now unknown' : 'price now known'}`;
  const parts = PRICE_FIELDS.filter(([field]) => change.before![field] !== change.after![field]).map(
    ([field, label]) => `${label} ${usd(change.before![field] as number | undefined)} → ${usd(change.after![field] as number | undefined)}`,
  );
  if (JSON.stringify(change.before.tiers) !== JSON.stringify(change.after.tiers)) parts.push('prices above a prompt size');
  return `${change.ref}: ${parts.join(', ')} per 1M`;
}

/** One paragraph for a notification or the terminal. */
export function describeChanges(changes: CatalogChanges, limit = 5): string {
  const list = (refs: string[]) => refs.slice(0, limit).join(', ') + (refs.length > limit ? `, … (${refs.length - limit} more)` : '');
  const parts: string[] = [];
  if (changes.added.length) parts.push(`${changes.added.length} added (${list(changes.added)})`);
  if (changes.removed.length) parts.push(`${changes.removed.length} removed (${list(changes.removed)})`);
  if (changes.priceChanged.length) {
    const shown = changes.priceChanged.slice(0, limit).map(priceDelta);
    const more = changes.priceChanged.length > limit ? `, … (${changes.priceChanged.length - limit} more)` : '';
    parts.push(`${changes.priceChanged.length} price${changes.priceChanged.length === 1 ? '' : 's'} changed (${shown.join('; ')}${more})`);
  }
  if (changes.otherChanged.length) parts.push(`${changes.otherChanged.length} with new limits or deprecation dates`);
  return parts.length ? `${parts.join('; ')}.` : 'No model was added or removed and no price changed.';
}

export interface RefreshOptions extends DownloadOptions {
  url?: string;
  now?: () => Date;
}

export type RefreshOutcome =
  { ok: true; before: CatalogData; after: CatalogData; changes: CatalogChanges } | { ok: false; reason: string; kept: CatalogData };

/**
 * "Update Model Prices" / `models --update`: download LiteLLM's current table, validate and convert it, store it
 * and use it. Any failure (network, HTTP status, size, JSON, types, ranges) leaves the previous table in place.
 * Deprecation dates that came from the Anthropic SDK's list carry over (LiteLLM lacks them).
 */
export async function refreshCatalog(store: CatalogStore, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  const before = store.data();
  const url = options.url ?? LITELLM_TABLE_URL;
  let after: CatalogData;
  try {
    const raw = await downloadTable(url, options);
    const extraDeprecations: Record<string, string> = {};
    for (const model of before.models)
      if (model.deprecated?.source === 'anthropic-sdk') extraDeprecations[model.ref] = model.deprecated.date;
    after = convertLitellmTable(raw, { url, retrieved: (options.now?.() ?? new Date()).toISOString(), extraDeprecations });
  } catch (error) {
    if (error instanceof RefreshError || error instanceof TableError) return { ok: false, reason: error.message, kept: before };
    throw error;
  }
  try {
    store.replace(after);
  } catch (error) {
    return { ok: false, reason: `the new table could not be stored: ${(error as Error).message}`, kept: before };
  }
  return { ok: true, before, after, changes: diffCatalogs(before, after) };
}
