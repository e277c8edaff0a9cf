/**
 * One model call of an eval run, through the response cache: a hit returns the stored answer with its original
 * record (latency, cost) and makes no call; only successful answers are stored. Grader calls go the same way
 * (graderRuntime).
 */
import type { CallRecord } from '../cost/callRecord';
import type { GatewayRequest, GatewayResult } from '../gateway/gatewayApi';
import type { StopReason, ToolCallPart } from '../providers/chat';
import { ProviderError } from '../providers/providerError';
import { ResponseCache } from './responseCache';
import type { EvalRunOptions } from './runEval';

export interface Spent {
  usd: number;
  unknownCalls: number;
}

export interface Answer {
  text: string;
  record: CallRecord;
  cached: boolean;
  error?: ProviderError;
  stopReason?: StopReason;
  toolCalls?: ToolCallPart[];
  logProbs?: number[];
}

export async function cachedComplete(
  options: Pick<EvalRunOptions, 'cache' | 'gateway'>,
  request: GatewayRequest,
  identity: { role: 'answer' | 'grade'; ref: string; baseUrl?: string; repeat: number },
  spent: Spent,
): Promise<Answer> {
  const key = options.cache
    ? ResponseCache.key({
        ...identity,
        task: request.task,
        messages: request.messages,
        system: request.system,
        temperature: request.temperature,
        maxOutputTokens: request.maxOutputTokens,
        responseFormat: request.responseFormat,
        native: request.native,
      })
    : undefined;
  if (key) {
    const hit = options.cache!.get(key);
    if (hit)
      return {
        text: hit.text,
        record: hit.record,
        cached: true,
        stopReason: hit.stopReason,
        ...(hit.toolCalls ? { toolCalls: hit.toolCalls } : {}),
        ...(hit.logProbs ? { logProbs: hit.logProbs } : {}),
      };
  }
  let result: GatewayResult;
  try {
    result = await options.gateway.complete(request);
  } catch (error) {
    // The gateway promises not to throw; if one does, the case still fails with its message instead of the run.
    const message = error instanceof Error ? error.message : String(error);
    return {
      text: '',
      record: syntheticRecord(request),
      cached: false,
      error: error instanceof ProviderError ? error : new ProviderError({ kind: 'server', message }),
    };
  }
  if (result.record.costUsd === null) spent.unknownCalls++;
  else spent.usd += result.record.costUsd;
  if (result.error || result.record.outcome !== 'ok') {
    const error =
      result.error ??
      new ProviderError({ kind: result.record.errorKind ?? 'server', message: result.record.errorMessage ?? 'The call failed' });
    return { text: result.text, record: result.record, cached: false, error };
  }
  const extra = {
    ...(result.toolCalls ? { toolCalls: result.toolCalls } : {}),
    ...(result.logProbs ? { logProbs: result.logProbs } : {}),
  };
  if (key) options.cache!.set(key, { text: result.text, record: result.record, stopReason: result.stopReason, ...extra });
  return { text: result.text, record: result.record, cached: false, stopReason: result.stopReason, ...extra };
}

export function syntheticRecord(request: GatewayRequest): CallRecord {
  const [provider = '', ...model] = (request.model ?? '').split(':');
  return {
    at: new Date().toISOString(),
    requestId: '',
    task: request.task,
    route: request.model ? [request.model] : [],
    reason: '',
    provider,
    model: model.join(':'),
    inputTokens: 0,
    outputTokens: 0,
    costUsd: null,
    ttftMs: null,
    totalMs: 0,
    attempts: 0,
    fallbackUsed: false,
    outcome: 'error',
  };
}
