import type { CallRecord } from '../../../src/core/cost/callRecord';

let seq = 0;

/** A CallRecord with plausible defaults: tests name only the fields they are about. */
export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  seq += 1;
  return {
    at: new Date(2026, 2, 7, 10, 0, 0).toISOString(),
    requestId: `req-${seq}`,
    task: 'chat',
    route: ['openai:gpt-4o-mini'],
    reason: 'route for task chat',
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.001,
    ttftMs: 120,
    totalMs: 400,
    attempts: 1,
    fallbackUsed: false,
    outcome: 'ok',
    source: 'chat',
    ...overrides,
  };
}

/** Local wall-clock time as an ISO string (the ledger stores ISO; days are local). */
export const localIso = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).toISOString();
