import { costOfUsage } from '../../cost/pricing';
import type { Usage } from '../../providers/usage';
import type { CallRecord } from '../../cost/callRecord';
import type { ModelCatalog } from '../../models/catalog';
import type { AttributeMap, AttributeValue, ReceivedSpan } from './decodeTraces';

/** Why a span is not a ledger record. `invalid` spans are rejected (partial success); the others are simply not calls. */
export type SkipReason = 'invalid' | 'not-genai' | 'not-inference' | 'ours' | 'cached';

/** Operations that are one model call each. `completion` is promptfoo's name for text completion. */
const INFERENCE_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion']);

/**
 * `gen_ai.provider.name` (or the older `gen_ai.system`) to the catalog provider whose prices apply. Only providers
 * billed per token at the catalog's list prices: Copilot's own models (`github`) are a subscription, and Azure,
 * Bedrock and Vertex bill at their own rates, so their calls stay "unknown" rather than borrowing a wrong price.
 */
const PRICED_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'gcp.gemini': 'gemini',
  gemini: 'gemini',
  google: 'gemini',
  mistral_ai: 'mistral',
  mistral: 'mistral',
  groq: 'groq',
  deepseek: 'deepseek',
  x_ai: 'xai',
  xai: 'xai',
  together: 'together',
  together_ai: 'together',
  ollama: 'ollama',
};

/** Known tools' service names, shown as the record's source; anything else keeps its own `service.name`. */
const TOOL_NAMES: Readonly<Record<string, string>> = { 'copilot-chat': 'copilot-chat', promptfoo: 'promptfoo' };

export const OTLP_REQUEST_PREFIX = 'otlp:';

/** The ledger id of a received span: the same span received twice maps to the same id, so duplicates are found. */
export function receivedRequestId(span: Pick<ReceivedSpan, 'traceId' | 'spanId'>): string {
  return `${OTLP_REQUEST_PREFIX}${span.traceId}:${span.spanId}`;
}

/**
 * One received span as a call record, or why it is not one. Tokens, model and timing come from the span; cost from
 * the catalog when the provider bills per token and the model is priced, else `null` (unknown) — never $0. A span
 * without token usage is recorded with unknown cost too (its tokens are not known, only that the call happened).
 */
export function spanToRecord(span: ReceivedSpan, catalog: ModelCatalog): CallRecord | { skip: SkipReason } {
  if (!span.traceId || !span.spanId || !(span.endUnixNano >= span.startUnixNano) || span.startUnixNano <= 0) return { skip: 'invalid' };
  const a = span.attributes;
  if (span.scopeName === 'llm-workbench' || a['llm_workbench.request.id'] !== undefined) return { skip: 'ours' };
  const providerName = text(a['gen_ai.provider.name']) ?? text(a['gen_ai.system']);
  const requestModel = text(a['gen_ai.request.model']);
  const responseModel = text(a['gen_ai.response.model']);
  const operation = text(a['gen_ai.operation.name']) ?? (providerName && (requestModel || responseModel) ? 'chat' : undefined);
  if (!operation) return { skip: 'not-genai' };
  if (!INFERENCE_OPERATIONS.has(operation)) return { skip: 'not-inference' };
  if (a['promptfoo.cache_hit'] === true) return { skip: 'cached' };

  const model = responseModel ?? requestModel ?? 'unknown';
  const pricedProvider = providerName ? PRICED_PROVIDERS[providerName.toLowerCase()] : undefined;
  const usage = usageOf(a);
  const info = pricedProvider
    ? [responseModel, requestModel].map((m) => m && catalog.lookup(`${pricedProvider}:${m}`)).find(Boolean) || undefined
    : undefined;
  const source = toolName(span.resource);
  const outcome = outcomeOf(span, a);
  const record: CallRecord = {
    at: new Date(Math.floor(span.startUnixNano / 1e6)).toISOString(),
    requestId: receivedRequestId(span),
    task: 'chat',
    route: [`${pricedProvider ?? providerName ?? 'unknown'}:${model}`],
    reason: `received over OTLP from ${source}`,
    provider: pricedProvider ?? providerName ?? 'unknown',
    model,
    inputTokens: usage?.input.total ?? 0,
    outputTokens: usage?.output.total ?? 0,
    costUsd: usage && info ? costOfUsage(info, usage) : null,
    ttftMs: ttftMs(a),
    totalMs: Math.round((span.endUnixNano - span.startUnixNano) / 1e6),
    attempts: 1,
    fallbackUsed: false,
    outcome,
    source,
    origin: 'otlp',
  };
  if (usage) record.usageSource = 'provider';
  if (usage?.input.cacheRead) record.cachedInputTokens = usage.input.cacheRead;
  if (outcome !== 'ok') record.errorMessage = (text(a['error.type']) ?? span.statusMessage) || 'the tool reported an error';
  return record;
}

function usageOf(a: AttributeMap): Usage | undefined {
  const input = count(a['gen_ai.usage.input_tokens']) ?? count(a['gen_ai.usage.prompt_tokens']);
  const output = count(a['gen_ai.usage.output_tokens']) ?? count(a['gen_ai.usage.completion_tokens']);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = { input: { total: input ?? 0 }, output: { total: output ?? 0 }, source: 'provider' };
  // The current names first, then older or tool-specific ones (Copilot Chat, promptfoo).
  const cacheRead =
    count(a['gen_ai.usage.cache_read.input_tokens']) ??
    count(a['gen_ai.usage.cache_read_input_tokens']) ??
    count(a['gen_ai.usage.cached_tokens']);
  const cacheWrite = count(a['gen_ai.usage.cache_creation.input_tokens']) ?? count(a['gen_ai.usage.cache_creation_input_tokens']);
  const reasoning = count(a['gen_ai.usage.reasoning.output_tokens']) ?? count(a['gen_ai.usage.reasoning_tokens']);
  if (cacheRead !== undefined) usage.input.cacheRead = cacheRead;
  if (cacheWrite !== undefined) usage.input.cacheWrite = cacheWrite;
  if (reasoning !== undefined) usage.output.reasoning = reasoning;
  return usage;
}

function outcomeOf(span: ReceivedSpan, a: AttributeMap): CallRecord['outcome'] {
  const reasons = Array.isArray(a['gen_ai.response.finish_reasons']) ? a['gen_ai.response.finish_reasons'] : [];
  if (a['copilot_chat.canceled'] === true || reasons.includes('cancelled')) return 'aborted';
  // Status code 2 is ERROR in OTLP.
  return span.statusCode === 2 || a['error.type'] !== undefined ? 'error' : 'ok';
}

function ttftMs(a: AttributeMap): number | null {
  const seconds = a['gen_ai.response.time_to_first_chunk'];
  if (typeof seconds === 'number' && seconds >= 0) return Math.round(seconds * 1000);
  const ms = a['copilot_chat.time_to_first_token'];
  return typeof ms === 'number' && ms >= 0 ? Math.round(ms) : null;
}

function toolName(resource: AttributeMap): string {
  const service = text(resource['service.name']) ?? 'unknown';
  const clean = service.replace(/[^\w.@/-]+/g, '-').slice(0, 64) || 'unknown';
  return TOOL_NAMES[clean] ?? clean;
}

function text(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function count(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}
