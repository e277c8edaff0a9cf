import { getEncodingNameForModel } from 'js-tiktoken/lite';
import type { EncodingName, TokenizerSpec } from './modelInfo';

/** Models without a public tokenizer (and unknown models) are counted with o200k and marked as an estimate. */
export const ESTIMATE_TOKENIZER: TokenizerSpec = { kind: 'estimate', encoding: 'o200k_base' };

/** Catalog providers whose ids are OpenAI's own model ids (Azure deployments of OpenAI models, OpenRouter's `openai/…`). */
const OPENAI_HOSTS = new Set(['openai', 'azure']);

/**
 * The encoding js-tiktoken's own model map gives an OpenAI model id, or undefined when the map does not know it.
 * Fine-tunes (`ft:gpt-4o-2024-08-06:org::id`) count with their base model's encoding; a dated id the map lacks
 * (`gpt-4o-mini-2024-07-18` is there, some are not) with its undated base's. Nothing is guessed beyond the map:
 * `gpt-5.1` is not in it, so it is an estimate until js-tiktoken says otherwise.
 */
export function tiktokenEncodingFor(modelId: string): string | undefined {
  const base = modelId.startsWith('ft:') ? modelId.slice(3).split(':')[0] : modelId;
  for (const candidate of [base, base.replace(/-\d{4}-\d{2}-\d{2}$/, '')]) {
    try {
      return getEncodingNameForModel(candidate as Parameters<typeof getEncodingNameForModel>[0]);
    } catch {
      // not in the map: try the undated id, then give up
    }
  }
  return undefined;
}

/**
 * How a catalog model's tokens are counted, by rule rather than per model: exact o200k/cl100k for OpenAI ids
 * js-tiktoken's model map knows (on OpenAI, Azure, and OpenRouter's `openai/` ids), an o200k estimate elsewhere.
 */
export function tokenizerRule(provider: string, modelId: string): TokenizerSpec {
  const id = provider === 'openrouter' && modelId.startsWith('openai/') ? modelId.slice('openai/'.length) : modelId;
  const openai = OPENAI_HOSTS.has(provider) || id !== modelId;
  if (!openai) return ESTIMATE_TOKENIZER;
  const encoding = tiktokenEncodingFor(id);
  return encoding === 'o200k_base' || encoding === 'cl100k_base'
    ? { kind: 'exact', encoding: encoding as EncodingName }
    : ESTIMATE_TOKENIZER;
}
