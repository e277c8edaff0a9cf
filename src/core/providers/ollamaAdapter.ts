import type { Usage } from './usage';
import type { KeySource, ModelListing, ProviderAdapter, ProviderConfig, ProviderKind } from './adapter';
import type { AdapterOptions } from './adapterOptions';
import { CallGuard } from './callGuard';
import type { ChatEvent, ChatRequest } from './chat';
import { lookupKey } from './keyLookup';
import { mapOllamaStopReason } from './mapOllamaStopReason';
import { ndjsonLines } from './ndjsonLines';
import { guardedStream } from './guardedStream';
import { errorFromHttp, errorFromTransport, incompleteError, timeoutError } from './normalizeError';
import { notAnAnswerError } from './nonStreamBody';
import { OpenAIAdapter } from './openaiAdapter';
import type { ProviderContext } from './providerContext';
import type { ProviderError } from './providerError';
import type { ToolCallPart } from './chat';
import { ollamaMessages, ollamaToolCall, ollamaTools } from './ollamaMessages';
import { MalformedToolCall } from './toolCallAssembler';
import { invalidToolCallError, unsupportedRequestError } from './toolCallEvents';

/** What Ollama uses when neither the request nor the model's parameters set num_ctx (OLLAMA_CONTEXT_LENGTH aside). */
export const OLLAMA_DEFAULT_NUM_CTX = 4096;

/** Where the window Ollama will use for a model comes from, as the server reported it. */
export interface OllamaContextWindow {
  tokens: number;
  /** `setting`: numCtx in llmWorkbench.providers; `modelfile`: num_ctx in the model's parameters; `default`: neither. */
  from: 'setting' | 'modelfile' | 'default';
  /** The model's trained `<arch>.context_length`, when it lowered the requested num_ctx (Ollama caps it there). */
  cappedAt?: number;
  /** From the same `/api/show` answer: what the model can do (`completion`, `tools`, `vision`...), when the server says. */
  capabilities?: string[];
}

export interface OllamaAdapterInit {
  config: ProviderConfig;
  keys: KeySource;
  options: AdapterOptions;
  context: ProviderContext;
}

/** The final `/api/chat` object: `done: true` plus Ollama's own counts. */
interface OllamaChatLine {
  /** `/api/generate` lines carry the text here instead of in `message`. */
  response?: string;
  message?: { content?: string; tool_calls?: Array<{ id?: unknown; function?: { name?: unknown; arguments?: unknown } }> };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

/**
 * Ollama through its native `/api/chat` NDJSON stream (default), or through its OpenAI-compatible `/v1` with
 * `ollamaApi: 'openai'`. Model list and context size always come from the native API. An eval request in the shape
 * of promptfoo's Ollama completion provider (`native.protocol: 'ollama-generate'`) goes to `/api/generate`, whose
 * NDJSON lines carry the text in `response`.
 */
export class OllamaAdapter implements ProviderAdapter {
  readonly id: string;
  readonly kind: ProviderKind;
  private readonly viaOpenAI: OpenAIAdapter | undefined;
  private readonly contextWindows = new Map<string, Promise<OllamaContextWindow>>();

  constructor(private readonly init: OllamaAdapterInit) {
    this.id = init.config.id;
    this.kind = init.config.kind;
    if (init.config.ollamaApi === 'openai') {
      this.viaOpenAI = new OpenAIAdapter({
        ...init,
        apiBaseUrl: `${init.context.baseUrl}/v1`,
        keyRequired: false,
        usageRequired: false,
      });
    }
  }

  stream(model: string, request: ChatRequest): AsyncIterable<ChatEvent> {
    const generate = request.native?.protocol === 'ollama-generate';
    return this.viaOpenAI && !generate ? this.viaOpenAI.stream(model, request) : this.streamNative(model, request);
  }

  private streamNative(model: string, request: ChatRequest): AsyncIterable<ChatEvent> {
    const { context, options } = this.init;
    return guardedStream(
      context,
      model,
      request,
      options.timeoutMs,
      (error) => errorFromTransport(error, context, model),
      (guard) => this.streamChat(model, request, guard),
    );
  }

  /** One `/api/chat` NDJSON stream: text lines as they come; the `done: true` line carries the counts. */
  private async *streamChat(model: string, request: ChatRequest, guard: CallGuard): AsyncGenerator<ChatEvent, ChatEvent[]> {
    const { context } = this.init;
    if (request.tools?.length && request.toolChoice === 'required') {
      // The native API has no tool_choice: sending the tools anyway would let the model answer without one.
      return [
        {
          type: 'error',
          error: unsupportedRequestError(
            context,
            model,
            "Ollama's native API cannot require a tool call (tool mode 'required'); use the OpenAI-compatible endpoint (ollamaApi: \"openai\") or a hosted model",
          ),
        },
      ];
    }
    const calls: ToolCallPart[] = [];
    const generate = request.native?.protocol === 'ollama-generate';
    const response = await this.fetch(`${context.baseUrl}${generate ? '/api/generate' : '/api/chat'}`, {
      method: 'POST',
      headers: await this.headers(),
      body: JSON.stringify(this.body(model, request)),
      signal: guard.signal,
    });
    guard.touch();
    guard.markResponded();
    if (!response.ok)
      return [
        {
          type: 'error',
          error: errorFromHttp({ status: response.status, headers: response.headers, body: await readBody(response) }, context, model),
        },
      ];
    if (!response.body) return [{ type: 'error', error: incompleteError(context, model, 'the response had no body') }];
    // A complete JSON object is one NDJSON line and reads as the stream; a page is no answer at all.
    if (/^text\/(html|xml)\b/i.test(response.headers.get('content-type') ?? '')) {
      await response.body.cancel().catch(() => undefined);
      return [{ type: 'error', error: notAnAnswerError(context, model, (response.headers.get('content-type') ?? '').split(';')[0]) }];
    }
    let final: OllamaChatLine | undefined;
    for await (const line of ndjsonLines(response.body)) {
      guard.touch();
      let parsed: OllamaChatLine;
      try {
        parsed = JSON.parse(line) as OllamaChatLine;
      } catch (cause) {
        return [{ type: 'error', error: incompleteError(context, model, 'a malformed stream line', cause) }];
      }
      if (parsed.error !== undefined) return [{ type: 'error', error: errorFromHttp({ body: parsed }, context, model) }];
      const text = generate ? parsed.response : parsed.message?.content;
      if (text) yield { type: 'text', text };
      try {
        for (const raw of parsed.message?.tool_calls ?? []) calls.push(ollamaToolCall(raw));
      } catch (error) {
        if (error instanceof MalformedToolCall) return [{ type: 'error', error: invalidToolCallError(context, model, error) }];
        throw error;
      }
      if (parsed.done === true) {
        final = parsed;
        break;
      }
    }
    if (!final) return [{ type: 'error', error: incompleteError(context, model, 'the stream ended without its done:true object') }];
    const toolEvents: ChatEvent[] = calls.map((call) => ({ type: 'tool_call', call }));
    // Ollama ends a turn that called tools with done_reason "stop"; the calls say what it really was.
    return [
      ...toolEvents,
      { type: 'usage', usage: convertOllamaUsage(final) },
      { type: 'done', stopReason: calls.length ? 'tool_use' : mapOllamaStopReason(final.done_reason) },
    ];
  }

  /** Installed models from `/api/tags`, each with the context Ollama will use. Rejects with a ProviderError. */
  async listModels(): Promise<ModelListing[]> {
    const body = (await this.getJson('GET', '/api/tags')) as { models?: Array<{ name?: string; model?: string }> };
    const ids = (body.models ?? []).map((m) => m.name ?? m.model).filter((id): id is string => typeof id === 'string');
    return Promise.all(ids.map(async (id) => ({ id, contextWindow: await this.contextWindowFor(id) })));
  }

  /**
   * The context Ollama will actually use: `numCtx` from settings (sent with every call), else `num_ctx` from the
   * model's parameters (`/api/show`), else Ollama's default; never more than the model's trained
   * `<arch>.context_length`. Undefined when the server cannot be asked. Cached per model.
   */
  contextWindowFor(model: string): Promise<number | undefined> {
    return this.contextWindowDetail(model).then(
      (detail) => detail.tokens,
      () => undefined,
    );
  }

  /**
   * `contextWindowFor` with where the number came from (for messages that say why the window is what it is).
   * Rejects with a ProviderError (server down: `network`/`timeout`; model not installed: status 404).
   */
  contextWindowDetail(model: string): Promise<OllamaContextWindow> {
    let cached = this.contextWindows.get(model);
    if (!cached) {
      cached = this.resolveContextWindow(model);
      this.contextWindows.set(model, cached);
      // A failed lookup (server down) is not remembered: the next budget check asks again.
      cached.catch(() => this.contextWindows.delete(model));
    }
    return cached;
  }

  private async resolveContextWindow(model: string): Promise<OllamaContextWindow> {
    const show = (await this.getJson('POST', '/api/show', { model })) as {
      parameters?: string;
      model_info?: Record<string, unknown>;
      capabilities?: unknown;
    };
    const fromModelfile = parseNumCtx(show.parameters);
    const numCtx = this.init.config.numCtx;
    const requested = numCtx ?? fromModelfile ?? OLLAMA_DEFAULT_NUM_CTX;
    const from = numCtx !== undefined ? 'setting' : fromModelfile !== undefined ? 'modelfile' : 'default';
    const trained = trainedContextLength(show.model_info);
    const window: OllamaContextWindow =
      trained !== undefined && trained < requested ? { tokens: trained, from, cappedAt: trained } : { tokens: requested, from };
    if (Array.isArray(show.capabilities)) window.capabilities = show.capabilities.filter((c): c is string => typeof c === 'string');
    return window;
  }

  private body(model: string, request: ChatRequest): Record<string, unknown> {
    if (request.native?.protocol === 'ollama-chat' || request.native?.protocol === 'ollama-generate') {
      const options = {
        ...(this.init.config.numCtx !== undefined ? { num_ctx: this.init.config.numCtx } : {}),
        ...((request.native.body.options as object) ?? {}),
      };
      return { ...request.native.body, model, stream: true, ...(Object.keys(options).length ? { options } : {}) };
    }
    const messages = ollamaMessages(request);
    const tools = ollamaTools(request);
    const options: Record<string, number> = {};
    if (this.init.config.numCtx !== undefined) options.num_ctx = this.init.config.numCtx;
    if (request.maxOutputTokens !== undefined) options.num_predict = request.maxOutputTokens;
    if (request.temperature !== undefined) options.temperature = request.temperature;
    return {
      model,
      messages,
      stream: true,
      ...(tools ? { tools } : {}),
      ...(Object.keys(options).length ? { options } : {}),
      ...(request.responseFormat === 'json' ? { format: 'json' } : {}),
    };
  }

  private async getJson(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<unknown> {
    const { context } = this.init;
    const guard = new CallGuard(undefined, this.init.options.timeoutMs);
    try {
      const response = await this.fetch(`${context.baseUrl}${path}`, {
        method,
        headers: await this.headers(),
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: guard.signal,
      });
      const body = await readBody(response);
      if (!response.ok) throw errorFromHttp({ status: response.status, headers: response.headers, body }, context, path);
      return body;
    } catch (error) {
      if (isProviderError(error)) throw error;
      throw guard.timedOut ? timeoutError(context, path, guard.idleTimeoutMs) : errorFromTransport(error, context, path);
    } finally {
      guard.dispose();
    }
  }

  /** Ollama needs no key; one set anyway (Ollama behind an authenticating proxy) is sent as a bearer token. */
  private async headers(): Promise<Record<string, string>> {
    const key = await lookupKey(this.init.keys, this.id);
    return { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
  }

  private fetch(url: string, init: RequestInit): Promise<Response> {
    return (this.init.options.fetch ?? fetch)(url, init);
  }
}

function convertOllamaUsage(final: OllamaChatLine): Usage {
  return {
    input: { total: final.prompt_eval_count ?? 0 },
    output: { total: final.eval_count ?? 0 },
    source: 'provider',
  };
}

/** `parameters` is Modelfile text: lines like `num_ctx                        8192`. */
export function parseNumCtx(parameters: string | undefined): number | undefined {
  const match = parameters?.match(/^\s*num_ctx\s+(\d+)\s*$/m);
  return match ? Number(match[1]) : undefined;
}

/** `model_info` holds `general.architecture` and `<arch>.context_length`. */
export function trainedContextLength(modelInfo: Record<string, unknown> | undefined): number | undefined {
  if (!modelInfo) return undefined;
  const arch = modelInfo['general.architecture'];
  const value = typeof arch === 'string' ? modelInfo[`${arch}.context_length`] : undefined;
  if (typeof value === 'number') return value;
  const anyKey = Object.keys(modelInfo).find((k) => k.endsWith('.context_length'));
  return anyKey && typeof modelInfo[anyKey] === 'number' ? (modelInfo[anyKey] as number) : undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isProviderError(error: unknown): error is ProviderError {
  return error instanceof Error && error.name === 'ProviderError';
}
