import { strict as assert } from 'node:assert';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { localDayKey } from '../../src/core/cost/calendarDay';
import { costOfUsage } from '../../src/core/cost/pricing';
import { spendStatusView } from '../../src/core/cost/spendSummary';
import { SpendTally } from '../../src/core/cost/spendTally';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { GatewayEvent, GatewayRequest } from '../../src/core/gateway/gatewayApi';
import type { ResilienceSettings } from '../../src/core/config/resilienceSettings';
import { ModelCatalog } from '../../src/core/models/catalog';
import { startEmulator, type Emulator } from './emulator';

/**
 * The gateway over real HTTP: the official SDK-based adapters talk to the loopback emulator, which injects the faults.
 * Waits between retries go through an injected sleep that records them and returns at once.
 */
describe('gateway against the emulator', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  const FAST: Partial<ResilienceSettings> = {
    maxAttempts: 3,
    initialDelayMs: 10,
    maxDelayMs: 40,
    maxTotalWaitMs: 5_000,
    firstByteTimeoutMs: 2_000,
    idleTimeoutMs: 300,
    breakerThreshold: 3,
    breakerCooldownMs: 250,
  };

  function setup(
    config: Partial<WorkbenchConfig> = {},
    resilience: Partial<ResilienceSettings> = {},
    keys: (provider: string) => Promise<string | undefined> = async () => 'emulator-key',
  ) {
    const full: WorkbenchConfig = {
      ...defaultConfig(),
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
        { id: 'ollama', kind: 'ollama', baseUrl: emulator.ollamaBaseUrl },
      ],
      routes: { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] } },
      ...config,
    };
    const ledger = new MemoryLedger();
    const sleeps: number[] = [];
    const logs: string[] = [];
    const gateway = createGateway({
      config: full,
      keys,
      ledger,
      resilience: { ...FAST, ...resilience },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      log: (line) => logs.push(line),
    });
    return { gateway, ledger, sleeps, logs, catalog: new ModelCatalog(full.models) };
  }

  const ask = (content = 'Say hello', extra: Partial<GatewayRequest> = {}): GatewayRequest => ({
    task: 'chat',
    messages: [{ role: 'user', content }],
    ...extra,
  });

  async function collect(stream: AsyncIterable<GatewayEvent>): Promise<GatewayEvent[]> {
    const events: GatewayEvent[] = [];
    for await (const event of stream) events.push(event);
    return events;
  }

  const chatRequests = () => emulator.requests.filter((r) => /chat\/completions|\/v1\/messages$|\/api\/chat/.test(r.path));

  describe('retries', () => {
    for (const [protocol, model, ref] of [
      ['openai', 'gpt-4o-mini', 'openai:gpt-4o-mini'],
      ['anthropic', 'claude-haiku-4-5', 'anthropic:claude-haiku-4-5'],
    ] as const) {
      it(`${protocol}: 429 then success gives one answer after 2 attempts, waiting what retry-after-ms said`, async () => {
        const { gateway, sleeps, ledger } = setup({ routes: { chat: { primary: ref } } });
        emulator.enqueue({ fault: { kind: 'status', status: 429, retryAfterMs: 120, retryAfterSeconds: 30 } }, { model });
        emulator.enqueue({ text: 'Hello there.' }, { model });
        const result = await gateway.complete(ask());
        assert.equal(result.error, undefined);
        assert.equal(result.text, 'Hello there.');
        assert.equal(result.record.attempts, 2);
        assert.equal(result.record.outcome, 'ok');
        assert.equal(result.record.fallbackUsed, false);
        assert.deepEqual(sleeps, [120], 'retry-after-ms wins over retry-after');
        assert.equal(chatRequests().length, 2);
        assert.deepEqual(ledger.records, [result.record]);
      });
    }

    for (const [protocol, model, ref, status] of [
      ['openai', 'gpt-4o-mini', 'openai:gpt-4o-mini', 500],
      ['openai', 'gpt-4o-mini', 'openai:gpt-4o-mini', 503],
      ['anthropic', 'claude-haiku-4-5', 'anthropic:claude-haiku-4-5', 529],
      ['anthropic', 'claude-haiku-4-5', 'anthropic:claude-haiku-4-5', 500],
      ['ollama', 'llama3.1:8b', 'ollama:llama3.1:8b', 500],
    ] as const) {
      it(`${protocol}: ${status} is retried with backoff and then answers`, async () => {
        const { gateway, sleeps } = setup({ routes: { chat: { primary: ref } } });
        emulator.enqueue({ fault: { kind: 'status', status } }, { model });
        const result = await gateway.complete(ask());
        assert.equal(result.record.outcome, 'ok', result.error?.message);
        assert.equal(result.record.attempts, 2);
        assert.equal(sleeps.length, 1);
        assert.ok(sleeps[0] >= 5 && sleeps[0] <= 10, `backoff ${sleeps[0]} within [initial/2, initial]`);
        assert.match(result.text, new RegExp(`Emulated answer from ${model.replace('.', '\\.')}`));
      });
    }

    it('429 whose Retry-After exceeds the cap goes to the fallback instead of waiting', async () => {
      const { gateway, sleeps } = setup({}, { maxTotalWaitMs: 2_000 });
      emulator.rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 429, retryAfterSeconds: 60 } });
      const events = await collect(gateway.stream(ask()));
      const record = (events.at(-1) as Extract<GatewayEvent, { type: 'record' }>).record;
      assert.equal(record.outcome, 'ok');
      assert.equal(record.provider, 'anthropic');
      assert.equal(record.fallbackUsed, true);
      assert.match(
        record.fallbackReason ?? '',
        /openai:gpt-4o-mini: rate limited \(429\): the provider asked to wait 60 s, more than the 2 s left/,
      );
      assert.deepEqual(sleeps, []);
      const fallback = events.find((e) => e.type === 'fallback');
      assert.deepEqual(fallback && { from: fallback.from, to: fallback.to }, {
        from: 'openai:gpt-4o-mini',
        to: 'anthropic:claude-haiku-4-5',
      });
      assert.deepEqual(
        chatRequests().map((r) => r.protocol),
        ['openai', 'anthropic'],
      );
    });

    it('insufficient_quota is not retried: straight to the fallback', async () => {
      const { gateway, sleeps } = setup();
      emulator.rule(
        { model: 'gpt-4o-mini' },
        { fault: { kind: 'status', status: 429, code: 'insufficient_quota', message: 'You exceeded your current quota' } },
      );
      const result = await gateway.complete(ask());
      assert.equal(result.record.outcome, 'ok');
      assert.equal(result.record.provider, 'anthropic');
      assert.equal(result.record.attempts, 2);
      assert.deepEqual(sleeps, []);
      assert.equal(chatRequests().filter((r) => r.protocol === 'openai').length, 1);
      assert.match(result.record.fallbackReason ?? '', /out of quota \(429\) is not retried/);
    });

    it('gives up after maxAttempts on every model and reports each model’s message, outcome error', async () => {
      const { gateway, sleeps } = setup({}, { maxAttempts: 2 });
      emulator.rule({}, { fault: { kind: 'status', status: 500 } });
      const result = await gateway.complete(ask());
      assert.equal(result.record.outcome, 'error');
      assert.equal(result.record.errorKind, 'server');
      assert.equal(result.record.attempts, 4);
      assert.equal(sleeps.length, 2);
      assert.equal(result.text, '');
      assert.match(
        result.error?.message ?? '',
        /No model on the route could answer:\n {2}openai:gpt-4o-mini: .+\n {2}anthropic:claude-haiku-4-5: .+/,
      );
      assert.equal(result.record.costUsd, 0, 'refused calls are not billed');
    });
  });

  describe('fallback without duplicated text', () => {
    it('a stream cut after text restarts on the fallback, announced, and the final text is only the new answer', async () => {
      const { gateway } = setup();
      emulator.rule(
        { model: 'gpt-4o-mini' },
        { chunks: ['The ', 'first ', 'answer ', 'never ends'], fault: { kind: 'cut', afterChunks: 2 } },
      );
      emulator.rule({ model: 'claude-haiku-4-5' }, { chunks: ['A ', 'whole ', 'answer.'] });
      const events = await collect(gateway.stream(ask()));
      const kinds = events.map((e) => e.type);
      assert.deepEqual(kinds, [
        'route',
        'attempt',
        'text',
        'text',
        'fallback',
        'attempt',
        'restart',
        'text',
        'text',
        'text',
        'usage',
        'done',
        'record',
      ]);
      const restart = events.find((e) => e.type === 'restart') as Extract<GatewayEvent, { type: 'restart' }>;
      assert.equal(restart.model, 'anthropic:claude-haiku-4-5');
      assert.match(restart.reason, /openai:gpt-4o-mini answer broke off after 10 characters of its answer; the answer restarts/);
      const afterRestart = events
        .slice(kinds.indexOf('restart'))
        .filter((e) => e.type === 'text')
        .map((e) => (e as { text: string }).text);
      assert.equal(afterRestart.join(''), 'A whole answer.');
      emulator.reset();
      emulator.rule(
        { model: 'gpt-4o-mini' },
        { chunks: ['The ', 'first ', 'answer ', 'never ends'], fault: { kind: 'cut', afterChunks: 2 } },
      );
      emulator.rule({ model: 'claude-haiku-4-5' }, { chunks: ['A ', 'whole ', 'answer.'] });
      const result = await gateway.complete(ask());
      assert.equal(result.text, 'A whole answer.');
      assert.equal(result.record.fallbackUsed, true);
      // The cut attempt was billed but never reported: its part is an estimate, so the whole record says so.
      assert.equal(result.record.usageSource, 'estimate');
    });

    for (const [protocol, model, ref] of [
      ['anthropic', 'claude-haiku-4-5', 'anthropic:claude-haiku-4-5'],
      ['ollama', 'llama3.1:8b', 'ollama:llama3.1:8b'],
    ] as const) {
      it(`${protocol}: a stream cut after text restarts on the fallback without duplicating text`, async () => {
        const { gateway } = setup({ routes: { chat: { primary: ref, fallbacks: ['openai:gpt-4o-mini'] } } });
        emulator.rule({ model }, { chunks: ['Half ', 'an ', 'answer ', 'and more'], fault: { kind: 'cut', afterChunks: 2 } });
        emulator.rule({ model: 'gpt-4o-mini' }, { chunks: ['Complete ', 'answer.'] });
        const events = await collect(gateway.stream(ask()));
        const kinds = events.map((e) => e.type);
        assert.deepEqual(kinds, [
          'route',
          'attempt',
          'text',
          'text',
          'fallback',
          'attempt',
          'restart',
          'text',
          'text',
          'usage',
          'done',
          'record',
        ]);
        const result = await gateway.complete(ask());
        assert.equal(result.text, 'Complete answer.');
        assert.equal(result.record.provider, 'openai');
      });
    }

    it('a stall mid-answer becomes a timeout and the fallback answers', async () => {
      const { gateway } = setup({}, { idleTimeoutMs: 200 });
      emulator.rule({ model: 'gpt-4o-mini' }, { chunks: ['Thinking ', 'about ', 'it'], fault: { kind: 'stall', afterChunks: 1 } });
      const started = Date.now();
      const events = await collect(gateway.stream(ask()));
      const record = (events.at(-1) as Extract<GatewayEvent, { type: 'record' }>).record;
      assert.equal(record.outcome, 'ok');
      assert.equal(record.provider, 'anthropic');
      assert.match(record.fallbackReason ?? '', /timed out mid-answer/);
      assert.ok(events.some((e) => e.type === 'restart'));
      assert.ok(Date.now() - started < 5_000);
      await waitUntil(() => emulator.requests.some((r) => r.protocol === 'openai' && r.closedByClient));
    });

    it('no first byte within the limit is a timeout, retried on the same model', async () => {
      const { gateway } = setup({ routes: { chat: { primary: 'openai:gpt-4o-mini' } } }, { firstByteTimeoutMs: 200 });
      emulator.enqueue({ fault: { kind: 'stall', afterChunks: 0 } }, { model: 'gpt-4o-mini' });
      const result = await gateway.complete(ask());
      assert.equal(result.record.outcome, 'ok');
      assert.equal(result.record.attempts, 2);
    });
  });

  describe('a missing key', () => {
    const onlyAnthropic = async (provider: string) => (provider === 'anthropic' ? 'emulator-key' : undefined);

    it('with a fallback: the model is skipped (nothing sent), the reason says no key — not "key rejected" — and Set API Key is offered', async () => {
      const { gateway, ledger } = setup({}, {}, onlyAnthropic);
      emulator.rule({ model: 'claude-haiku-4-5' }, { text: 'From the fallback.' });
      const events = await collect(gateway.stream(ask()));
      const fallback = events.find((e) => e.type === 'fallback') as Extract<GatewayEvent, { type: 'fallback' }>;
      assert.equal(fallback.missingKey, true);
      assert.match(
        fallback.reason,
        /^openai:gpt-4o-mini skipped: No API key for OpenAI \(provider 'openai'\) — set it with 'LLM Workbench: Set API Key'/,
      );
      const record = (events.at(-1) as Extract<GatewayEvent, { type: 'record' }>).record;
      assert.equal(record.outcome, 'ok');
      assert.equal(record.attempts, 1, 'only the request that was sent is an attempt');
      assert.doesNotMatch(record.fallbackReason ?? '', /key rejected/);
      assert.deepEqual(
        chatRequests().map((r) => r.protocol),
        ['anthropic'],
      );
      assert.equal(ledger.records.length, 1);
    });

    it('without one: an auth error marked missingKey, nothing sent, nothing in the ledger', async () => {
      const { gateway, ledger } = setup({ routes: { chat: { primary: 'openai:gpt-4o-mini' } } }, {}, async () => undefined);
      const result = await gateway.complete(ask());
      assert.equal(result.error?.kind, 'auth');
      assert.equal(result.error?.missingKey, true);
      assert.equal(result.record.attempts, 0);
      assert.equal(chatRequests().length, 0);
      assert.deepEqual(ledger.records, []);
    });

    it('the fallback fails too: the summary keeps missingKey, so the chat still offers Set API Key', async () => {
      const { gateway } = setup({}, {}, onlyAnthropic);
      emulator.rule({ model: 'claude-haiku-4-5' }, { fault: { kind: 'status', status: 400, message: 'bad' } });
      const result = await gateway.complete(ask());
      assert.equal(result.error?.missingKey, true);
      assert.match(result.error?.message ?? '', /No model on the route could answer:\n {2}openai:gpt-4o-mini: No API key/);
    });
  });

  describe('circuit breaker', () => {
    it('opens after consecutive failures of a model, skips that model without calling it, and closes after a trial call', async () => {
      const { gateway } = setup({}, { maxAttempts: 3, breakerThreshold: 3, breakerCooldownMs: 300 });
      emulator.rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 500 } });
      const first = await gateway.complete(ask());
      assert.equal(first.record.provider, 'anthropic');
      assert.equal(chatRequests().filter((r) => r.protocol === 'openai').length, 3);

      const second = await gateway.complete(ask());
      assert.equal(second.record.provider, 'anthropic');
      assert.equal(chatRequests().filter((r) => r.protocol === 'openai').length, 3, 'an open circuit sends nothing');
      assert.match(
        second.record.fallbackReason ?? '',
        /openai:gpt-4o-mini skipped: circuit open for openai:gpt-4o-mini after 3 consecutive failures of this model/,
      );
      assert.equal(second.record.attempts, 1);

      emulator.reset();
      await new Promise((resolve) => setTimeout(resolve, 350));
      const third = await gateway.complete(ask());
      assert.equal(third.record.provider, 'openai', 'half-open trial call succeeded');
      assert.equal(third.record.fallbackUsed, false);
    });

    it('a rejected key does not count towards the circuit', async () => {
      const { gateway } = setup({}, { breakerThreshold: 1 });
      emulator.rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 401 } });
      await gateway.complete(ask());
      emulator.reset();
      const next = await gateway.complete(ask());
      assert.equal(next.record.provider, 'openai');
    });
  });

  describe('context budget', () => {
    const long = 'word '.repeat(400);
    const models = [{ ref: 'openai:small-window', contextWindow: 300, maxOutput: 100, inputPerMTok: 1, outputPerMTok: 2 }];

    it('skips to a fallback with a bigger window without sending anything to the small one', async () => {
      const { gateway } = setup({
        models,
        routes: { chat: { primary: 'openai:small-window', fallbacks: ['anthropic:claude-haiku-4-5'] } },
      });
      const result = await gateway.complete(ask(long));
      assert.equal(result.record.outcome, 'ok');
      assert.equal(result.record.provider, 'anthropic');
      assert.deepEqual(
        chatRequests().map((r) => r.protocol),
        ['anthropic'],
      );
      assert.match(
        result.record.fallbackReason ?? '',
        /openai:small-window skipped: the prompt \(~\d+ tokens\) plus 100 reserved for the answer exceeds openai:small-window's 300-token window/,
      );
      assert.equal(result.record.attempts, 1);
    });

    it('fails with context_overflow when nothing fits, and the emulator receives nothing (nor the ledger)', async () => {
      const { gateway, ledger } = setup({ models, routes: { chat: { primary: 'openai:small-window' } } });
      const result = await gateway.complete(ask(long));
      assert.equal(result.record.outcome, 'error');
      assert.equal(result.record.errorKind, 'context_overflow');
      assert.equal(result.record.attempts, 0);
      assert.equal(emulator.requests.length, 0);
      assert.deepEqual(ledger.records, []);
    });

    it('the answer reserve is what the request asks for, sent as max tokens', async () => {
      const { gateway } = setup({ models, routes: { chat: { primary: 'openai:small-window' } } });
      const result = await gateway.complete(ask('short question', { maxOutputTokens: 50 }));
      assert.equal(result.record.outcome, 'ok');
      const body = chatRequests()[0].body as { max_tokens?: number; max_completion_tokens?: number };
      assert.equal(body.max_completion_tokens ?? body.max_tokens, 50);
    });
  });

  describe('cancellation', () => {
    it('abort mid-stream closes the HTTP request; no retry, no fallback; outcome aborted', async () => {
      const { gateway, ledger } = setup();
      emulator.rule({ model: 'gpt-4o-mini' }, { chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 30 });
      const controller = new AbortController();
      const events: GatewayEvent[] = [];
      for await (const event of gateway.stream(ask('go', { signal: controller.signal }))) {
        events.push(event);
        if (event.type === 'text' && events.filter((e) => e.type === 'text').length === 2) controller.abort();
      }
      const record = (events.at(-1) as Extract<GatewayEvent, { type: 'record' }>).record;
      assert.equal(record.outcome, 'aborted');
      assert.equal(record.errorKind, 'aborted');
      assert.equal(record.attempts, 1);
      assert.ok(!events.some((e) => e.type === 'fallback' || e.type === 'retry'));
      assert.equal(events.filter((e) => e.type === 'record').length, 1);
      await waitUntil(() => emulator.requests[0]?.closedByClient === true);
      assert.deepEqual(
        chatRequests().map((r) => r.protocol),
        ['openai'],
      );
      assert.equal(ledger.records.length, 1);
    });

    it('a caller that stops reading cancels the request too, and the call is still recorded as aborted', async () => {
      const { gateway, ledger } = setup();
      emulator.rule({ model: 'gpt-4o-mini' }, { chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 30 });
      for await (const event of gateway.stream(ask())) if (event.type === 'text') break;
      await waitUntil(() => emulator.requests[0]?.closedByClient === true);
      assert.deepEqual(
        ledger.records.map((r) => [r.outcome, r.attempts]),
        [['aborted', 1]],
      );
      assert.equal(chatRequests().length, 1);
    });
  });

  it('a caller that stops at done still leaves outcome ok in the ledger', async () => {
    const { gateway, ledger } = setup();
    for await (const event of gateway.stream(ask())) if (event.type === 'done') break;
    assert.deepEqual(
      ledger.records.map((r) => r.outcome),
      ['ok'],
    );
  });

  describe('cascade on validation', () => {
    it('an answer outside the allowed labels is invalid_output and escalates to the next model', async () => {
      const validator = { allowedLabels: ['invoice', 'renewal', 'other'] };
      const { gateway } = setup({
        routes: { classify: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'], validator } },
      });
      emulator.rule({ model: 'gpt-4o-mini' }, { text: 'maybe billing or legal' });
      emulator.rule({ model: 'claude-haiku-4-5' }, { text: 'Invoice.' });
      const result = await gateway.complete({ task: 'classify', messages: [{ role: 'user', content: 'ambiguous vendor email' }] });
      assert.equal(result.text, 'Invoice.');
      assert.equal(result.record.provider, 'anthropic');
      assert.match(result.record.fallbackReason ?? '', /output failed validation is not retried/);
      assert.equal(chatRequests().filter((r) => r.protocol === 'openai').length, 1);
    });

    it('JSON schema: invalid JSON escalates; the last model failing too is an invalid_output error', async () => {
      const validator = { jsonSchema: { type: 'object', required: ['label'], properties: { label: { enum: ['a', 'b'] } } } };
      const { gateway } = setup({
        routes: { extract: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'], validator } },
      });
      emulator.rule({ model: 'gpt-4o-mini' }, { text: '{"label": "c"}' });
      emulator.rule({ model: 'claude-haiku-4-5' }, { text: '```json\n{"label": "b"}\n```' });
      const ok = await gateway.complete({ task: 'extract', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(ok.record.outcome, 'ok');
      assert.equal(ok.record.provider, 'anthropic');
      emulator.rule({ model: 'claude-haiku-4-5' }, { text: 'not json' });
      const bad = await gateway.complete({ task: 'extract', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(bad.record.errorKind, 'invalid_output');
      assert.match(bad.error?.message ?? '', /must be equal to one of the allowed values[\s\S]*is not JSON/);
    });
  });

  describe('cost and records', () => {
    it('the record’s cost is the provider-reported usage times the catalog price; the estimate comes first', async () => {
      const { gateway, catalog } = setup();
      emulator.rule({ model: 'gpt-4o-mini' }, { text: 'Priced.', usage: { input: 1234, output: 567, cacheRead: 200 } });
      const result = await gateway.complete(ask());
      const usage = { input: { total: 1234, cacheRead: 200 }, output: { total: 567 }, source: 'provider' as const };
      assert.equal(result.record.costUsd, costOfUsage(catalog.lookup('openai:gpt-4o-mini'), usage));
      assert.ok(Math.abs((result.record.costUsd ?? 0) - (1034 * 0.15 + 200 * 0.075 + 567 * 0.6) / 1e6) < 1e-12);
      assert.equal(result.record.inputTokens, 1234);
      assert.equal(result.record.outputTokens, 567);
      assert.equal(result.record.cachedInputTokens, 200);
      assert.equal(result.record.usageSource, 'provider');
      assert.equal(typeof result.record.estimatedCostUsd, 'number');
      assert.ok(result.record.ttftMs !== null && result.record.ttftMs >= 0);
      assert.ok(result.record.totalMs >= result.record.ttftMs);
      assert.equal(result.record.prompt, undefined, 'prompt text is not logged by default');
    });

    it('a cut stream on an unpriced model, then a priced fallback: each model is charged its own part', async () => {
      const models = [{ ref: 'openai:gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6 }];
      const { gateway, ledger } = setup({
        models,
        routes: { chat: { primary: 'openai:unpriced-cut', fallbacks: ['openai:gpt-4o-mini'] } },
      });
      emulator.rule({ model: 'unpriced-cut' }, { chunks: ['Half ', 'an ', 'answer ', 'and more'], fault: { kind: 'cut', afterChunks: 2 } });
      emulator.rule({ model: 'gpt-4o-mini' }, { text: 'Whole answer.', usage: { input: 1000, output: 10 } });
      const result = await gateway.complete(ask());
      assert.equal(result.text, 'Whole answer.');
      const parts = result.record.costParts ?? [];
      assert.deepEqual(
        parts.map((p) => [p.model, p.costUsd === null ? null : 'known', p.usageSource]),
        [
          ['openai:unpriced-cut', null, 'estimate'],
          ['openai:gpt-4o-mini', 'known', 'provider'],
        ],
      );
      const answered = 1000 * 0.15e-6 + 10 * 0.6e-6;
      assert.ok(Math.abs((parts[1].costUsd ?? 0) - answered) < 1e-12);
      assert.equal(result.record.costUsd, null, 'the whole call is not fully priced');
      // Spend: the known part is counted, the unknown part is charged to the model that has no price.
      const tally = new SpendTally(new Date(0));
      tally.addAll(ledger.records);
      const today = tally.today(new Date(result.record.at));
      assert.ok(Math.abs(today.usd - answered) < 1e-12);
      assert.equal(today.unknownPriceCalls, 1);
      const byModel = Object.fromEntries(tally.modelsOn(localDayKey(new Date(result.record.at))).map((m) => [m.model, m.totals]));
      assert.equal(byModel['openai:gpt-4o-mini'].unknownPriceCalls, 0);
      assert.equal(byModel['openai:unpriced-cut'].unknownPriceCalls, 1);
      const view = spendStatusView(tally, new Date(result.record.at), undefined);
      assert.match(view.tooltip, /Add prices for openai:unpriced-cut in/);
      assert.doesNotMatch(view.tooltip, /Add prices for [^\n]*gpt-4o-mini/);
    });

    it('a model without a price records cost null, never $0', async () => {
      const { gateway } = setup({ routes: { chat: { primary: 'openai:my-private-finetune' } } });
      const result = await gateway.complete(ask());
      assert.equal(result.record.outcome, 'ok');
      assert.equal(result.record.costUsd, null);
      assert.equal(result.record.estimatedCostUsd, null);
    });

    it('logs prompt text only when logPrompts is on', async () => {
      const { gateway } = setup({ logPrompts: true });
      const result = await gateway.complete(ask('remember me', { system: 'be brief' }));
      assert.equal(result.record.prompt, 'system: be brief\n\nuser: remember me');
    });

    it('exactly one record event, last, for success and for failure', async () => {
      const { gateway } = setup({ routes: { chat: { primary: 'openai:gpt-4o-mini' } } }, { maxAttempts: 1 });
      for (const fault of [undefined, { kind: 'status' as const, status: 400 }]) {
        emulator.reset();
        if (fault) emulator.rule({}, { fault });
        const events = await collect(gateway.stream(ask()));
        assert.equal(events.filter((e) => e.type === 'record').length, 1);
        assert.equal(events.at(-1)?.type, 'record');
      }
    });
  });

  describe('routing through the gateway', () => {
    it('classify-then-route: the cheap model labels the request, both calls are recorded', async () => {
      const { gateway, ledger } = setup({
        routingRules: [
          {
            when: { task: 'chat' },
            classify: {
              model: 'openai:gpt-4o-mini',
              simple: { primary: 'ollama:llama3.1:8b' },
              complex: { primary: 'anthropic:claude-haiku-4-5' },
            },
            reason: 'cheap first',
          },
        ],
      });
      emulator.rule({ model: 'gpt-4o-mini', promptIncludes: 'SIMPLE or COMPLEX' }, { text: 'SIMPLE' });
      const result = await gateway.complete(ask('What is 2+2?'));
      assert.equal(result.record.provider, 'ollama');
      assert.equal(
        result.record.reason,
        "rule 1 'cheap first' matched task chat, openai:gpt-4o-mini labelled it SIMPLE -> ollama:llama3.1:8b",
      );
      assert.deepEqual(
        ledger.records.map((r) => [r.task, r.source, `${r.provider}:${r.model}`]),
        [
          ['classify', 'router', 'openai:gpt-4o-mini'],
          ['chat', undefined, 'ollama:llama3.1:8b'],
        ],
      );
    });

    it('a classifier that fails routes as COMPLEX and says why', async () => {
      const { gateway } = setup({
        routingRules: [
          {
            when: {},
            classify: {
              model: 'openai:gpt-4o-mini',
              simple: { primary: 'ollama:llama3.1:8b' },
              complex: { primary: 'anthropic:claude-haiku-4-5' },
            },
            reason: 'cheap first',
          },
        ],
      });
      emulator.rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 401 } });
      const result = await gateway.complete(ask());
      assert.equal(result.record.provider, 'anthropic');
      assert.match(result.record.reason, /the classifier openai:gpt-4o-mini gave no label \(.*key.*\), so COMPLEX/);
    });

    it('a classifier that echoes the request routes as COMPLEX without copying its answer (or the prompt) into the reason', async () => {
      const { gateway, ledger } = setup({
        routingRules: [
          {
            when: {},
            classify: {
              model: 'openai:gpt-4o-mini',
              simple: { primary: 'ollama:llama3.1:8b' },
              complex: { primary: 'anthropic:claude-haiku-4-5' },
            },
            reason: 'cheap first',
          },
        ],
      });
      emulator.rule({ model: 'gpt-4o-mini' }, { text: 'You asked: my password is hunter2' });
      const result = await gateway.complete({ task: 'chat', messages: [{ role: 'user', content: 'my password is hunter2' }] });
      assert.equal(result.record.provider, 'anthropic');
      assert.match(result.record.reason, /gave no label \(its 33-character answer was neither SIMPLE nor COMPLEX\), so COMPLEX/);
      assert.ok(!JSON.stringify(ledger.records).includes('hunter2'));
    });

    it('a private file goes to the local Ollama model only', async () => {
      const { gateway } = setup({
        privateFiles: ['secrets/**'],
        routes: { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['ollama:llama3.1:8b'] } },
      });
      const result = await gateway.complete(ask('the db password is hunter2', { filePath: 'secrets/db.txt' }));
      assert.equal(result.record.provider, 'ollama');
      assert.deepEqual(
        chatRequests().map((r) => r.protocol),
        ['ollama'],
      );
      assert.ok(!emulator.requests.some((r) => JSON.stringify(r.body).includes('hunter2') && r.protocol !== 'ollama'));
    });

    it('with no route configured, uses a model the Ollama server has installed', async () => {
      const { gateway } = setup({ routes: {} });
      const result = await gateway.complete(ask());
      assert.equal(result.record.outcome, 'ok');
      assert.equal(result.record.provider, 'ollama');
      assert.match(result.record.reason, /the first model Ollama has installed/);
    });

    it('a routing failure is a bad_request record with nothing sent, and no ledger line (no ":" model in spend)', async () => {
      const { gateway, ledger } = setup({ providers: [], routes: {} });
      const result = await gateway.complete(ask());
      assert.equal(result.record.errorKind, 'bad_request');
      assert.equal(result.record.attempts, 0);
      assert.match(result.error?.message ?? '', /add llmWorkbench\.routes\.chat/);
      assert.deepEqual(ledger.records, [], 'a call that was never made is not a ledger record');
    });

    it('a model whose provider is not configured is skipped with the setting to add', async () => {
      const { gateway } = setup({ routes: { chat: { primary: 'groq:llama-3.1-8b-instant', fallbacks: ['openai:gpt-4o-mini'] } } });
      const result = await gateway.complete(ask());
      assert.equal(result.record.provider, 'openai');
      assert.match(result.record.fallbackReason ?? '', /no provider 'groq' is configured — add .* to llmWorkbench\.providers/);
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) assert.fail('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
