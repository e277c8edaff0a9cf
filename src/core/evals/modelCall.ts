/**
 * One model call of an eval run, through the response cache: a hit returns the stored answer with its original
 * record (latency, cost) and makes no call; only successful answers are stored. Grader calls go the same way.
 */
import type { CallRecord } from '../gateway/callRecord';
import type { GatewayRequest, GatewayResult } from '../gateway/gatewayApi';
import { ProviderError } from '../providers/providerError';
import type { GradeRequest, GradeResult } from './assertions/assertionOutcome';
import { GRADER_SYSTEM_PROMPT, graderMessages, parseGraderReply } from './assertions/llmRubric';
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
}

export async function cachedComplete(
  options: EvalRunOptions,
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
    if (hit) return { text: hit.text, record: hit.record, cached: true };
  }
  let result: GatewayResult;
  try {
    result = await options.gateway.complete(request);
  } catch (error) {
    // The gateway promises not to throw; if one does, the case still fails with its message instead of the run.
    const message = error instanceof Error ? error.message : String(error);
    return { text: '', record: syntheticRecord(request), cached: false, error: error instanceof ProviderError ? error : new ProviderError({ kind: 'server', message }) };
  }
  if (result.record.costUsd === null) spent.unknownCalls++;
  else spent.usd += result.record.costUsd;
  if (result.error || result.record.outcome !== 'ok') {
    const error = result.error ?? new ProviderError({ kind: result.record.errorKind ?? 'server', message: result.record.errorMessage ?? 'The call failed' });
    return { text: result.text, record: result.record, cached: false, error };
  }
  if (key) options.cache!.set(key, { text: result.text, record: result.record });
  return { text: result.text, record: result.record, cached: false };
}

export async function gradeWith(options: EvalRunOptions, g: GradeRequest, repeat: number, spent: Spent): Promise<GradeResult> {
  const request: GatewayRequest = {
    task: 'classify',
    model: g.grader,
    fallbacks: [],
    system: GRADER_SYSTEM_PROMPT,
    messages: graderMessages(g.output, g.rubric),
    temperature: 0,
    responseFormat: 'json',
    source: 'eval-grader',
    signal: options.signal,
  };
  const answer = await cachedComplete(options, request, { role: 'grade', ref: g.grader, repeat }, spent);
  if (answer.error) {
    return { pass: false, score: 0, reason: `The grader ${g.grader} failed: ${answer.error.message}`, costUsd: answer.cached ? 0 : answer.record.costUsd };
  }
  return { ...parseGraderReply(answer.text), costUsd: answer.record.costUsd };
}

export function syntheticRecord(request: GatewayRequest): CallRecord {
  const [provider = '', ...model] = (request.model ?? '').split(':');
  return {
    at: new Date().toISOString(), requestId: '', task: request.task, route: request.model ? [request.model] : [], reason: '', provider, model: model.join(':'),
    inputTokens: 0, outputTokens: 0, costUsd: null, ttftMs: null, totalMs: 0, attempts: 0, fallbackUsed: false, outcome: 'error',
  };
}

