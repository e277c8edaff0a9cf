import type { EncodingName } from '../models/modelInfo';

/** A loaded BPE encoding. Obtain one with `loadTokenizer(name)` from `./encodings` (lazy, cached). */
export interface Tokenizer {
  readonly encoding: EncodingName;
  encode(text: string): number[];
  count(text: string): number;
}
