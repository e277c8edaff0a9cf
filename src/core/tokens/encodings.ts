import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import type { EncodingName, ModelInfo, TokenizerSpec } from '../models/modelInfo';
import { PieceEncoder } from './pieceEncoder';
import { TokenPairRanks, type RankTables } from './tokenPairRanks';
import type { Tokenizer } from './tokenizer';

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
  const ranks = requireRanks(name);
  const tables = await buildRankTablesInSlices(ranks);
  // Special-token strings such as `<|endoftext|>` are counted as the ordinary text they are in a user's file,
  // instead of throwing (js-tiktoken's default) or collapsing into one special token.
  const pieces = new PieceEncoder(ranks.pat_str, await TokenPairRanks.build(tables));
  return { encoding: name, encode: (text) => pieces.encode(text), count: (text) => pieces.count(text) };
}

/**
 * The rank tables are ~1-2 MB modules. In the bundled extension and CLI they are separate files
 * (`dist/ranks/<name>.js`, next to `dist/extension.js` and `dist/cli.js`, one level up from `dist/workers/`),
 * so they stay out of the activation bundle; from sources (tests, tsx) they come from js-tiktoken itself.
 */
function requireRanks(name: EncodingName): TiktokenBPE {
  const load = createRequire(__filename);
  const candidates = [join(__dirname, 'ranks', `${name}.js`), join(__dirname, '..', 'ranks', `${name}.js`)];
  const bundled = candidates.find((file) => existsSync(file));
  try {
    return load(bundled ?? `js-tiktoken/ranks/${name}`) as TiktokenBPE;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `Could not load the ${name} token ranks (looked for ${candidates.join(', ')} and js-tiktoken/ranks/${name}): ${reason}. ` +
        'Rebuild with `npm run build`, or reinstall the extension.',
      { cause: error },
    );
  }
}

const TOKENS_PER_SLICE = 2048;

/**
 * The encoding's tokens (rank → bytes, js-tiktoken's `textMap`, which `new Tiktoken(ranks)` builds in one blocking
 * pass together with a string-keyed map we do not need), filled in slices that yield to the event loop instead.
 */
async function buildRankTablesInSlices(ranks: TiktokenBPE): Promise<RankTables> {
  const textMap = new Map<number, Uint8Array>();
  const data = ranks.bpe_ranks;
  let sinceYield = 0;
  // Format (js-tiktoken's compressed ranks): lines of `<prefix> <first rank> <base64 token> <base64 token> ...`.
  // Scanned with indexOf rather than split(' '): splitting o200k's one 2 MB line alone blocks for ~40 ms.
  for (let lineStart = 0; lineStart < data.length;) {
    let lineEnd = data.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = data.length;
    const prefixEnd = data.indexOf(' ', lineStart);
    const offsetEnd = prefixEnd === -1 || prefixEnd >= lineEnd ? -1 : data.indexOf(' ', prefixEnd + 1);
    if (offsetEnd !== -1 && offsetEnd < lineEnd) {
      let rank = Number.parseInt(data.slice(prefixEnd + 1, offsetEnd), 10);
      for (let tokenStart = offsetEnd + 1; tokenStart < lineEnd; rank++) {
        let tokenEnd = data.indexOf(' ', tokenStart);
        if (tokenEnd === -1 || tokenEnd > lineEnd) tokenEnd = lineEnd;
        const bytes = Buffer.from(data.slice(tokenStart, tokenEnd), 'base64');
        textMap.set(rank, bytes);
        tokenStart = tokenEnd + 1;
        if (++sinceYield === TOKENS_PER_SLICE) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return { textMap };
}
