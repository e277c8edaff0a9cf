import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import type { EncodingName, ModelInfo, TokenizerSpec } from '../models/modelInfo';
import type { Tokenizer } from './tokenizer';
import { loadBundle } from '../runtime/bundleLoader';

/** Every encoding this build can load. */
export const ENCODING_NAMES: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];

/** Models without a public tokenizer (and unknown models) are counted with o200k and marked as an estimate. */
export const FALLBACK_TOKENIZER: TokenizerSpec = { kind: 'estimate', encoding: 'o200k_base' };

export function isEncodingName(name: string): name is EncodingName {
  return (ENCODING_NAMES as readonly string[]).includes(name);
}

/** How to count tokens for `model`; no model (or an unknown one) gets the o200k estimate. */
export function tokenizerSpecFor(model: ModelInfo | undefined): TokenizerSpec {
  return model?.tokenizer ?? FALLBACK_TOKENIZER;
}

const loading = new Map<EncodingName, Promise<Tokenizer>>();
const loaded = new Set<EncodingName>();

/**
 * The tokenizer for `name`, loaded on first use and cached: concurrent callers share one load. Building the
 * o200k rank table takes a few hundred milliseconds (js-tiktoken's own constructor ~0.7-1 s), so it happens in
 * slices that yield to the event loop (a keystroke or a status-bar update is never stuck behind it), and never at
 * import time.
 */
export function loadTokenizer(name: EncodingName): Promise<Tokenizer> {
  if (!isEncodingName(name)) return Promise.reject(new Error(`Unknown encoding "${String(name)}": use ${ENCODING_NAMES.join(' or ')}.`));
  let pending = loading.get(name);
  if (!pending) {
    pending = buildTokenizer(name).then(
      (tokenizer) => {
        loaded.add(name);
        return tokenizer;
      },
      (error: unknown) => {
        loading.delete(name); // a failed load may be retried (e.g. after a rebuild restored dist/ranks)
        throw error;
      },
    );
    loading.set(name, pending);
  }
  return pending;
}

/** True once `loadTokenizer(name)` has finished: callers can tell "counting…" from a real count. */
export function isTokenizerLoaded(name: EncodingName): boolean {
  return loaded.has(name);
}

/** Tokens in `text` with `encoding` (loads the encoding on first use). */
export async function countTokens(text: string, encoding: EncodingName): Promise<number> {
  return (await loadTokenizer(encoding)).count(text);
}

/**
 * A new tokenizer for `name` with its own empty caches, not the shared one `loadTokenizer` returns: for benchmarks
 * and tests that measure or check a first (cold) count. Builds the rank tables again (a few hundred milliseconds).
 */
export function createTokenizer(name: EncodingName): Promise<Tokenizer> {
  if (!isEncodingName(name)) return Promise.reject(new Error(`Unknown encoding "${String(name)}": use ${ENCODING_NAMES.join(' or ')}.`));
  return buildTokenizer(name);
}

async function buildTokenizer(name: EncodingName): Promise<Tokenizer> {
  const ranks = await readRanks(name);
  return pieceTokenizer().tokenizerFromRanks(name, ranks);
}

type PieceTokenizer = typeof import('./pieceTokenizer');
let pieceTokenizerModule: PieceTokenizer | undefined;

/**
 * The tokenizer's code (pre-tokenizer, rank tables, byte-pair merge and their caches), loaded with the first rank
 * table. The extension counts documents in the worker, so extension.js leaves it out (the build flag
 * LLM_WORKBENCH_LAZY_CORE, core/runtime/buildFlags.d.ts) and loads `dist/tokenizer.js` beside it, by a path built at
 * run time, through the host's loader (V8's code cache) on its first in-process count; the worker's and the CLI's
 * bundles and the sources include the module as usual.
 */
function pieceTokenizer(): PieceTokenizer {
  if (pieceTokenizerModule) return pieceTokenizerModule;
  if (typeof LLM_WORKBENCH_LAZY_CORE !== 'undefined' && LLM_WORKBENCH_LAZY_CORE) {
    pieceTokenizerModule = loadBundle<PieceTokenizer>(join(__dirname, 'tokenizer.js'), 'tokenizer');
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- bundled here, left out of extension.js (above)
    pieceTokenizerModule = require('./pieceTokenizer') as PieceTokenizer;
  }
  return pieceTokenizerModule;
}

/**
 * The rank tables are ~1-2 MB. In the bundled extension and CLI they are data files (`dist/ranks/<name>.json`, next
 * to `dist/extension.js` and `dist/cli.js`, one level up from `dist/workers/`), so they stay out of the activation
 * bundle; from sources (tests, tsx) they come from js-tiktoken's own module file. Either is read as data, off the
 * event loop, never `require`d: compiling js-tiktoken's 2.3 MB o200k module blocks the thread for ~100 ms.
 */
async function readRanks(name: EncodingName): Promise<TiktokenBPE> {
  const candidates = [join(__dirname, 'ranks', `${name}.json`), join(__dirname, '..', 'ranks', `${name}.json`)];
  let file = candidates.find((path) => existsSync(path));
  try {
    file ??= createRequire(__filename).resolve(`js-tiktoken/ranks/${name}`);
    return parseRankFile(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `Could not load the ${name} token ranks (looked for ${candidates.join(', ')} and js-tiktoken/ranks/${name}): ${reason}. ` +
        'Rebuild with `npm run build`, or reinstall the extension.',
      { cause: error },
    );
  }
}

/** The rank object from a rank file: JSON, or js-tiktoken's CommonJS module of it (`module.exports = {…};`). */
export function parseRankFile(text: string): TiktokenBPE {
  let json = text.trim();
  const wrapper = /^module\.exports\s*=\s*/.exec(json.slice(0, 64));
  if (wrapper) json = json.slice(wrapper[0].length);
  if (json.endsWith(';')) json = json.slice(0, -1);
  const ranks = JSON.parse(json) as Partial<TiktokenBPE> | null;
  if (typeof ranks?.pat_str !== 'string' || typeof ranks.bpe_ranks !== 'string')
    throw new Error('not a rank table (no pat_str or bpe_ranks)');
  return ranks as TiktokenBPE;
}
