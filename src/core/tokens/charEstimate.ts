/**
 * The one rough token count: about 4 characters per token (OpenAI's rule of thumb for English). Used only where no
 * tokenizer can count (a server that reports no usage, a tokenizer that failed to load, a stream cut before its
 * usage report) and always labelled an estimate by its caller.
 */
export const CHARS_PER_TOKEN = 4;

export function estimateTokensFromChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}
