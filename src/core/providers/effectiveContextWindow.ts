import type { ProviderConfig } from './adapter';
import { DEFAULT_BASE_URLS } from './defaultBaseUrls';
import { OLLAMA_DEFAULT_NUM_CTX, type OllamaContextWindow } from './ollamaAdapter';
import { isOllamaCloudModel, UNKNOWN_MODEL_CONTEXT_WINDOW, UNKNOWN_MODEL_MAX_OUTPUT } from '../models/catalogModels';
import type { ModelInfo } from '../models/modelInfo';
import { splitModelRef } from '../models/modelRef';
import type { ModelLimits } from '../models/windowCheck';

/** What is known of an Ollama server's answer for one model, as held by a cache (never fetched here). */
export type ServerWindowAnswer =
  | { state: 'pending' }
  | { state: 'unreachable' }
  /** The server answered, but has no such model (`/api/show` 404). */
  | { state: 'missing' }
  | { state: 'known'; window: OllamaContextWindow };

/**
 * Where a budget's window came from:
 * - `catalog`: not an Ollama model, the catalog's (or `llmWorkbench.models`') window;
 * - `setting`: `numCtx` of the Ollama provider (sent with every call);
 * - `server`: the server's answer (`num_ctx` of the model, or Ollama's default when the model sets none);
 * - `fallback`: the server could not be asked (not reachable, still asking, or no such provider configured).
 */
export type ContextWindowSource = 'catalog' | 'setting' | 'server' | 'fallback';

export interface EffectiveContextWindow {
  tokens: number;
  source: ContextWindowSource;
  /** One sentence for tooltips and hovers saying where the number came from; absent for plain catalog windows. */
  note?: string;
}

export interface EffectiveContextWindowInput {
  /** `provider:model` */
  ref: string;
  info: WindowInfo | undefined;
  /** The configured provider the ref names, if any. */
  provider: ProviderConfig | undefined;
  /** The cache's answer for this provider+model; undefined = not asked (e.g. not an Ollama provider). */
  server: ServerWindowAnswer | undefined;
}

/** What the window rule needs of a catalog model. */
export type WindowInfo = Pick<ModelInfo, 'maxInputTokens' | 'maxOutput' | 'combinedWindow'>;

const n = (value: number) => value.toLocaleString('en-US');

/**
 * The context window a budget should use. For Ollama models it is the context the server will actually run
 * with — `numCtx` from settings, else the model's `num_ctx` from `/api/show`, else Ollama's default — never the
 * family's advertised maximum (Llama 3.1 is trained for 131,072 tokens, but Ollama runs it at 4,096 unless told
 * otherwise and silently drops what does not fit). Pure: the server's answer comes from the caller's cache.
 */
export function effectiveContextWindow(input: EffectiveContextWindowInput): EffectiveContextWindow {
  const parts = splitModelRef(input.ref);
  const providerId = parts?.provider ?? input.ref;
  const model = parts?.model ?? input.ref;
  const { provider, server } = input;
  const isOllama = provider ? provider.kind === 'ollama' : providerId === 'ollama';
  // Ollama Cloud models run on ollama.com at their catalog limits, not at a local server's num_ctx.
  if (!isOllama || isOllamaCloudModel(model)) {
    return { tokens: input.info?.combinedWindow ?? input.info?.maxInputTokens ?? UNKNOWN_MODEL_CONTEXT_WINDOW, source: 'catalog' };
  }

  // The table's number for a local model is the family's trained maximum, not what Ollama runs it at: only a
  // `contextWindow` the user set counts as the fallback.
  const fallback = input.info?.combinedWindow ?? OLLAMA_DEFAULT_NUM_CTX;
  const fallbackName =
    fallback === OLLAMA_DEFAULT_NUM_CTX
      ? `${n(fallback)} = Ollama's default`
      : `${n(fallback)} = the contextWindow of ${input.ref} in llmWorkbench.models`;
  if (!provider) {
    return {
      tokens: fallback,
      source: 'fallback',
      note: `Window ${fallbackName}; no provider '${providerId}' is configured in llmWorkbench.providers, so no Ollama server was asked.`,
    };
  }
  const where = `the Ollama server at ${ollamaBaseUrl(provider)}`;
  const numCtx = provider.numCtx;

  if (server?.state === 'known') {
    const { window } = server;
    const capped = window.cappedAt !== undefined ? `, capped at ${model}'s trained context length` : '';
    const why =
      window.from === 'setting'
        ? `numCtx of provider '${provider.id}' in llmWorkbench.providers (sent with every call)${capped}`
        : window.from === 'modelfile'
          ? `num_ctx of ${model} from ${where}${capped}`
          : `Ollama's default: ${where} sets no num_ctx for ${model}${capped}; set numCtx in llmWorkbench.providers for a larger one`;
    return {
      tokens: window.tokens,
      source: window.from === 'setting' ? 'setting' : 'server',
      note: `Window ${n(window.tokens)} = ${why}.`,
    };
  }
  if (numCtx !== undefined) {
    // The setting is sent with every call, so it is the window even before (or without) the server's answer.
    return {
      tokens: numCtx,
      source: 'setting',
      note: `Window ${n(numCtx)} = numCtx of provider '${provider.id}' in llmWorkbench.providers (sent with every call).`,
    };
  }
  const reason =
    server?.state === 'unreachable'
      ? `${where} was not reachable`
      : server?.state === 'missing'
        ? `${where} does not have ${model} (ollama pull ${model})`
        : `asking ${where} for ${model}'s num_ctx`;
  return { tokens: fallback, source: 'fallback', note: `Window ${fallbackName}; ${reason}.` };
}

/** The base URL shown to users: the configured one, else Ollama's default. */
export function ollamaBaseUrl(provider: ProviderConfig): string {
  return (provider.baseUrl?.trim() || DEFAULT_BASE_URLS.ollama || '').replace(/\/+$/, '');
}

/**
 * The limits a budget checks with the window rule: the catalog's for a catalog window; for an Ollama server's
 * num_ctx (or its fallback), one window that prompt and answer share.
 */
export function effectiveLimits(info: WindowInfo | undefined, effective: EffectiveContextWindow): ModelLimits {
  if (effective.source === 'catalog') {
    return {
      maxInputTokens: info?.maxInputTokens ?? UNKNOWN_MODEL_CONTEXT_WINDOW,
      maxOutput: info?.maxOutput ?? UNKNOWN_MODEL_MAX_OUTPUT,
      ...(info?.combinedWindow !== undefined ? { combinedWindow: info.combinedWindow } : {}),
    };
  }
  return { maxInputTokens: effective.tokens, maxOutput: effective.tokens, combinedWindow: effective.tokens };
}
