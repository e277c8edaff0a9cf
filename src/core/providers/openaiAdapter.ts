import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Usage } from './usage';
import type { EmbeddingResult, KeySource, ModelListing, ProviderAdapter, ProviderConfig, ProviderKind } from './adapter';
import type { AdapterOptions } from './adapterOptions';
import { CallGuard } from './callGuard';
import type { ChatEvent, ChatRequest } from './chat';
import { estimateUsage } from './estimateUsage';
import { lookupKey } from './keyLookup';
import { mapOpenAIStopReason } from './mapOpenAIStopReason';
import { guardedStream, normalizeSdkError } from './guardedStream';
import { errorFromHttp, incompleteError, missingKeyError, timeoutError } from './normalizeError';
import { nonStreamBody, notAnAnswerError, type NonStreamBody } from './nonStreamBody';
import type { ProviderContext } from './providerContext';
import { ProviderError } from './providerError';
import { loadOpenAI } from './sdkModules';
import { openaiMessages, openaiTools } from './openaiMessages';
import { ToolCallAssembler } from './toolCallAssembler';
import { toolCallEvents } from './toolCallEvents';

export interface OpenAIAdapterInit {
  config: ProviderConfig;
  keys: KeySource;
  options: AdapterOptions;
  context: ProviderContext;
  /** The chat-completions base, ending in `/v1` for most servers. */
  apiBaseUrl: string;
  /** OpenAI itself needs a key; local OpenAI-compatible servers (LM Studio, vLLM, Ollama's /v1) often do not. */
  keyRequired: boolean;
  /**
   * OpenAI always sends the `include_usage` chunk, so its absence means the stream was cut. Other servers may
   * never send it: then the adapter reports a rough usage labelled `source: 'estimate'`.
   */
  usageRequired: boolean;
}

/** Chat completions over the official `openai` client: OpenAI, any OpenAI-compatible endpoint, Ollama's `/v1`. */
export class OpenAIAdapter implements ProviderAdapter {
  readonly id: string;
  readonly kind: ProviderKind;
  private cached: { key: string | undefined; client: OpenAI } | undefined;

  constructor(protected readonly init: OpenAIAdapterInit) {
    this.id = init.config.id;
    this.kind = init.config.kind;
  }

  async missingKey(model: string): Promise<ProviderError | undefined> {
    if (!this.init.keyRequired) return undefined;
    return (await lookupKey(this.init.keys, this.id)) ? undefined : missingKeyError(this.init.context, model);
  }

  stream(model: string, request: ChatRequest): AsyncIterable<ChatEvent> {
    // The SDK loads here, before the call's idle clock starts: its first load is not the provider's silence.
    loadOpenAI();
    const { context, options } = this.init;
    return guardedStream(
      context,
      model,
      request,
      options.timeoutMs,
      (error) => this.normalize(error, model),
      (guard) => this.streamCompletion(model, request, guard),
    );
  }

  /** One chat-completions stream: text deltas as they come; the finish reason and the `include_usage` chunk end it. */
  private async *streamCompletion(model: string, request: ChatRequest, guard: CallGuard): AsyncGenerator<ChatEvent, ChatEvent[]> {
    const { context } = this.init;
    const key = await lookupKey(this.init.keys, this.id);
    if (!key && this.init.keyRequired) return [{ type: 'error', error: missingKeyError(context, model) }];
    if (request.native?.protocol === 'openai-responses') return yield* this.streamResponse(model, request, guard, key);
    let text = '';
    let finishReason: string | null | undefined;
    let usage: Usage | undefined;
    const logProbs: number[] = [];
    const toolCalls = new ToolCallAssembler();
    const { data: stream, response } = await this.client(key)
      .chat.completions.create(this.params(model, request), { signal: guard.signal })
      .withResponse();
    guard.markResponded();
    const whole = await nonStreamBody(response);
    if (whole) return yield* this.completeAnswer(whole, model, request);
    for await (const chunk of stream) {
      guard.touch();
      if (chunk.usage) usage = convertOpenAIUsage(chunk.usage);
      const choice = chunk.choices.find((c) => (c.index ?? 0) === 0);
      const delta = choice?.delta?.content;
      if (delta) {
        text += delta;
        yield { type: 'text', text: delta };
      }
      for (const call of choice?.delta?.tool_calls ?? []) {
        toolCalls.start(call.index, call.id, call.function?.name);
        toolCalls.append(call.index, call.function?.arguments);
      }
      for (const token of choice?.logprobs?.content ?? []) logProbs.push(token.logprob);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    if (!finishReason) return [{ type: 'error', error: incompleteError(context, model, 'the stream ended without a finish reason') }];
    if (!usage) {
      if (this.init.usageRequired)
        return [{ type: 'error', error: incompleteError(context, model, 'the stream ended before its usage report') }];
      usage = estimateUsage(request, text);
    }
    const calls = toolCallEvents(toolCalls, context, model);
    if ('error' in calls) return [calls.error];
    return [
      ...calls.events,
      { type: 'usage', usage },
      { type: 'done', stopReason: mapOpenAIStopReason(finishReason), ...(logProbs.length ? { logProbs } : {}) },
    ];
  }

  /**
   * One Responses API stream (`openai:responses:<model>` in eval files): output text deltas, then
   * `response.completed` (or `response.incomplete` when cut by max_output_tokens) with the usage.
   */
  private async *streamResponse(
    model: string,
    request: ChatRequest,
    guard: CallGuard,
    key: string | undefined,
  ): AsyncGenerator<ChatEvent, ChatEvent[]> {
    const { context } = this.init;
    const body = { ...request.native!.body, model, stream: true } as unknown as Parameters<OpenAI['responses']['create']>[0] & {
      stream: true;
    };
    const stream = await this.client(key).responses.create(body, { signal: guard.signal });
    let usage: Usage | undefined;
    let stop: 'end' | 'max_tokens' | 'other' | undefined;
    for await (const event of stream) {
      guard.touch();
      if (event.type === 'response.output_text.delta') yield { type: 'text', text: event.delta };
      else if (event.type === 'response.completed' || event.type === 'response.incomplete') {
        const u = event.response.usage;
        if (u) {
          const cacheRead = u.input_tokens_details?.cached_tokens;
          const reasoning = u.output_tokens_details?.reasoning_tokens;
          usage = {
            input: { total: u.input_tokens, ...(cacheRead ? { cacheRead } : {}) },
            output: { total: u.output_tokens, ...(reasoning ? { reasoning } : {}) },
            source: 'provider',
          };
        }
        stop =
          event.type === 'response.completed'
            ? 'end'
            : event.response.incomplete_details?.reason === 'max_output_tokens'
              ? 'max_tokens'
              : 'other';
      } else if (event.type === 'response.failed' || event.type === 'error') {
        const message = event.type === 'error' ? event.message : (event.response.error?.message ?? 'the response failed');
        return [{ type: 'error', error: incompleteError(context, model, `the Responses API reported: ${message}`) }];
      }
    }
    if (!stop) return [{ type: 'error', error: incompleteError(context, model, 'the stream ended without response.completed') }];
    if (!usage) usage = estimateUsage(request, '');
    return [
      { type: 'usage', usage },
      { type: 'done', stopReason: stop },
    ];
  }

  /**
   * A 200 that ignored `stream: true` and sent the whole `chat.completion` as JSON is still the answer (taken
   * exactly: its text, finish reason and usage); a 200 page that is not JSON is refused with what it was.
   */
  private async *completeAnswer(whole: NonStreamBody, model: string, request: ChatRequest): AsyncGenerator<ChatEvent, ChatEvent[]> {
    const { context } = this.init;
    if (whole.kind === 'page') return [{ type: 'error', error: notAnAnswerError(context, model, whole.contentType) }];
    const body = whole.body as Partial<ChatCompletion> & { error?: unknown };
    if (body.error !== undefined) return [{ type: 'error', error: errorFromHttp({ body }, context, model) }];
    const choice = body.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice || typeof choice.finish_reason !== 'string') {
      return [{ type: 'error', error: incompleteError(context, model, 'a complete JSON answer without a choice and its finish reason') }];
    }
    const text = typeof choice.message?.content === 'string' ? choice.message.content : '';
    if (text) yield { type: 'text', text };
    const calls = new ToolCallAssembler();
    (choice.message?.tool_calls ?? []).forEach((call, index) => {
      if (call.type !== 'function') return;
      calls.start(index, call.id, call.function.name);
      calls.append(index, call.function.arguments);
    });
    const callEvents = toolCallEvents(calls, context, model);
    if ('error' in callEvents) return [callEvents.error];
    const logProbs = choice.logprobs?.content?.map((token) => token.logprob) ?? [];
    const usage = body.usage ? convertOpenAIUsage(body.usage) : this.init.usageRequired ? undefined : estimateUsage(request, text);
    if (!usage) return [{ type: 'error', error: incompleteError(context, model, 'a complete JSON answer without its usage') }];
    return [
      ...callEvents.events,
      { type: 'usage', usage },
      { type: 'done', stopReason: mapOpenAIStopReason(choice.finish_reason), ...(logProbs.length ? { logProbs } : {}) },
    ];
  }

  /** Model ids from `GET /models`. Rejects with a ProviderError. */
  async listModels(): Promise<ModelListing[]> {
    const key = await lookupKey(this.init.keys, this.id);
    if (!key && this.init.keyRequired) throw missingKeyError(this.init.context, '');
    loadOpenAI(); // before the idle clock starts (see stream)
    const guard = new CallGuard(undefined, this.init.options.timeoutMs);
    try {
      const ids: ModelListing[] = [];
      for await (const model of this.client(key).models.list({ signal: guard.signal })) ids.push({ id: model.id });
      return ids;
    } catch (error) {
      throw guard.timedOut ? timeoutError(this.init.context, 'models', guard.idleTimeoutMs) : this.normalize(error, 'models');
    } finally {
      guard.dispose();
    }
  }

  /**
   * `POST /embeddings` with `{input, model}` as promptfoo's OpenAI embedding provider sends it, plus
   * `encoding_format: float` (the SDK would otherwise ask for base64, which some compatible servers lack).
   */
  async embed(model: string, input: string, signal?: AbortSignal): Promise<EmbeddingResult> {
    const key = await lookupKey(this.init.keys, this.id);
    if (!key && this.init.keyRequired) throw missingKeyError(this.init.context, model);
    const guard = new CallGuard(signal, this.init.options.timeoutMs);
    try {
      const response = await this.client(key).embeddings.create({ model, input, encoding_format: 'float' }, { signal: guard.signal });
      const embedding = response.data?.[0]?.embedding;
      if (!Array.isArray(embedding)) throw incompleteError(this.init.context, model, 'the embeddings response holds no embedding');
      return { embedding, inputTokens: response.usage?.prompt_tokens };
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw guard.timedOut ? timeoutError(this.init.context, model, guard.idleTimeoutMs) : this.normalize(error, model);
    } finally {
      guard.dispose();
    }
  }

  private params(model: string, request: ChatRequest): ChatCompletionCreateParamsStreaming {
    if (request.native?.protocol === 'openai-chat') {
      return {
        ...request.native.body,
        model,
        stream: true,
        stream_options: { include_usage: true },
      } as unknown as ChatCompletionCreateParamsStreaming;
    }
    const params: ChatCompletionCreateParamsStreaming = {
      model,
      messages: openaiMessages(request),
      stream: true,
      stream_options: { include_usage: true },
    };
    const tools = openaiTools(request);
    if (tools) {
      params.tools = tools;
      params.tool_choice = request.toolChoice ?? 'auto';
    }
    if (request.maxOutputTokens !== undefined) {
      // OpenAI's reasoning models accept only max_completion_tokens; many compatible servers know only max_tokens.
      if (this.kind === 'openai') params.max_completion_tokens = request.maxOutputTokens;
      else params.max_tokens = request.maxOutputTokens;
    }
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.responseFormat === 'json') params.response_format = { type: 'json_object' };
    return params;
  }

  private client(key: string | undefined): OpenAI {
    if (this.cached && this.cached.key === key) return this.cached.client;
    const client = this.newClient(key);
    this.cached = { key, client };
    return client;
  }

  /** The SDK client for one key; the Azure adapter builds the SDK's AzureOpenAI instead. */
  protected newClient(key: string | undefined): OpenAI {
    return new (loadOpenAI().default)({
      apiKey: key ?? 'no-key',
      baseURL: this.init.apiBaseUrl,
      maxRetries: 0, // the gateway owns retry policy
      fetch: this.init.options.fetch,
      logLevel: 'off', // failures reach the user once, as this adapter's error event
      organization: null,
      project: null,
      // Without a key, send no Authorization header at all rather than a fake one.
      defaultHeaders: key ? undefined : { Authorization: null },
    });
  }

  private normalize(error: unknown, model: string): ProviderError {
    return normalizeSdkError(loadOpenAI().default, error, this.init.context, model, 'a malformed stream chunk');
  }
}

function convertOpenAIUsage(usage: NonNullable<ChatCompletion['usage']>): Usage {
  const cacheRead = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    input: { total: usage.prompt_tokens, ...(cacheRead ? { cacheRead } : {}) },
    output: { total: usage.completion_tokens, ...(reasoning ? { reasoning } : {}) },
    source: 'provider',
  };
}
