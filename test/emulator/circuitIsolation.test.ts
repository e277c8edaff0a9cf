/**
 * Circuits are per model (per provider only for connection failures): in a comparison, a model that keeps failing
 * never decides the verdicts of a healthy model on the same provider. Reproduced as issue #12 found it: `openai:x`
 * answers 500, `openai:emu-small` is healthy, six cases, default breaker settings.
 */
import * as assert from 'node:assert/strict';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { parseEvalText } from '../../src/core/evals/parseEvalFile';
import { runEval } from '../../src/core/evals/runEval';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import { createGateway } from '../../src/core/gateway/createGateway';
import { closedPort } from './adapterHarness';
import { useEmulator } from './suiteHooks';

const COMPARISON = `
description: two models on one provider
prompts:
  - "Answer yes to: {{q}}"
providers:
  - openai:x
  - openai:emu-small
tests:
${[1, 2, 3, 4, 5, 6].map((n) => `  - vars: { q: "question ${n}" }\n    assert:\n      - type: icontains\n        value: yes`).join('\n')}
`;

describe('circuits are per model: one model failing never fails its neighbours', function () {
  this.timeout(60_000);
  const emulator = useEmulator();

  function config(extra: Partial<WorkbenchConfig> = {}): WorkbenchConfig {
    return { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl }], ...extra };
  }

  it('a comparison where openai:x returns 500: openai:emu-small passes all 6 cases and is recommended', async () => {
    emulator().rule({ model: 'x' }, { fault: { kind: 'status', status: 500 } });
    emulator().rule({ model: 'emu-small' }, { text: 'yes' });
    const ledger = new MemoryLedger();
    // Default breaker (5 consecutive faults) and attempts (3); waits are not what this test is about.
    const models = ['x', 'emu-small'].map((id) => ({ ref: `openai:${id}`, inputPerMTok: 0.1, outputPerMTok: 0.4 }));
    const gateway = createGateway({
      config: config({ models }),
      keys: async () => 'sk-test',
      ledger,
      resilience: { initialDelayMs: 1, maxDelayMs: 2 },
    });
    const file = parseEvalText(COMPARISON, '/virtual/compare.eval.yaml');
    const results: EvalCaseResult[] = [];
    const summary = await runEval([file], {
      gateway,
      allowCode: false,
      concurrency: 2,
      onEvent: (e) => e.type === 'result' && results.push(e.result),
    });

    const small = results.filter((r) => r.provider === 'openai:emu-small');
    const x = results.filter((r) => r.provider === 'openai:x');
    assert.equal(small.length, 6);
    assert.deepEqual(
      small.map((r) => r.verdict),
      Array(6).fill('pass'),
      small.map((r) => r.reason).join('\n'),
    );
    assert.deepEqual(
      x.map((r) => r.verdict),
      Array(6).fill('error'),
    );
    // x's own circuit opened after its faults: later x cases were refused without a request.
    assert.ok(
      x.some((r) => /circuit open for openai:x after 5 consecutive failures of this model/.test(r.reason)),
      x.map((r) => r.reason).join('\n'),
    );
    assert.ok(x.length * 3 > emulator().requests.filter((r) => r.model === 'x').length, 'an open circuit sends nothing');
    assert.equal(emulator().requests.filter((r) => r.model === 'emu-small').length, 6);
    const selection = summary.files[0].selection;
    assert.equal(selection?.chosenRoute?.primary, 'openai:emu-small');
    assert.ok(ledger.records.filter((r) => r.model === 'emu-small').every((r) => r.outcome === 'ok'));
  });

  it('an unreachable endpoint (connection refused) opens the provider circuit: every model on it is skipped', async () => {
    const port = await closedPort();
    const gateway = createGateway({
      config: {
        ...defaultConfig(),
        providers: [
          { id: 'down', kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` },
          { id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl },
        ],
      },
      keys: async () => 'sk-test',
      resilience: { maxAttempts: 1, breakerThreshold: 2, breakerCooldownMs: 60_000 },
    });
    for (const model of ['a', 'b']) {
      const result = await gateway.complete({
        task: 'chat',
        model: `down:${model}`,
        fallbacks: ['openai:gpt-4o-mini'],
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(result.record.provider, 'openai');
      assert.match(result.record.fallbackReason ?? '', new RegExp(`down:${model}: network error`));
    }
    const third = await gateway.complete({
      task: 'chat',
      model: 'down:c',
      fallbacks: ['openai:gpt-4o-mini'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(third.record.provider, 'openai');
    assert.match(
      third.record.fallbackReason ?? '',
      /down:c skipped: circuit open for provider 'down' after 2 consecutive connection failures/,
    );
  });

  it('server faults of two models on one provider never open the provider circuit', async () => {
    emulator().rule({ model: 'bad-1' }, { fault: { kind: 'status', status: 503 } });
    emulator().rule({ model: 'bad-2' }, { fault: { kind: 'status', status: 503 } });
    const gateway = createGateway({
      config: config(),
      keys: async () => 'sk-test',
      resilience: { maxAttempts: 1, breakerThreshold: 2, initialDelayMs: 1 },
    });
    for (const model of ['bad-1', 'bad-2', 'bad-1', 'bad-2'])
      await gateway.complete({ task: 'chat', model: `openai:${model}`, fallbacks: [], messages: [{ role: 'user', content: 'hi' }] });
    const healthy = await gateway.complete({
      task: 'chat',
      model: 'openai:gpt-4o-mini',
      fallbacks: [],
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(healthy.record.outcome, 'ok', healthy.error?.message);
    const again = await gateway.complete({
      task: 'chat',
      model: 'openai:bad-1',
      fallbacks: [],
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.match(again.error?.message ?? '', /circuit open for openai:bad-1/);
  });
});
