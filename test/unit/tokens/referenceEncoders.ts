import { createRequire } from 'node:module';
import type { TiktokenBPE } from 'js-tiktoken/lite';
import { get_encoding, type Tiktoken as WasmTiktoken } from 'tiktoken';
import { loadTokenizer } from '../../../src/core/tokens/encodings';
import type { EncodingName } from '../../../src/core/models/modelInfo';
import type { Tokenizer } from '../../../src/core/tokens/tokenizer';
import { TokenPairRanks } from '../../../src/core/tokens/tokenPairRanks';

// js-tiktoken's package exports (ranks/*) are invisible to this tsconfig's node10 resolution; require them untyped.
export const jsTiktokenRanks = (encoding: EncodingName): TiktokenBPE =>
  createRequire(__filename)(`js-tiktoken/ranks/${encoding}`) as TiktokenBPE;

/** A fresh rank index of `encoding`, built the way the shared tokenizer builds it (from js-tiktoken's rank text). */
export function pairRanksOf(encoding: EncodingName): Promise<TokenPairRanks> {
  return TokenPairRanks.fromCompressedRanks(jsTiktokenRanks(encoding).bpe_ranks);
}

/**
 * Mocha hooks for a suite that checks our counts against OpenAI's tiktoken (WASM): per encoding, the reference
 * encoder and our tokenizer, loaded before the suite and the WASM encoders freed after it.
 */
export function useReferenceEncoders(encodings: readonly EncodingName[]): {
  wasm(encoding: EncodingName): WasmTiktoken;
  ours(encoding: EncodingName): Tokenizer;
} {
  const wasm = new Map<EncodingName, WasmTiktoken>();
  const ours = new Map<EncodingName, Tokenizer>();
  before(async function () {
    this.timeout(60_000);
    for (const encoding of encodings) {
      wasm.set(encoding, get_encoding(encoding));
      ours.set(encoding, await loadTokenizer(encoding));
    }
  });
  after(() => {
    for (const encoder of wasm.values()) encoder.free();
    wasm.clear();
  });
  const loaded = <T>(map: Map<EncodingName, T>, encoding: EncodingName): T => {
    const value = map.get(encoding);
    if (value === undefined) throw new Error(`${encoding} is loaded in the suite's before hook: use it inside a test`);
    return value;
  };
  return { wasm: (encoding) => loaded(wasm, encoding), ours: (encoding) => loaded(ours, encoding) };
}
