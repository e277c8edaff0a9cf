import { strict as assert } from 'node:assert';
import { getEventListeners, setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { GatewayRequest } from '../../src/core/gateway/gatewayApi';
import type { ModelRef } from '../../src/core/models/modelRef';
import { emulatorProviders, useEmulator } from './suiteHooks';

/**
 * An eval run hands one long-lived signal (Ctrl+C/SIGTERM) to every call: each call may listen on it while it runs,
 * but none may leave a listener behind, or a 100,000-case run keeps every call's controller (and what it reaches)
 * alive. Real HTTP through the official SDKs to the loopback emulator, 16 calls in flight as `eval -j 16` runs them.
 */
describe('gateway calls leave no listeners on the caller’s signal', function () {
  this.timeout(30_000);
  const emulator = useEmulator();

  function gateway() {
    const config: WorkbenchConfig = {
      ...defaultConfig(),
      providers: emulatorProviders(emulator()),
    };
    return createGateway({
      config,
      keys: async () => 'emulator-key',
      ledger: new MemoryLedger(),
      resilience: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2, breakerThreshold: 1_000 },
      sleep: async () => undefined,
    });
  }

  const ask = (model: ModelRef, signal: AbortSignal): GatewayRequest => ({
    task: 'chat',
    model,
    messages: [{ role: 'user', content: 'Say hello' }],
    signal,
  });

  const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

  for (const model of ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5', 'ollama:llama3.1:8b'] as ModelRef[]) {
    it(`${model}: 48 calls (16 in flight, some retried) leave none; calls in flight listen`, async () => {
      const g = gateway();
      const run = new AbortController();
      setMaxListeners(64, run.signal); // as `eval` does: the calls in flight are expected listeners
      emulator().rule({}, { chunks: ['Hel', 'lo'] });
      for (let wave = 0; wave < 3; wave++) {
        // Two calls of each wave fail once and are retried: a retry's attempt must clean up as well.
        emulator().enqueue({ fault: { kind: 'status', status: 500 } }, { model: model.slice(model.indexOf(':') + 1) });
        emulator().enqueue({ fault: { kind: 'status', status: 500 } }, { model: model.slice(model.indexOf(':') + 1) });
        let settled = false;
        const calls = Promise.all(Array.from({ length: 16 }, () => g.complete(ask(model, run.signal)))).finally(() => (settled = true));
        let listening = 0;
        while (!settled) {
          listening = Math.max(listening, abortListeners(run.signal));
          await delay(1);
        }
        assert.ok(listening > 0, 'calls in flight listen for the caller’s abort');
        const results = await calls;
        assert.deepEqual(
          results.map((r) => r.error?.message),
          results.map(() => undefined),
        );
        assert.equal(abortListeners(run.signal), 0, `after wave ${wave + 1}`);
      }
    });
  }

  it('a stream the caller stops reading, and a cancelled call, leave none', async () => {
    const g = gateway();
    const run = new AbortController();
    emulator().rule({}, { chunks: ['a', 'b', 'c', 'd'] });
    for (let i = 0; i < 8; i++) {
      for await (const event of g.stream(ask('openai:gpt-4o-mini', run.signal))) if (event.type === 'text') break;
    }
    assert.equal(abortListeners(run.signal), 0, 'after streams broken off');

    const calls = Array.from({ length: 8 }, () => g.complete(ask('anthropic:claude-haiku-4-5', run.signal)));
    run.abort();
    const results = await Promise.all(calls);
    assert.ok(results.every((r) => r.error?.kind === 'aborted'));
    assert.equal(abortListeners(run.signal), 0, 'after cancelled calls');
  });
});
