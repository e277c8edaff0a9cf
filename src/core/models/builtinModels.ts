import type { EncodingName, ModelInfo, ModelPrice } from './modelInfo';

/** Prices are quoted per 1M tokens (seeds/002 "Pricing comparison, early 2026", plus current models). */
function perMTok(input: number, output: number, extra: { cacheRead?: number; cacheWrite?: number } = {}): ModelPrice {
  const price: ModelPrice = { input: input / 1e6, output: output / 1e6 };
  if (extra.cacheRead !== undefined) price.cacheRead = extra.cacheRead / 1e6;
  if (extra.cacheWrite !== undefined) price.cacheWrite = extra.cacheWrite / 1e6;
  return price;
}

interface Seed {
  ref: string;
  name: string;
  ctx: number;
  out: number;
  price?: ModelPrice;
  enc?: EncodingName;
  estimate?: boolean;
  local?: boolean;
}

const K = 1000;
const anthropicCache = (input: number, output: number) => perMTok(input, output, { cacheRead: input * 0.1, cacheWrite: input * 1.25 });

const SEEDS: Seed[] = [
  // OpenAI: public tokenizers, exact counts.
  { ref: 'openai:gpt-4o', name: 'GPT-4o', ctx: 128 * K, out: 16384, price: perMTok(2.5, 10, { cacheRead: 1.25 }) },
  { ref: 'openai:gpt-4o-mini', name: 'GPT-4o mini', ctx: 128 * K, out: 16384, price: perMTok(0.15, 0.6, { cacheRead: 0.075 }) },
  { ref: 'openai:o3', name: 'o3', ctx: 200 * K, out: 100 * K, price: perMTok(10, 40, { cacheRead: 2.5 }) },
  { ref: 'openai:o4-mini', name: 'o4-mini', ctx: 200 * K, out: 100 * K, price: perMTok(1.1, 4.4, { cacheRead: 0.275 }) },
  { ref: 'openai:gpt-4.1', name: 'GPT-4.1', ctx: 1047576, out: 32768, price: perMTok(2, 8, { cacheRead: 0.5 }) },
  { ref: 'openai:gpt-4.1-mini', name: 'GPT-4.1 mini', ctx: 1047576, out: 32768, price: perMTok(0.4, 1.6, { cacheRead: 0.1 }) },
  { ref: 'openai:gpt-4.1-nano', name: 'GPT-4.1 nano', ctx: 1047576, out: 32768, price: perMTok(0.1, 0.4, { cacheRead: 0.025 }) },
  { ref: 'openai:gpt-5', name: 'GPT-5', ctx: 400 * K, out: 128 * K, price: perMTok(1.25, 10, { cacheRead: 0.125 }) },
  { ref: 'openai:gpt-5-mini', name: 'GPT-5 mini', ctx: 400 * K, out: 128 * K, price: perMTok(0.25, 2, { cacheRead: 0.025 }) },
  { ref: 'openai:gpt-5-nano', name: 'GPT-5 nano', ctx: 400 * K, out: 128 * K, price: perMTok(0.05, 0.4, { cacheRead: 0.005 }) },
  { ref: 'openai:gpt-4-turbo', name: 'GPT-4 Turbo', ctx: 128 * K, out: 4096, price: perMTok(10, 30), enc: 'cl100k_base' },
  { ref: 'openai:gpt-3.5-turbo', name: 'GPT-3.5 Turbo', ctx: 16385, out: 4096, price: perMTok(0.5, 1.5), enc: 'cl100k_base' },
  // Anthropic: no public tokenizer for current models -> estimates (o200k proxy) unless count_tokens is available.
  { ref: 'anthropic:claude-sonnet-4-5', name: 'Claude Sonnet 4.5', ctx: 200 * K, out: 64 * K, price: anthropicCache(3, 15), estimate: true },
  { ref: 'anthropic:claude-haiku-4-5', name: 'Claude Haiku 4.5', ctx: 200 * K, out: 64 * K, price: anthropicCache(1, 5), estimate: true },
  { ref: 'anthropic:claude-opus-4-1', name: 'Claude Opus 4.1', ctx: 200 * K, out: 32 * K, price: anthropicCache(15, 75), estimate: true },
  { ref: 'anthropic:claude-3-5-haiku-latest', name: 'Claude 3.5 Haiku', ctx: 200 * K, out: 8192, price: anthropicCache(0.8, 4), estimate: true },
  // Google: estimates.
  { ref: 'gemini:gemini-2.5-pro', name: 'Gemini 2.5 Pro', ctx: 1048576, out: 65536, estimate: true,
    price: { ...perMTok(1.25, 10), tiers: [{ aboveInputTokens: 200 * K, input: 2.5 / 1e6, output: 15 / 1e6 }] } },
  { ref: 'gemini:gemini-2.5-flash', name: 'Gemini 2.5 Flash', ctx: 1048576, out: 65536, price: perMTok(0.3, 2.5), estimate: true },
  { ref: 'gemini:gemini-2.0-flash', name: 'Gemini 2.0 Flash', ctx: 1048576, out: 8192, price: perMTok(0.1, 0.4), estimate: true },
  { ref: 'gemini:gemini-1.5-pro', name: 'Gemini 1.5 Pro', ctx: 2097152, out: 8192, price: perMTok(1.25, 5), estimate: true },
  // Mistral: estimates.
  { ref: 'mistral:mistral-large-latest', name: 'Mistral Large', ctx: 128 * K, out: 8192, price: perMTok(2, 6), estimate: true },
  { ref: 'mistral:mistral-small-latest', name: 'Mistral Small', ctx: 128 * K, out: 8192, price: perMTok(0.1, 0.3), estimate: true },
  // Llama via hosts (OpenAI-compatible endpoints): estimates.
  { ref: 'together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', name: 'Llama 3.1 70B (Together)', ctx: 128 * K, out: 4096, price: perMTok(0.88, 0.88), estimate: true },
  { ref: 'together:meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', name: 'Llama 3.1 8B (Together)', ctx: 128 * K, out: 4096, price: perMTok(0.18, 0.18), estimate: true },
  { ref: 'groq:llama-3.1-8b-instant', name: 'Llama 3.1 8B (Groq)', ctx: 128 * K, out: 8192, price: perMTok(0.05, 0.08), estimate: true },
  { ref: 'groq:llama-3.3-70b-versatile', name: 'Llama 3.3 70B (Groq)', ctx: 128 * K, out: 32768, price: perMTok(0.59, 0.79), estimate: true },
  // Local models through Ollama: free to run; the window is the server's num_ctx (default 4096), not the family maximum.
  { ref: 'ollama:llama3.1:8b', name: 'Llama 3.1 8B (Ollama)', ctx: 4096, out: 4096, price: perMTok(0, 0), estimate: true, local: true },
  { ref: 'ollama:llama3.2:3b', name: 'Llama 3.2 3B (Ollama)', ctx: 4096, out: 4096, price: perMTok(0, 0), estimate: true, local: true },
  { ref: 'ollama:qwen2.5-coder:7b', name: 'Qwen2.5 Coder 7B (Ollama)', ctx: 4096, out: 4096, price: perMTok(0, 0), estimate: true, local: true },
  { ref: 'ollama:mistral:7b', name: 'Mistral 7B (Ollama)', ctx: 4096, out: 4096, price: perMTok(0, 0), estimate: true, local: true },
];

export const BUILTIN_MODELS: readonly ModelInfo[] = SEEDS.map((seed) => {
  const colon = seed.ref.indexOf(':');
  const encoding = seed.enc ?? 'o200k_base';
  return {
    ref: seed.ref,
    provider: seed.ref.slice(0, colon),
    id: seed.ref.slice(colon + 1),
    displayName: seed.name,
    contextWindow: seed.ctx,
    maxOutput: seed.out,
    price: seed.price,
    tokenizer: seed.estimate ? { kind: 'estimate', encoding } : { kind: 'exact', encoding },
    local: seed.local,
  };
});
