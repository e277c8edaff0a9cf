import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { Usage } from './usage';
import type { KeySource, ProviderAdapter, ProviderConfig, ProviderKind } from './adapter';
import type { AdapterOptions } from './adapterOptions';
import { CallGuard } from './callGuard';
import type { ChatEvent, ChatRequest } from './chat';
import { lookupKey } from './keyLookup';
import { mapAnthropicStopReason } from './mapAnthropicStopReason';
import { guardedStream, interruptionError, normalizeSdkError } from './guardedStream';
import { errorFromHttp, incompleteError, missingKeyError } from './normalizeError';
import { nonStreamBody, notAnAnswerError, type NonStreamBody } from './nonStreamBody';
import type { ProviderContext } from './providerContext';
import type { ProviderError } from './providerError';
import { loadAnthropic } from './sdkModules';
import { anthropicMessages, anthropicTools } from './anthropicMessages';
import { ToolCallAssembler } from './toolCallAssembler';
import { toolCallEvents } from './toolCallEvents';

/** Anthropic requires max_tokens; 4096 fits every current Claude model's output limit. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export interface AnthropicAdapterInit {
  config: ProviderConfig;
  keys: KeySource;
  options: AdapterOptions;
  context: ProviderContext;
}

/** Counts Anthropic reports: input/cache on `message_start`, cumulative totals on `message_delta`. */
interface AnthropicCounts {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** The part of cacheWrite written to the 1-hour cache (`usage.cache_creation.ephemeral_1h_input_tokens`), when reported. */
  cacheWrite1h: number;
  output: number;
}

/** Anthropic Messages over `@anthropic-ai/sdk`, streaming raw SSE events. */
export class AnthropicAdapter implements ProviderAdapter {
  readonly id: string;
  readonly kind: ProviderKind;
  private cached: { key: string; client: Anthropic } | undefined;

  constructor(private readonly init: AnthropicAdapterInit) {
    this.id = init.config.id;
    this.kind = init.config.kind;
  }

  async missingKey(model: string): Promise<ProviderError | undefined> {
    return (await lookupKey(this.init.keys, this.id)) ? undefined : missingKeyError(this.init.context, model);
  }

  stream(model: string, request: ChatRequest): AsyncIterable<ChatEvent> {
    // The SDK loads here, before the call's idle clock starts: its first load is not the provider's silence.
    loadAnthropic();
    const { context, options } = this.init;
    return guardedStream(
      context,
      model,
      request,
      options.timeoutMs,
      (error) => this.normalize(error, model),
      (guard) => this.streamMessages(model, request, guard),
    );
  }

  /** One Messages call's raw SSE events: text as it comes; usage from `message_start` + `message_delta`. */
  private async *streamMessages(model: string, request: ChatRequest, guard: CallGuard): AsyncGenerator<ChatEvent, ChatEvent[]> {
    const { context } = this.init;
    const key = await lookupKey(this.init.keys, this.id);
    if (!key) return [{ type: 'error', error: missingKeyError(context, model) }];
    let counts: AnthropicCounts | undefined;
    let stopReason: string | null | undefined;
    let stopped = false;
    const toolCalls = new ToolCallAssembler();
    const { data: stream, response } = await this.client(key)
      .messages.create(this.params(model, request), { signal: guard.signal })
      .withResponse();
    guard.markResponded();
    const whole = await nonStreamBody(response);
    if (whole) return yield* this.completeAnswer(whole, model);
    for await (const event of stream) {
      guard.touch();
      // Nothing after message_stop belongs to the answer (a proxy's or a buggy server's trailing events).
      if (stopped) break;
      switch (event.type) {
        case 'message_start': {
          const u = event.message.usage;
          counts = {
            input: u.input_tokens,
            cacheRead: u.cache_read_input_tokens ?? 0,
            cacheWrite: u.cache_creation_input_tokens ?? 0,
            cacheWrite1h: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
            output: u.output_tokens,
          };
          break;
        }
        case 'content_block_start':
          if (event.content_block.type === 'tool_use') toolCalls.start(event.index, event.content_block.id, event.content_block.name);
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta' && event.delta.text) yield { type: 'text', text: event.delta.text };
          else if (event.delta.type === 'input_json_delta') toolCalls.append(event.index, event.delta.partial_json);
          break;
        case 'message_delta': {
          stopReason = event.delta.stop_reason ?? stopReason;
          const u = event.usage;
          if (counts) {
            // message_delta totals are cumulative; input fields are only present when they changed.
            counts.output = u.output_tokens;
            if (u.input_tokens != null) counts.input = u.input_tokens;
            if (u.cache_read_input_tokens != null) counts.cacheRead = u.cache_read_input_tokens;
            if (u.cache_creation_input_tokens != null) counts.cacheWrite = u.cache_creation_input_tokens;
          }
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
      }
    }
    if (!stopped || !counts) return [{ type: 'error', error: incompleteError(context, model, 'the stream ended before message_stop') }];
    const calls = toolCallEvents(toolCalls, context, model);
    if ('error' in calls) return [calls.error];
    return [
      ...calls.events,
      { type: 'usage', usage: convertAnthropicUsage(counts) },
      { type: 'done', stopReason: mapAnthropicStopReason(stopReason) },
    ];
  }

  /** A 200 that sent the whole `message` as JSON instead of the stream: the answer, exactly; a page is refused. */
  private async *completeAnswer(whole: NonStreamBody, model: string): AsyncGenerator<ChatEvent, ChatEvent[]> {
    const { context } = this.init;
    if (whole.kind === 'page') return [{ type: 'error', error: notAnAnswerError(context, model, whole.contentType) }];
    const body = whole.body as Omit<Partial<Message>, 'type'> & { type?: string; error?: unknown };
    if (body.type === 'error' || body.error !== undefined) return [{ type: 'error', error: errorFromHttp({ body }, context, model) }];
    if (body.type !== 'message' || !Array.isArray(body.content) || !body.usage || body.stop_reason === undefined) {
      return [{ type: 'error', error: incompleteError(context, model, 'a complete JSON answer that is not a whole message') }];
    }
    const text = body.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    if (text) yield { type: 'text', text };
    const u = body.usage;
    const counts = {
      input: u.input_tokens,
      cacheRead: u.cache_read_input_tokens ?? 0,
      cacheWrite: u.cache_creation_input_tokens ?? 0,
      cacheWrite1h: u.cache_creation?.ephemeral_1h_input_tokens ?? 0,
      output: u.output_tokens,
    };
    return [
      { type: 'usage', usage: convertAnthropicUsage(counts) },
      { type: 'done', stopReason: mapAnthropicStopReason(body.stop_reason) },
    ];
  }

  /** Anthropic's `count_tokens`: the exact input count for Claude models, which have no public tokenizer. */
  async countTokens(model: string, request: ChatRequest): Promise<number> {
    const key = await lookupKey(this.init.keys, this.id);
    if (!key) throw missingKeyError(this.init.context, model);
    loadAnthropic(); // before the idle clock starts (see stream)
    const guard = new CallGuard(request.signal, this.init.options.timeoutMs);
    try {
      const { messages, system, tools } = this.params(model, request);
      const result = await this.client(key).messages.countTokens(
        { model, messages, ...(system ? { system } : {}), ...(tools ? { tools } : {}) },
        { signal: guard.signal },
      );
      return result.input_tokens;
    } catch (error) {
      throw guard.interrupted ? interruptionError(guard, this.init.context, model) : this.normalize(error, model);
    } finally {
      guard.dispose();
    }
  }

  private params(model: string, request: ChatRequest): MessageCreateParamsStreaming {
    // An eval file's body (promptfoo's, with temperature): the SDK passes fields its types do not list through as is.
    if (request.native?.protocol === 'anthropic-messages')
      return { ...request.native.body, model, stream: true } as unknown as MessageCreateParamsStreaming;
    const params: MessageCreateParamsStreaming = {
      model,
      max_tokens: request.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
      messages: anthropicMessages(request),
      stream: true,
    };
    if (request.system) params.system = request.system;
    const tools = anthropicTools(request);
    if (tools) Object.assign(params, tools);
    // `temperature` is not sent: the Messages API this SDK speaks has no sampling parameters for current models.
    return params;
  }

  private client(key: string): Anthropic {
    if (this.cached && this.cached.key === key) return this.cached.client;
    const client = new (loadAnthropic().default)({
      apiKey: key,
      baseURL: this.init.context.baseUrl,
      maxRetries: 0, // the gateway owns retry policy
      fetch: this.init.options.fetch,
      logLevel: 'off', // failures reach the user once, as this adapter's error event
    });
    this.cached = { key, client };
    return client;
  }

  private normalize(error: unknown, model: string): ProviderError {
    return normalizeSdkError(loadAnthropic().default, error, this.init.context, model, 'a malformed stream event');
  }
}

/** Anthropic's `input_tokens` excludes cached tokens; our `input.total` includes them (cost splits them out). */
function convertAnthropicUsage(counts: AnthropicCounts): Usage {
  return {
    input: {
      total: counts.input + counts.cacheRead + counts.cacheWrite,
      ...(counts.cacheRead ? { cacheRead: counts.cacheRead } : {}),
      ...(counts.cacheWrite ? { cacheWrite: counts.cacheWrite } : {}),
      ...(counts.cacheWrite1h ? { cacheWrite1h: counts.cacheWrite1h } : {}),
    },
    output: { total: counts.output },
    source: 'provider',
  };
}
