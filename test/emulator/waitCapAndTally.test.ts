/**
 * Two smaller items of issue #12 over real HTTP: a stalled model is given up within `maxTotalWaitMs` (its silence
 * counts as waiting; it took 92-182 s with a 30 s cap), and after a retry or a fallback the record's tokens and cost
 * cover the same attempts, labelled an estimate when part of them is.
 */
import * as assert from 'node:assert/strict';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { DEFAULT_RESILIENCE } from '../../src/core/config/resilienceSettings';
import { costOfUsage } from '../../src/core/cost/pricing';
import { createGateway } from '../../src/core/gateway/createGateway';
import { ModelCatalog } from '../../src/core/models/catalog';
import { useEmulator } from './suiteHooks';

describe('wait cap and the call tally', function () {
  this.timeout(30_000);
  const emulator = useEmulator();

  const config = (): WorkbenchConfig => ({
    ...defaultConfig(),
    providers: [
      { id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl },
      { id: 'anthropic', kind: 'anthropic', baseUrl: emulator().anthropicBaseUrl },
    ],
  });

  for (const [where, afterChunks] of [
    ['before the first byte', 0],
    ['mid-answer', 1],
  ] as const) {
    it(`a model that stalls ${where} is given up within maxTotalWaitMs, with the default 60 s / 30 s silence limits`, async () => {
      emulator().rule({ model: 'gpt-4o-mini' }, { chunks: ['Thinking ', 'hard'], fault: { kind: 'stall', afterChunks } });
      // The defaults, with only the cap scaled down from 30 s to 2 s so the test is quick.
      const gateway = createGateway({
        config: config(),
        keys: async () => 'sk-test',
        resilience: { ...DEFAULT_RESILIENCE, maxTotalWaitMs: 2_000 },
      });
      const started = Date.now();
      const result = await gateway.complete({
        task: 'chat',
        model: 'openai:gpt-4o-mini',
        fallbacks: [],
        messages: [{ role: 'user', content: 'hi' }],
      });
      const took = Date.now() - started;
      assert.equal(result.record.errorKind, 'timeout');
      assert.match(result.record.errorMessage ?? '', /maxTotalWaitMs/);
      assert.ok(took < 2_000 + 1_500, `gave up after ${took} ms`);
    });
  }

  it('a retried model: tokens and cost both cover every billed attempt, and a broken-off attempt makes the usage an estimate', async () => {
    // Attempt 1 streams 2 chunks and breaks off (billed, never reported); attempt 2 answers with reported usage.
    emulator().enqueue({ chunks: ['Half ', 'an ', 'answer'], fault: { kind: 'cut', afterChunks: 2 } }, { model: 'gpt-4o-mini' });
    emulator().enqueue({ text: 'The whole answer.', usage: { input: 1000, output: 200 } }, { model: 'gpt-4o-mini' });
    const gateway = createGateway({ config: config(), keys: async () => 'sk-test', resilience: { initialDelayMs: 1, maxDelayMs: 2 } });
    const result = await gateway.complete({
      task: 'chat',
      model: 'openai:gpt-4o-mini',
      fallbacks: [],
      messages: [{ role: 'user', content: 'hi' }],
    });
    const { record } = result;
    assert.equal(record.outcome, 'ok');
    assert.equal(record.attempts, 2);
    assert.equal(record.usageSource, 'estimate', 'part of it is an estimate');
    const info = new ModelCatalog().lookup('openai:gpt-4o-mini');
    const secondCost = costOfUsage(info, { input: { total: 1000 }, output: { total: 200 }, source: 'provider' })!;
    const firstInput = record.inputTokens - 1000;
    const firstOutput = record.outputTokens - 200;
    assert.ok(firstInput > 0 && firstOutput > 0, `the broken-off attempt's tokens are counted (${firstInput} in, ${firstOutput} out)`);
    const firstCost = costOfUsage(info, { input: { total: firstInput }, output: { total: firstOutput }, source: 'estimate' })!;
    assert.ok(
      Math.abs((record.costUsd ?? NaN) - (firstCost + secondCost)) < 1e-12,
      `cost ${record.costUsd} = ${firstCost} + ${secondCost}`,
    );
  });

  it("a fallback after a refused call: the refused attempt adds neither tokens nor cost, and the usage is the provider's", async () => {
    emulator().rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 500 } });
    emulator().rule({ model: 'claude-haiku-4-5' }, { text: 'From the fallback.', usage: { input: 50, output: 10 } });
    const gateway = createGateway({
      config: config(),
      keys: async () => 'sk-test',
      resilience: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    });
    const result = await gateway.complete({
      task: 'chat',
      model: 'openai:gpt-4o-mini',
      fallbacks: ['anthropic:claude-haiku-4-5'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(result.record.attempts, 3);
    assert.deepEqual([result.record.inputTokens, result.record.outputTokens, result.record.usageSource], [50, 10, 'provider']);
    const info = new ModelCatalog().lookup('anthropic:claude-haiku-4-5');
    assert.equal(result.record.costUsd, costOfUsage(info, { input: { total: 50 }, output: { total: 10 }, source: 'provider' }));
  });
});
