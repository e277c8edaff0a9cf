import type { TiktokenBPE } from 'js-tiktoken/lite';
import type { EncodingName } from '../models/modelInfo';
import { PieceEncoder } from './pieceEncoder';
import { TokenPairRanks } from './tokenPairRanks';
import type { Tokenizer } from './tokenizer';

/**
 * The tokenizer for one encoding's rank table. Its own bundle (`dist/tokenizer.js`), required by encodings.ts with
 * the first table it loads, so the code is compiled only where something counts.
 */
export async function tokenizerFromRanks(name: EncodingName, ranks: TiktokenBPE): Promise<Tokenizer> {
  // Special-token strings such as `<|endoftext|>` are counted as the ordinary text they are in a user's file,
  // instead of throwing (js-tiktoken's default) or collapsing into one special token.
  const pieces = new PieceEncoder(ranks.pat_str, await TokenPairRanks.fromCompressedRanks(ranks.bpe_ranks));
  return {
    encoding: name,
    encode: (text) => pieces.encode(text),
    count: (text) => pieces.count(text),
    // Only with the hand-written pre-tokenizer: compressedRuns.ts's argument is about its o200k and cl100k scanners.
    runs: pieces.hasScanner ? { tokenEnds: (text) => pieces.tokenEnds(text), runBlock: (unit) => pieces.runBlock(unit) } : undefined,
  };
}
