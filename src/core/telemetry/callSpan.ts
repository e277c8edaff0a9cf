import { SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { CallRecord } from '../cost/callRecord';
import type { ModelRef } from '../models/modelRef';
import type { GatewayEvent, GatewayRequest } from '../gateway/gatewayApi';
import type { Usage } from '../providers/usage';
import { finishReason, inputMessages, outputMessages, systemInstructions } from './genAiContent';
import type { GenAiMetrics } from './genAiMetrics';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  WB,
  WB_EVENT,
} from './genAiNames';
import type { ProviderIdentity } from './providerNames';

export interface CallSpanDeps {
  tracer: Tracer;
  metrics?: GenAiMetrics;
  captureContent: boolean;
  provider: (providerId: string) => ProviderIdentity;
}

function splitRef(ref: ModelRef): { provider: string; model: string } {
  const colon = ref.indexOf(':');
  return colon > 0 ? { provider: ref.slice(0, colon), model: ref.slice(colon + 1) } : { provider: '', model: ref };
}

/**
 * One gateway call as spans, built from the gateway's own events: a CLIENT span named
 * `{gen_ai.operation.name} {gen_ai.request.model}` carrying the GenAI attributes, and one INTERNAL child span per
 * attempt (`attempt`, `retry` or `fallback` + the model). Only the call span carries `gen_ai.*` usage, so backends
 * that sum tokens per GenAI span count each call once.
 */
export class CallSpan {
  readonly span: Span;
  readonly context: Context;
  private attempt: Span | undefined;
  private attemptCount = 0;
  private lastAttemptModel: ModelRef | undefined;
  private requestModel: string | undefined;
  private providerIdentity: ProviderIdentity | undefined;
  private usage: Usage | undefined;
  private stopReason: string | undefined;
  private answer = '';
  private ended = false;

  constructor(
    private readonly deps: CallSpanDeps,
    private readonly request: GatewayRequest,
    parent: Context,
  ) {
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [ATTR_GEN_AI_REQUEST_STREAM]: true,
      [WB.task]: request.task,
    };
    if (request.temperature !== undefined) attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = request.temperature;
    if (request.maxOutputTokens !== undefined) attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = request.maxOutputTokens;
    if (request.responseFormat === 'json') attributes[ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
    if (request.source) attributes[WB.source] = request.source;
    if (request.model) Object.assign(attributes, this.modelAttributes(request.model));
    if (deps.captureContent) {
      attributes[ATTR_GEN_AI_INPUT_MESSAGES] = inputMessages(request);
      const system = systemInstructions(request);
      if (system) attributes[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = system;
    }
    const name = this.requestModel ? `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${this.requestModel}` : GEN_AI_OPERATION_NAME_VALUE_CHAT;
    this.span = deps.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
  }

  /** Folds one event in. Telemetry must never break a call: a failure here ends tracing of this call, nothing else. */
  observe(event: GatewayEvent): void {
    try {
      this.apply(event);
    } catch {
      this.close('telemetry error');
    }
  }

  private apply(event: GatewayEvent): void {
    switch (event.type) {
      case 'route': {
        const attributes: Attributes = {
          [WB.route]: [event.route.primary, ...event.route.fallbacks].filter(Boolean),
          [WB.routeReason]: event.route.reason,
        };
        if (event.route.primary && !this.request.model) {
          Object.assign(attributes, this.modelAttributes(event.route.primary));
          this.span.updateName(`${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${this.requestModel}`);
        }
        this.span.setAttributes(attributes);
        return;
      }
      case 'attempt':
        return this.startAttempt(event.model);
      case 'retry':
        this.span.addEvent(WB_EVENT.retry, {
          [WB.attemptModel]: event.model,
          [WB.retryDelayMs]: event.delayMs,
          [ATTR_ERROR_TYPE]: event.error.kind,
        });
        return this.endAttempt(event.error.kind, event.error.message);
      case 'fallback':
        this.span.addEvent(WB_EVENT.fallback, { from: event.from, to: event.to, [WB.fallbackReason]: event.reason });
        return this.endAttempt('_OTHER', event.reason);
      case 'restart':
        this.answer = '';
        this.span.addEvent(WB_EVENT.restart, { [WB.attemptModel]: event.model, [WB.restartReason]: event.reason });
        return;
      case 'text':
        if (this.deps.captureContent) this.answer += event.text;
        return;
      case 'usage':
        this.usage = event.usage;
        return;
      case 'done':
        this.stopReason = event.stopReason;
        return this.endAttempt();
      case 'error':
        return this.endAttempt(event.error.kind, event.error.message);
      case 'record':
        return this.finish(event.record);
    }
  }

  private modelAttributes(ref: ModelRef): Attributes {
    const { provider, model } = splitRef(ref);
    this.requestModel = model;
    this.providerIdentity = this.deps.provider(provider);
    const attributes: Attributes = { [ATTR_GEN_AI_REQUEST_MODEL]: model, [ATTR_GEN_AI_PROVIDER_NAME]: this.providerIdentity.name };
    if (this.providerIdentity.serverAddress) {
      attributes[ATTR_SERVER_ADDRESS] = this.providerIdentity.serverAddress;
      if (this.providerIdentity.serverPort) attributes[ATTR_SERVER_PORT] = this.providerIdentity.serverPort;
    }
    return attributes;
  }

  private startAttempt(model: ModelRef): void {
    this.endAttempt('superseded', 'a new attempt started');
    this.attemptCount += 1;
    const kind = this.attemptCount === 1 ? 'attempt' : model === this.lastAttemptModel ? 'retry' : 'fallback';
    this.lastAttemptModel = model;
    this.attempt = this.deps.tracer.startSpan(
      `${kind} ${model}`,
      { kind: SpanKind.INTERNAL, attributes: { [WB.attemptNumber]: this.attemptCount, [WB.attemptKind]: kind, [WB.attemptModel]: model } },
      this.context,
    );
  }

  private endAttempt(errorType?: string, message?: string): void {
    const attempt = this.attempt;
    if (!attempt) return;
    this.attempt = undefined;
    if (errorType) {
      attempt.setAttribute(ATTR_ERROR_TYPE, errorType);
      attempt.setStatus({ code: SpanStatusCode.ERROR, message });
    }
    attempt.end();
  }

  private finish(record: CallRecord): void {
    this.endAttempt(record.outcome === 'ok' ? undefined : (record.errorKind ?? record.outcome), record.errorMessage);
    // The stop reason arrives as the `done` event; a record that carries its own (issue 12) is used when there was none.
    const finish = finishReason(this.stopReason ?? record.stopReason);
    const attributes: Attributes = {
      [WB.requestId]: record.requestId,
      [WB.attempts]: record.attempts,
      [WB.fallbackUsed]: record.fallbackUsed,
      [WB.outcome]: record.outcome,
      [WB.costKnown]: record.costUsd !== null,
    };
    if (record.model) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = record.model;
    if (record.costUsd !== null) attributes[WB.costUsd] = record.costUsd;
    if (record.estimatedCostUsd !== undefined && record.estimatedCostUsd !== null)
      attributes[WB.estimatedCostUsd] = record.estimatedCostUsd;
    if (record.fallbackReason) attributes[WB.fallbackReason] = record.fallbackReason;
    if (record.usageSource) attributes[WB.usageSource] = record.usageSource;
    if (record.ttftMs !== null) attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = record.ttftMs / 1000;
    if (finish) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [finish];
    // With no limit from the caller the gateway sends the model's own maximum: the span shows the limit that applied,
    // so a `length` finish is read against the number that cut it.
    if (this.request.maxOutputTokens === undefined && record.maxOutputTokens !== undefined)
      attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = record.maxOutputTokens;
    Object.assign(attributes, usageAttributes(this.usage, record));
    if (this.deps.captureContent && record.outcome === 'ok') attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = outputMessages(this.answer, finish);
    this.span.setAttributes(attributes);
    if (record.outcome !== 'ok') {
      this.span.setAttribute(ATTR_ERROR_TYPE, record.errorKind ?? (record.outcome === 'aborted' ? 'aborted' : '_OTHER'));
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorMessage });
    }
    this.ended = true;
    this.span.end();
    this.deps.metrics?.record(record, this.requestModel, this.providerIdentity);
  }

  /** The caller stopped reading before the record (the gateway records it as aborted in the ledger). */
  close(reason = 'the caller stopped reading the answer'): void {
    if (this.ended) return;
    this.ended = true;
    this.endAttempt('aborted', reason);
    this.span.setAttributes({ [ATTR_ERROR_TYPE]: 'aborted', [WB.outcome]: 'aborted' });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    this.span.end();
  }
}

/** Provider-reported usage when there is one; else the record's counts (which say whether they are estimates). */
function usageAttributes(usage: Usage | undefined, record: CallRecord): Attributes {
  if (usage) {
    const attributes: Attributes = {
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.input.total,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.output.total,
    };
    if (usage.input.cacheRead !== undefined) attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.input.cacheRead;
    if (usage.input.cacheWrite !== undefined) attributes[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.input.cacheWrite;
    if (usage.output.reasoning !== undefined) attributes[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.output.reasoning;
    return attributes;
  }
  if (!record.usageSource) return {};
  return { [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: record.inputTokens, [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: record.outputTokens };
}
