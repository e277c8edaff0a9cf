import assert from 'node:assert/strict';
import type { CallRecord } from '../../../src/core/cost/callRecord';
import { recordLogLine } from '../../../src/core/logging/recordLogLine';
import { observeRecords } from '../../../src/core/logging/observeRecords';
import type { ChatGateway, GatewayEvent } from '../../../src/core/gateway/gatewayApi';

const record: CallRecord = {
  at: '2026-01-01T00:00:00.000Z',
  requestId: 'req-1',
  task: 'chat',
  route: ['openai:gpt-4o-mini'],
  reason: 'routes.chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens: 10,
  outputTokens: 5,
  costUsd: null,
  ttftMs: 120.4,
  totalMs: 900.2,
  attempts: 1,
  fallbackUsed: false,
  outcome: 'ok',
  source: 'chat',
  prompt: 'my secret plan',
};

describe('call log line', () => {
  it('logs the record without prompt text unless prompts are enabled', () => {
    const { level, line } = recordLogLine(record, false);
    assert.equal(level, 'info');
    assert.equal(
      line,
      'chat chat · openai:gpt-4o-mini · ok · in=10 out=5 · cost=unknown · ttft=120ms · total=900ms · attempts=1 · route="routes.chat" · id=req-1',
    );
    assert.ok(!line.includes('secret plan'));
    assert.match(recordLogLine(record, true).line, /prompt="my secret plan"$/);
  });

  it('warns on fallbacks and retries, errors on failures', () => {
    assert.equal(recordLogLine({ ...record, fallbackUsed: true, fallbackReason: '529' }, false).level, 'warn');
    const failed = recordLogLine({ ...record, outcome: 'error', errorKind: 'auth', errorMessage: 'key rejected' }, false);
    assert.equal(failed.level, 'error');
    assert.match(failed.line, /error auth .* message="key rejected"/);
  });

  it('every record passing through the gateway reaches the log once, events unchanged', async () => {
    const events: GatewayEvent[] = [
      { type: 'text', text: 'hi' },
      { type: 'record', record },
    ];
    const inner: ChatGateway = {
      async *stream() {
        yield* events;
      },
      complete: async () => ({ text: 'hi', record }),
    };
    const seen: CallRecord[] = [];
    const gateway = observeRecords(inner, (r) => seen.push(r));
    const out: GatewayEvent[] = [];
    for await (const event of gateway.stream({ task: 'chat', messages: [] })) out.push(event);
    assert.deepEqual(out, events);
    assert.deepEqual(seen, [record]);
  });
});
