import type { CallRecord } from '../../../src/core/cost/callRecord';

/** A complete, plausible call record; tests override what they look at. */
export function sampleRecord(over: Partial<CallRecord> = {}): CallRecord {
  return {
    at: '2026-03-07T10:00:00.000Z',
    requestId: 'r1',
    task: 'chat',
    route: ['openai:gpt-4o-mini'],
    reason: 'task chat -> primary openai:gpt-4o-mini (routes.chat)',
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.001,
    ttftMs: 120,
    totalMs: 480,
    attempts: 1,
    fallbackUsed: false,
    outcome: 'ok',
    ...over,
  };
}
