import { randomUUID } from 'node:crypto';
import { costOfUsage } from '../cost/pricing';
import { parseModelRef } from '../models/modelRef';
import { ProviderError } from '../providers/providerError';
import type { CallRecord } from '../cost/callRecord';
import type { ModelRef } from '../models/modelRef';
import type { GatewayParts } from './gateway';
import { RetryBudget } from './retryPolicy';

export interface EmbedRequest {
  /** `provider:model` of an embedding model, e.g. `openai:text-embedding-3-small`. */
  model: ModelRef;
  input: string;
  signal?: AbortSignal;
  /** Who asks, for the ledger ('eval-grader'). */
  source?: string;
}

export interface EmbedResponse {
  embedding?: number[];
  record: CallRecord;
  error?: ProviderError;
}

/**
 * One embedding through the gateway: the named model only (no routing, no fallback), the same retry policy as chat
 * calls for retryable faults, and one ledger record with the input tokens and their price (null when the catalog
 * has none — unknown, never $0).
 */
export async function embedThroughGateway(parts: GatewayParts, request: EmbedRequest): Promise<EmbedResponse> {
  const started = parts.now();
  const { provider, model } = parseModelRef(request.model);
  const budget = new RetryBudget(parts.resilience, parts.random);
  let attempts = 0;
  let error: ProviderError | undefined;
  let result: { embedding: number[]; inputTokens?: number } | undefined;
  try {
    const adapter = parts.adapterFor(provider);
    if (!adapter.embed)
      throw new ProviderError({
        kind: 'bad_request',
        provider,
        model,
        message: `${provider} (${adapter.kind}) has no embeddings endpoint llm-workbench can call: use an OpenAI or OpenAI-compatible provider`,
      });
    for (;;) {
      attempts++;
      try {
        result = await adapter.embed(model, request.input, request.signal);
        error = undefined;
        break;
      } catch (caught) {
        error = caught instanceof ProviderError ? caught : new ProviderError({ kind: 'server', provider, model, message: String(caught) });
        if (request.signal?.aborted) break;
        const decision = budget.decide(error, attempts);
        if (!decision.retry) break;
        await parts.sleep(decision.delayMs, request.signal);
        budget.waitedFor(decision.delayMs);
      }
    }
  } catch (caught) {
    error = caught instanceof ProviderError ? caught : new ProviderError({ kind: 'bad_request', provider, model, message: String(caught) });
  }
  const inputTokens = result?.inputTokens ?? 0;
  const info = parts.catalog.lookup(request.model);
  const record: CallRecord = {
    at: new Date(started).toISOString(),
    requestId: randomUUID(),
    task: 'extract',
    route: [request.model],
    reason: 'embedding for an eval assertion',
    provider,
    model,
    inputTokens,
    outputTokens: 0,
    costUsd: result ? costOfUsage(info, { input: { total: inputTokens }, output: { total: 0 }, source: 'provider' }) : null,
    usageSource: 'provider',
    ttftMs: null,
    totalMs: parts.now() - started,
    attempts,
    fallbackUsed: false,
    outcome: result ? 'ok' : request.signal?.aborted ? 'aborted' : 'error',
  };
  if (error && !result) {
    record.errorKind = error.kind;
    record.errorMessage = error.message;
  }
  if (request.source) record.source = request.source;
  if (parts.sessionId) record.sessionId = parts.sessionId;
  if (parts.ledger)
    parts.ledger.append(record).catch((e: unknown) => parts.log(`ledger: could not record call ${record.requestId}: ${String(e)}`));
  return result ? { embedding: result.embedding, record } : { record, error };
}
