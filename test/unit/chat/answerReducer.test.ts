import assert from 'node:assert/strict';
import { applyGatewayEvent } from '../../../src/core/chat/answerReducer';
import { footerParts } from '../../../src/core/chat/footerText';
import type { CallRecord } from '../../../src/core/cost/callRecord';
import type { GatewayEvent } from '../../../src/core/gateway/gatewayApi';
import { ProviderError } from '../../../src/core/providers/providerError';
import type { AssistantTurn } from '../../../src/shared/chatProtocol';

function record(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    at: '2026-01-01T00:00:00.000Z',
    requestId: 'r1',
    task: 'chat',
    route: ['openai:gpt-4o-mini'],
    reason: 'task chat -> primary openai:gpt-4o-mini (routes.chat)',
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 1200,
    outputTokens: 34,
    costUsd: 0.0002,
    usageSource: 'provider',
    ttftMs: 321,
    totalMs: 1450,
    attempts: 1,
    fallbackUsed: false,
    outcome: 'ok',
    ...overrides,
  };
}
const fresh = (): AssistantTurn => ({ id: 'a1', role: 'assistant', replyTo: 'u1', text: '', status: 'streaming', notices: [] });
const fold = (events: GatewayEvent[]) => events.reduce(applyGatewayEvent, fresh());
const rateLimited = new ProviderError({ kind: 'rate_limit', message: 'OpenAI rate limit (429)', retryAfterMs: 1000 });

describe('answer reducer', () => {
  it('streams text and finishes with the footer from the record', () => {
    const turn = fold([
      { type: 'route', route: { primary: 'openai:gpt-4o-mini', fallbacks: [], reason: 'r' } },
      { type: 'attempt', model: 'openai:gpt-4o-mini', attempt: 1 },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'done', stopReason: 'end' },
      { type: 'record', record: record() },
    ]);
    assert.equal(turn.text, 'Hello');
    assert.equal(turn.status, 'done');
    assert.equal(turn.footer?.model, 'openai:gpt-4o-mini');
    assert.equal(turn.footer?.inputTokens, 1200);
  });

  it('a burst of retries on one model is one notice, updated in place; once the call is over it is in the past tense', () => {
    const events: GatewayEvent[] = [
      { type: 'retry', model: 'openai:gpt-4o-mini', attempt: 1, delayMs: 1000, error: rateLimited },
      { type: 'retry', model: 'openai:gpt-4o-mini', attempt: 2, delayMs: 2000, error: rateLimited },
      { type: 'text', text: 'ok' },
    ];
    const streaming = fold(events);
    assert.equal(streaming.notices.length, 1);
    assert.match(streaming.notices[0].text, /^Retrying openai:gpt-4o-mini in 2\.0s \(attempt 3\): OpenAI rate limit/);
    const turn = fold([...events, { type: 'record', record: record({ attempts: 3 }) }]);
    assert.deepEqual(
      turn.notices.map((n) => n.text),
      ['Retried openai:gpt-4o-mini (3 attempts): OpenAI rate limit (429)'],
    );
    assert.equal(turn.text, 'ok');
  });

  it('a restart replaces the partial text with a note: the answer never holds both attempts', () => {
    const turn = fold([
      { type: 'text', text: 'The answer is par' },
      { type: 'fallback', from: 'openai:gpt-4o-mini', to: 'anthropic:claude-haiku-4-5', reason: 'stream cut (incomplete)' },
      {
        type: 'restart',
        model: 'anthropic:claude-haiku-4-5',
        from: 'openai:gpt-4o-mini',
        reason: 'openai:gpt-4o-mini failed mid-answer (incomplete)',
      },
      { type: 'text', text: 'The answer is 42.' },
      {
        type: 'record',
        record: record({
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          fallbackUsed: true,
          fallbackReason: 'openai:gpt-4o-mini: stream cut',
        }),
      },
    ]);
    assert.equal(turn.text, 'The answer is 42.');
    assert.deepEqual(
      turn.notices.map((n) => n.kind),
      ['restart'],
    );
    assert.match(turn.notices[0].text, /^Restarted on anthropic:claude-haiku-4-5 because /);
    assert.equal(turn.footer?.model, 'anthropic:claude-haiku-4-5');
    assert.equal(turn.footer?.fallbackUsed, true);
  });

  it('a fallback before any text is a notice, and the footer says why', () => {
    const turn = fold([
      { type: 'fallback', from: 'openai:gpt-4o-mini', to: 'ollama:llama3.1:8b', reason: 'OpenAI is overloaded (529)' },
      { type: 'text', text: 'hi' },
      {
        type: 'record',
        record: record({ provider: 'ollama', model: 'llama3.1:8b', fallbackUsed: true, fallbackReason: 'OpenAI is overloaded (529)' }),
      },
    ]);
    assert.equal(turn.notices[0].kind, 'fallback');
    const fallback = footerParts(turn.footer!).find((p) => p.name === 'fallback');
    assert.equal(fallback?.text, 'fallback: OpenAI is overloaded (529)');
  });

  it('an auth error offers Set API Key and Retry', () => {
    const auth = new ProviderError({ kind: 'auth', message: "OpenAI rejected the key — set it with 'LLM Workbench: Set API Key'" });
    const turn = fold([
      { type: 'error', error: auth },
      { type: 'record', record: record({ outcome: 'error', errorKind: 'auth' }) },
    ]);
    assert.equal(turn.status, 'error');
    assert.deepEqual(turn.error?.actions, ['setApiKey', 'retry']);
    assert.match(turn.error!.message, /rejected the key/);
  });

  it('an error known only from the record still shows its message', () => {
    const turn = fold([
      { type: 'record', record: record({ outcome: 'error', errorKind: 'network', errorMessage: 'Ollama is not running' }) },
    ]);
    assert.equal(turn.error?.message, 'Ollama is not running');
    assert.ok(turn.error?.actions.includes('openSettings'));
  });

  it('an aborted call is stopped, keeping the text so far and showing no error', () => {
    const turn = fold([
      { type: 'text', text: 'partial' },
      { type: 'record', record: record({ outcome: 'aborted' }) },
    ]);
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.text, 'partial');
    assert.equal(turn.error, undefined);
  });
});

describe('answer footer', () => {
  it('shows model, route, tokens, cost, TTFT and total time', () => {
    const parts = footerParts(fold([{ type: 'record', record: record() }]).footer!);
    assert.deepEqual(
      parts.map((p) => p.text),
      [
        'openai:gpt-4o-mini',
        'task chat -> primary openai:gpt-4o-mini (routes.chat)',
        '1,200 in · 34 out',
        '$0.0002',
        'TTFT 321 ms',
        '1.45 s',
      ],
    );
  });

  it('an unknown price stays "unknown", estimated usage is marked ≈, a missing TTFT is n/a', () => {
    const parts = footerParts(fold([{ type: 'record', record: record({ costUsd: null, usageSource: 'estimate', ttftMs: null }) }]).footer!);
    const byName = Object.fromEntries(parts.map((p) => [p.name, p.text]));
    assert.equal(byName.cost, 'unknown');
    assert.equal(byName.tokens, '≈1,200 in · ≈34 out');
    assert.equal(byName.ttft, 'TTFT n/a');
  });
});

describe('answer reducer: a stream cut with no fallback', () => {
  const cut = new ProviderError({
    kind: 'incomplete',
    message: "emu's answer from emu-cut broke off (the stream ended without a finish reason); the partial text is not a result — try again",
  });
  const reason = 'emu:emu-cut answer broke off after 17 characters of its answer; the answer restarts';
  const events: GatewayEvent[] = [
    { type: 'route', route: { primary: 'emu:emu-cut', fallbacks: [], reason: 'task chat -> primary emu:emu-cut (routes.chat)' } },
    { type: 'attempt', model: 'emu:emu-cut', attempt: 1 },
    { type: 'text', text: 'Part one part two' },
    { type: 'retry', model: 'emu:emu-cut', attempt: 1, delayMs: 500, error: cut },
    { type: 'attempt', model: 'emu:emu-cut', attempt: 2 },
    { type: 'restart', model: 'emu:emu-cut', from: 'emu:emu-cut', reason },
    { type: 'text', text: 'Part one part two' },
    { type: 'retry', model: 'emu:emu-cut', attempt: 2, delayMs: 1000, error: cut },
    { type: 'attempt', model: 'emu:emu-cut', attempt: 3 },
    { type: 'restart', model: 'emu:emu-cut', from: 'emu:emu-cut', reason },
  ];

  it('one line that counts the restarts, never "Restarted on X because X" beside a retry line', () => {
    const turn = fold(events);
    assert.equal(turn.text, '');
    assert.equal(turn.notices.length, 1);
    assert.equal(turn.notices[0].kind, 'restart');
    assert.equal(
      turn.notices[0].text,
      'emu:emu-cut answer broke off after 17 characters of its answer (2 times): the partial text was removed and emu:emu-cut is answering again from the start',
    );
    assert.doesNotMatch(turn.notices[0].text, /Restarted on emu:emu-cut because emu:emu-cut/);
  });

  it('when the last attempt breaks off too, the notice says what happened and the error says what to do', () => {
    const turn = fold([
      ...events,
      { type: 'text', text: 'Part one' },
      { type: 'error', error: cut },
      { type: 'record', record: record({ provider: 'emu', model: 'emu-cut', outcome: 'error', errorKind: 'incomplete', attempts: 3 }) },
    ]);
    assert.deepEqual(
      turn.notices.map((n) => n.text),
      ['emu:emu-cut broke off 2 times: the partial text was removed'],
    );
    assert.ok(!turn.notices.some((n) => /Retrying|attempt 3/.test(n.text)), JSON.stringify(turn.notices));
    assert.equal(turn.status, 'error');
    assert.deepEqual(turn.error?.actions, ['retry', 'openLog']);
  });
});

describe('answer reducer: a missing key', () => {
  it('a model skipped for want of a key: the fallback notice offers Set API Key', () => {
    const turn = fold([
      {
        type: 'fallback',
        from: 'openai:gpt-4o-mini',
        to: 'anthropic:claude-haiku-4-5',
        reason: "openai:gpt-4o-mini skipped: No API key for OpenAI (provider 'openai') — set it with 'LLM Workbench: Set API Key'",
        missingKey: true,
      },
      { type: 'text', text: 'hi' },
      { type: 'record', record: record({ provider: 'anthropic', model: 'claude-haiku-4-5', fallbackUsed: true }) },
    ]);
    assert.equal(turn.notices[0].action, 'setApiKey');
    assert.doesNotMatch(turn.notices[0].text, /rejected/);
  });

  it('every model failed and one had no key: Set API Key is offered whatever the last error was', () => {
    const summary = new ProviderError({
      kind: 'server',
      missingKey: true,
      message: 'No model on the route could answer:\n  openai:gpt-4o-mini: No API key…\n  anthropic:claude-haiku-4-5: server error',
    });
    const turn = fold([
      { type: 'error', error: summary },
      { type: 'record', record: record({ outcome: 'error', errorKind: 'server', attempts: 1 }) },
    ]);
    assert.deepEqual(turn.error?.actions, ['setApiKey', 'retry', 'openLog']);
  });
});

describe('answer reducer: nothing sent', () => {
  it('a call that reached no model has an error and no footer (no "unknown" model, no empty numbers)', () => {
    const turn = fold([
      {
        type: 'error',
        error: new ProviderError({ kind: 'bad_request', message: 'No model is configured for task "chat": add llmWorkbench.routes.chat' }),
      },
      {
        type: 'record',
        record: record({
          provider: '',
          model: '',
          route: [],
          reason: '',
          outcome: 'error',
          errorKind: 'bad_request',
          attempts: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          ttftMs: null,
        }),
      },
    ]);
    assert.equal(turn.status, 'error');
    assert.equal(turn.footer, undefined);
    assert.match(turn.error!.message, /add llmWorkbench\.routes\.chat/);
    assert.ok(turn.error!.actions.includes('openSettings'));
  });
});

describe('answer footer: a model that broke off before the fallback answered', () => {
  const parts = (cut: number | null) => [
    { model: 'emu:emu-cut', costUsd: cut, inputTokens: 40, outputTokens: 5, usageSource: 'estimate' as const },
    { model: 'emu:emu-ok', costUsd: 0.000104, inputTokens: 1000, outputTokens: 10, usageSource: 'provider' as const },
  ];
  const cost = (cut: number | null) =>
    footerParts(
      fold([
        {
          type: 'record',
          record: record({
            provider: 'emu',
            model: 'emu-ok',
            fallbackUsed: true,
            costUsd: cut === null ? null : cut + 0.000104,
            costParts: parts(cut),
          }),
        },
      ]).footer!,
    ).find((p) => p.name === 'cost')!;

  it('keeps the known part and names the model without a price, not the one that answered', () => {
    const part = cost(null);
    assert.equal(part.text, '$0.0001+');
    assert.match(part.title, /emu:emu-cut: price unknown \(≈: it broke off before reporting usage\)/);
    assert.match(part.title, /emu:emu-ok: \$0\.0001/);
    assert.match(part.title, /Price unknown for emu:emu-cut: add it under llmWorkbench\.models/);
    assert.doesNotMatch(part.title, /unknown for emu:emu-ok/);
  });

  it('both priced: the sum, and each part in the title', () => {
    const part = cost(0.00002);
    assert.equal(part.text, '$0.00012');
    assert.match(part.title, /emu:emu-cut: \$0\.00002/);
  });
});

describe('answer reducer: notices stay few', () => {
  it("a fallback replaces the failed model's retry line", () => {
    const turn = fold([
      { type: 'retry', model: 'openai:gpt-4o-mini', attempt: 1, delayMs: 500, error: rateLimited },
      { type: 'retry', model: 'openai:gpt-4o-mini', attempt: 2, delayMs: 900, error: rateLimited },
      { type: 'fallback', from: 'openai:gpt-4o-mini', to: 'anthropic:claude-haiku-4-5', reason: 'rate limited after 3 attempts' },
    ]);
    assert.deepEqual(
      turn.notices.map((n) => n.kind),
      ['fallback'],
    );
  });
});
