import type { ModelRef } from '../models/modelRef';

/** Model-id prefixes that tell the provider when a prompt file or the CLI names a model without one. */
const PROVIDER_BY_PREFIX: [RegExp, string][] = [
  [/^(gpt-|o\d(-|$)|chatgpt-|text-embedding-)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^gemini-/, 'gemini'],
  [/^(mistral-|ministral-|codestral-|open-mistral-)/, 'mistral'],
];

/**
 * A `provider:model` reference from what people write: `openai:gpt-4o` stays as is; a bare id (`gpt-4o`,
 * `claude-sonnet-4-5`) or a display name as Copilot prompt files use it (`GPT-4o`, `GPT-4o (copilot)`,
 * `Claude Sonnet 4.5`) gets its provider from the id's family. Unrecognized bare names are returned lower-cased,
 * which the catalog then reports as unknown.
 */
export function normalizeModelRef(name: string): ModelRef {
  const trimmed = name.trim();
  if (/^[\w.-]+:/.test(trimmed)) return trimmed;
  const id = trimmed
    .replace(/\s*\([^)]*\)\s*$/, '') // "GPT-4o (copilot)"
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^(claude-(?:sonnet|haiku|opus)-\d+)\.(\d+)/, '$1-$2'); // "Claude Sonnet 4.5" -> claude-sonnet-4-5
  const provider = PROVIDER_BY_PREFIX.find(([pattern]) => pattern.test(id))?.[1];
  return provider ? `${provider}:${id}` : id;
}
