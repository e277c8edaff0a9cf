import type { EncodingName } from '../models/modelInfo';
import { countTokens } from './encodings';

/**
 * Counts of whole texts, most recent kept. Copilot re-counts the same conversation on every turn; a hit is a map
 * lookup instead of a pass over the text. Exact either way: the cached value is the count.
 */
export class TextCountCache {
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = 512) {}

  async count(text: string, encoding: EncodingName): Promise<number> {
    const key = `${encoding}\u0000${text}`;
    const hit = this.counts.get(key);
    if (hit !== undefined) {
      this.counts.delete(key);
      this.counts.set(key, hit);
      return hit;
    }
    const tokens = await countTokens(text, encoding);
    if (this.counts.size >= this.capacity) this.counts.delete(this.counts.keys().next().value as string);
    this.counts.set(key, tokens);
    return tokens;
  }
}
