import { strict as assert } from 'node:assert';
import { aggregateLedger } from '../../../src/core/cost/ledgerAggregation';
import { sampleRecord } from './ledgerRecords';

/** Local wall-clock times, so the day boundaries hold in any time zone the tests run in. */
const local = (day: number, hour: number, minute = 0, month = 3) => new Date(2026, month - 1, day, hour, minute).toISOString();

describe('ledger aggregation', () => {
  const now = new Date(2026, 2, 7, 12, 0);
  const records = [
    sampleRecord({ requestId: 'a', at: local(7, 0, 0), costUsd: 0.5, task: 'chat', sessionId: 's1' }),
    sampleRecord({
      requestId: 'b',
      at: local(7, 23, 59),
      costUsd: 0.25,
      task: 'code',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      sessionId: 's1',
    }),
    sampleRecord({ requestId: 'c', at: local(6, 23, 59), costUsd: 1, task: 'chat' }),
    sampleRecord({ requestId: 'd', at: local(7, 9), costUsd: null, task: 'code', provider: 'custom', model: 'mystery', sessionId: 's1' }),
    sampleRecord({ requestId: 'e', at: local(28, 12, 0, 2), costUsd: 4, task: 'reason' }),
  ];

  it('today is the local calendar day: 00:00 and 23:59 count, 23:59 the day before does not', () => {
    const result = aggregateLedger(records, { now });
    assert.equal(result.today.calls, 3);
    assert.equal(result.today.usd, 0.75);
    assert.equal(result.today.unknownPriceCalls, 1);
  });

  it('month is the local calendar month; the last day of the previous month is out', () => {
    const result = aggregateLedger(records, { now });
    assert.equal(result.month.calls, 4);
    assert.equal(result.month.usd, 1.75);
    assert.equal(result.all.usd, 5.75);
  });

  it('unknown prices are counted apart, never added as $0', () => {
    const result = aggregateLedger(records, { now });
    assert.deepEqual(result.byModel['custom:mystery'], { usd: 0, calls: 1, unknownPriceCalls: 1, inputTokens: 100, outputTokens: 50 });
    assert.equal(result.byTask.code.unknownPriceCalls, 1);
    assert.equal(result.byTask.code.usd, 0.25);
    assert.equal(result.all.unknownPriceCalls, 1);
  });

  it('slices by model, task and day add up to the whole', () => {
    const result = aggregateLedger(records, { now });
    for (const slices of [result.byModel, result.byTask, result.byDay]) {
      const sum = Object.values(slices).reduce((s, t) => s + t.usd, 0);
      const calls = Object.values(slices).reduce((s, t) => s + t.calls, 0);
      assert.equal(sum, result.all.usd);
      assert.equal(calls, records.length);
    }
    assert.deepEqual(Object.keys(result.byDay).sort(), ['2026-02-28', '2026-03-06', '2026-03-07']);
    assert.equal(result.byModel['openai:gpt-4o-mini'].calls, 3);
  });

  it('a session is the records with its id, or without an id those since its start', () => {
    assert.equal(aggregateLedger(records, { now, sessionId: 's1' }).session.calls, 3);
    const since = aggregateLedger(records, { now, sessionStart: new Date(2026, 2, 7, 9) });
    assert.equal(since.session.calls, 2);
    assert.equal(since.session.usd, 0.25);
    assert.equal(aggregateLedger(records, { now }).session.calls, 0);
  });

  it('skips records whose time cannot be read', () => {
    const result = aggregateLedger([sampleRecord({ at: 'yesterday' })], { now });
    assert.equal(result.all.calls, 0);
  });
});
