/**
 * The shipped (and refreshed) model catalog as stored on disk: only the fields we use from LiteLLM's
 * `model_prices_and_context_window.json`, prices per 1M tokens, with the table's origin, date and MIT notice.
 * Written by `convertLitellmTable` (the `npm run catalog` script and the refresh path), read by `catalogModels`.
 */

export const CATALOG_FORMAT = 1;

/** Per 1M tokens (as people quote them; the file stays readable and small). */
export interface CatalogPrice {
  in: number;
  out: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  reasoning?: number;
  tiers?: { above: number; in: number; out: number; cacheRead?: number; cacheWrite?: number; cacheWrite1h?: number }[];
}

export type CatalogSupport = 'vision' | 'tools' | 'caching' | 'reasoning';

export interface CatalogEntry {
  /** `provider:model` */
  ref: string;
  /** max_input_tokens (else LiteLLM's legacy max_tokens); absent when the table gives no limit at all. */
  in?: number;
  /** max_output_tokens (else max_tokens); absent when unknown. */
  out?: number;
  price?: CatalogPrice;
  supports?: CatalogSupport[];
  deprecated?: { date: string; source: 'litellm' | 'anthropic-sdk' | 'snapshot' };
}

export interface CatalogSource {
  /** Where the table was read from: a URL or a file name. */
  url: string;
  /** The table's own date (its `last_updated`), else when it was fetched: YYYY-MM-DD. */
  date: string;
  /** When this catalog was generated or downloaded (ISO). */
  retrieved: string;
}

export interface CatalogData {
  format: typeof CATALOG_FORMAT;
  source: CatalogSource;
  /** LiteLLM's MIT licence notice: it travels with every copy of the data. */
  notice: string;
  models: CatalogEntry[];
}

export const LITELLM_TABLE_URL = 'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json';

export const LITELLM_NOTICE = `Model prices and limits from LiteLLM's model_prices_and_context_window.json
(https://github.com/BerriAI/litellm), used under the MIT License:

MIT License

Copyright (c) 2023 Berri AI

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** Structural check of a stored catalog (a file in global storage may be old, cut short or edited by hand). */
export function isCatalogData(value: unknown): value is CatalogData {
  if (!value || typeof value !== 'object') return false;
  const data = value as Partial<CatalogData>;
  return (
    data.format === CATALOG_FORMAT &&
    typeof data.notice === 'string' &&
    typeof data.source?.date === 'string' &&
    typeof data.source?.url === 'string' &&
    Array.isArray(data.models) &&
    data.models.every((m) => m && typeof m.ref === 'string' && m.ref.includes(':') && optionalCount(m.in) && optionalCount(m.out))
  );
}

function optionalCount(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isInteger(value) && value > 0);
}
