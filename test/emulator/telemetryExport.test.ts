import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { costOfUsage } from '../../src/core/cost/pricing';
import { parseEvalFile } from '../../src/core/evals/parseEvalFile';
import { runEval } from '../../src/core/evals/runEval';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { GatewayRequest } from '../../src/core/gateway/gatewayApi';
import { ModelCatalog } from '../../src/core/models/catalog';
import type { ExportSettings } from '../../src/core/telemetry/exportSettings';
import { createTelemetry, type Telemetry } from '../../src/core/telemetry/telemetryRuntime';
import { startEmulator, type Emulator } from './emulator';
import { OtlpCollector, type CollectedSpan } from './otlpCollector';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Export of real gateway calls (official SDK adapters against the loopback emulator) to a loopback collector that
 * decodes with OpenTelemetry's own generated OTLP classes: what a team's collector would receive.
 */
describe('OpenTelemetry export of gateway calls and eval runs', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let collector: OtlpCollector;
  let endpoint: string;
  const telemetries: Telemetry[] = [];

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    collector = new OtlpCollector();
    endpoint = await collector.start();
  });
  afterEach(async () => {
    await Promise.all(telemetries.splice(0).map((t) => t.shutdown(2_000)));
    await collector.close();
  });

  function settings(extra: Partial<ExportSettings> = {}, protocol: 'http/protobuf' | 'http/json' = 'http/protobuf'): ExportSettings {
    return {
      traces: { url: `${endpoint}/v1/traces`, headers: { 'x-team': 'ml' }, protocol },
      metrics: { url: `${endpoint}/v1/metrics`, headers: {}, protocol },
      serviceName: 'llm-workbench-test',
      resourceAttributes: { 'deployment.environment': 'ci' },
      captureContent: false,
      timeoutMs: 2_000,
      ...extra,
    };
  }

  function setup(exportSettings: ExportSettings = settings(), config: Partial<WorkbenchConfig> = {}) {
    const full: WorkbenchConfig = {
      ...defaultConfig(),
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
      ],
      routes: { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] } },
      ...config,
    };
    const errors: string[] = [];
    const telemetry = createTelemetry(exportSettings, {
      version: '0.0.0-test',
      providers: full.providers,
      onExportError: (m) => errors.push(m),
    });
    telemetries.push(telemetry);
    const ledger = new MemoryLedger();
    const gateway = createGateway({
      config: full,
      keys: async () => 'emulator-key',
      ledger,
      resilience: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10, firstByteTimeoutMs: 2_000, idleTimeoutMs: 500 },
      sleep: async () => undefined,
      wrap: (g) => telemetry.wrapGateway(g),
    });
    return { gateway, ledger, telemetry, errors, catalog: new ModelCatalog(full.models) };
  }

  const ask = (content = 'Say hello', extra: Partial<GatewayRequest> = {}): GatewayRequest => ({
    task: 'chat',
    messages: [{ role: 'user', content }],
    source: 'cli',
    ...extra,
  });
  const callSpans = (spans: CollectedSpan[]) => spans.filter((s) => s.kind === 3);
  const childrenOf = (spans: CollectedSpan[], parent: CollectedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`a streamed call is one CLIENT span with the GenAI attributes (${protocol})`, async () => {
      const { gateway, telemetry, catalog } = setup(settings({}, protocol));
      emulator.enqueue({ chunks: ['Hello', ' there', '.'], usage: { input: 1200, output: 3, cacheRead: 1024 } }, { model: 'gpt-4o-mini' });
      const result = await gateway.complete(ask('Say hello', { temperature: 0.2, maxOutputTokens: 300 }));
      assert.equal(result.record.outcome, 'ok');
      await telemetry.flush(5_000);

      const spans = collector.spans();
      const [call] = callSpans(spans);
      assert.ok(call, 'one CLIENT span');
      assert.equal(call.name, 'chat gpt-4o-mini');
      assert.equal(call.scope, 'llm-workbench');
      assert.equal(call.resource['service.name'], 'llm-workbench-test');
      assert.equal(call.resource['deployment.environment'], 'ci');
      assert.equal(call.parentSpanId, '', 'a root span: nothing from other extensions or a global context leaks in');
      const a = call.attributes;
      assert.equal(a['gen_ai.operation.name'], 'chat');
      assert.equal(a['gen_ai.provider.name'], 'openai');
      assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini');
      assert.equal(a['gen_ai.response.model'], 'gpt-4o-mini');
      assert.equal(a['gen_ai.request.temperature'], 0.2);
      assert.equal(a['gen_ai.request.max_tokens'], 300);
      assert.equal(a['gen_ai.request.stream'], true);
      assert.equal(a['gen_ai.usage.input_tokens'], 1200);
      assert.equal(a['gen_ai.usage.output_tokens'], 3);
      assert.equal(a['gen_ai.usage.cache_read.input_tokens'], 1024);
      assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop']);
      assert.equal(a['server.address'], '127.0.0.1');
      assert.equal(typeof a['server.port'], 'number');
      assert.ok(typeof a['gen_ai.response.time_to_first_chunk'] === 'number' && a['gen_ai.response.time_to_first_chunk'] > 0);
      assert.equal(a['gen_ai.response.time_to_first_chunk'], (result.record.ttftMs ?? 0) / 1000);
      const expectedCost = costOfUsage(catalog.lookup('openai:gpt-4o-mini'), {
        input: { total: 1200, cacheRead: 1024 },
        output: { total: 3 },
        source: 'provider',
      });
      assert.equal(a['llm_workbench.cost.usd'], expectedCost);
      assert.equal(a['llm_workbench.cost.known'], true);
      assert.deepEqual(a['llm_workbench.route'], ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5']);
      assert.match(String(a['llm_workbench.route.reason']), /routes\.chat/);
      assert.equal(a['llm_workbench.attempts'], 1);
      assert.equal(a['llm_workbench.fallback.used'], false);
      assert.equal(a['llm_workbench.usage.source'], 'provider');
      assert.equal(a['llm_workbench.request.id'], result.record.requestId);
      assert.equal(a['llm_workbench.source'], 'cli');
      assert.equal(a['gen_ai.input.messages'], undefined, 'no content unless opted in');
      assert.equal(a['gen_ai.output.messages'], undefined);
      assert.equal(call.status.code, 0);
      const attempts = childrenOf(spans, call);
      assert.deepEqual(
        attempts.map((s) => [s.name, s.kind]),
        [['attempt openai:gpt-4o-mini', 1]],
      );
      assert.equal(attempts[0].attributes['gen_ai.usage.input_tokens'], undefined, 'usage only on the call span: counted once');
      const headers = collector.requests.find((r) => r.path === '/v1/traces')!.headers;
      assert.equal(headers['x-team'], 'ml');
      assert.equal(headers['content-type'], protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
    });
  }

  it("a call that fell back: retries and the fallback are child spans, the answer is the fallback model's", async () => {
    const { gateway, telemetry } = setup();
    emulator.rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 503 } });
    emulator.enqueue({ text: 'From Claude.', usage: { input: 20, output: 4 } }, { model: 'claude-haiku-4-5' });
    const result = await gateway.complete(ask());
    assert.equal(result.record.provider, 'anthropic');
    await telemetry.flush(5_000);

    const spans = collector.spans();
    const [call] = callSpans(spans);
    assert.equal(call.name, 'chat gpt-4o-mini', 'named for the requested model');
    assert.equal(call.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(call.attributes['gen_ai.response.model'], 'claude-haiku-4-5');
    assert.equal(call.attributes['llm_workbench.fallback.used'], true);
    assert.match(String(call.attributes['llm_workbench.fallback.reason']), /openai:gpt-4o-mini/);
    assert.equal(call.attributes['llm_workbench.attempts'], 3);
    assert.equal(call.attributes['gen_ai.usage.input_tokens'], 20);
    const children = childrenOf(spans, call).sort((x, y) => x.startNs - y.startNs);
    assert.deepEqual(
      children.map((s) => [s.name, s.attributes['error.type'] ?? null, s.status.code]),
      [
        ['attempt openai:gpt-4o-mini', 'server', 2],
        ['retry openai:gpt-4o-mini', '_OTHER', 2],
        ['fallback anthropic:claude-haiku-4-5', null, 0],
      ],
    );
    assert.deepEqual(
      call.events.map((e) => e.name),
      ['llm_workbench.retry', 'llm_workbench.fallback'],
    );
    assert.equal(call.events[0].attributes['error.type'], 'server');
    assert.equal(call.events[1].attributes.to, 'anthropic:claude-haiku-4-5');
  });

  it('a cut stream with no fallback left is an ERROR span with error.type incomplete', async () => {
    const { gateway, telemetry, ledger } = setup(settings(), { routes: { chat: { primary: 'openai:gpt-4o-mini' } } });
    emulator.rule({ model: 'gpt-4o-mini' }, { chunks: ['Part one ', 'part two ', 'part three'], fault: { kind: 'cut', afterChunks: 2 } });
    const result = await gateway.complete(ask());
    assert.equal(result.record.outcome, 'error');
    assert.equal(ledger.records.length, 1, 'the ledger has the call');
    await telemetry.flush(5_000);
    const [call] = callSpans(collector.spans());
    assert.equal(call.status.code, 2);
    assert.equal(call.attributes['error.type'], 'incomplete');
    assert.equal(call.attributes['llm_workbench.outcome'], 'error');
    assert.equal(call.attributes['llm_workbench.usage.source'], 'estimate', 'the broken-off answer is billed, by estimate');
    assert.equal(call.attributes['gen_ai.response.finish_reasons'], undefined);
  });

  it("an answer cut at the output limit: finish reason length, with the limit the gateway sent (the model's maximum)", async () => {
    const { gateway, telemetry, ledger } = setup(settings(), { routes: { chat: { primary: 'openai:gpt-4o-mini' } } });
    emulator.enqueue(
      { chunks: ['The first half'], stopReason: 'max_tokens', usage: { input: 20, output: 16384 } },
      { model: 'gpt-4o-mini' },
    );
    const result = await gateway.complete(ask('Write the whole manual'));
    assert.equal(result.record.outcome, 'ok');
    assert.equal(ledger.records[0].stopReason, 'max_tokens');
    await telemetry.flush(5_000);
    const [call] = callSpans(collector.spans());
    assert.deepEqual(call.attributes['gen_ai.response.finish_reasons'], ['length']);
    const sent = (emulator.requests.at(-1)!.body as { max_completion_tokens?: number }).max_completion_tokens;
    assert.equal(sent, 16384);
    assert.equal(call.attributes['gen_ai.request.max_tokens'], sent, 'the limit that was sent, though the caller set none');
    assert.equal(call.status.code, 0, 'an incomplete answer is still an answer: not an error span');
  });

  it('a stream cut mid-answer restarts on the fallback: a restart event, and the span is the fallback answer', async () => {
    const { gateway, telemetry } = setup(settings({ captureContent: true }));
    emulator.enqueue(
      { chunks: ['Part one ', 'part two ', 'part three'], fault: { kind: 'cut', afterChunks: 2 } },
      { model: 'gpt-4o-mini' },
    );
    emulator.enqueue({ text: 'Whole answer.' }, { model: 'claude-haiku-4-5' });
    const result = await gateway.complete(ask('Tell me', { system: 'Be brief.' }));
    assert.equal(result.text, 'Whole answer.');
    await telemetry.flush(5_000);
    const [call] = callSpans(collector.spans());
    assert.ok(call.events.some((e) => e.name === 'llm_workbench.restart'));
    assert.deepEqual(JSON.parse(String(call.attributes['gen_ai.input.messages'])), [
      { role: 'user', parts: [{ type: 'text', content: 'Tell me' }] },
    ]);
    assert.deepEqual(JSON.parse(String(call.attributes['gen_ai.system_instructions'])), [{ type: 'text', content: 'Be brief.' }]);
    assert.deepEqual(JSON.parse(String(call.attributes['gen_ai.output.messages'])), [
      { role: 'assistant', parts: [{ type: 'text', content: 'Whole answer.' }], finish_reason: 'stop' },
    ]);
  });

  it("exports gen_ai.client.token.usage and gen_ai.client.operation.duration with the conventions' buckets", async () => {
    const { gateway, telemetry } = setup(settings({ metricsIntervalMs: 60_000 }));
    emulator.enqueue({ text: 'Hi.', usage: { input: 40, output: 2 } }, { model: 'gpt-4o-mini' });
    await gateway.complete(ask());
    await telemetry.flush(5_000);
    const metrics = collector.metrics();
    const tokens = metrics.find((m) => m.name === 'gen_ai.client.token.usage');
    const duration = metrics.find((m) => m.name === 'gen_ai.client.operation.duration');
    assert.ok(tokens && duration, metrics.map((m) => m.name).join(', '));
    assert.equal(tokens.unit, '{token}');
    assert.equal(duration.unit, 's');
    const byType = Object.fromEntries(tokens.points.map((p) => [p.attributes['gen_ai.token.type'], p]));
    assert.equal(byType.input.sum, 40);
    assert.equal(byType.output.sum, 2);
    assert.equal(byType.input.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(byType.input.attributes['gen_ai.request.model'], 'gpt-4o-mini');
    assert.equal(byType.input.attributes['gen_ai.operation.name'], 'chat');
    assert.deepEqual(byType.input.bounds.slice(0, 3), [1, 4, 16]);
    assert.equal(duration.points[0].count, 1);
    assert.deepEqual(duration.points[0].bounds.slice(0, 3), [0.01, 0.02, 0.04]);
  });

  it('an eval run is a run span, a span per case with its calls under it, and verdicts as gen_ai.evaluation.result events', async () => {
    const { gateway, telemetry } = setup(settings(), { routes: { chat: { primary: 'openai:gpt-4o-mini' } } });
    emulator.rule({ model: 'gpt-4o-mini', promptIncludes: 'billing' }, { text: 'billing' });
    emulator.rule({ model: 'gpt-4o-mini', promptIncludes: 'crash' }, { text: 'account' });
    const dir = mkdtempSync(join(tmpdir(), 'otel-eval-'));
    const file = join(dir, 'triage.eval.yaml');
    writeFileSync(
      file,
      [
        'description: triage',
        'prompts: ["Label: {{ ticket }}"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - description: double charge',
        '    vars: { ticket: "billing twice" }',
        '    assert: [{ type: icontains, value: billing }, { type: not-icontains, value: sorry }]',
        '  - description: crash',
        '    vars: { ticket: "app crash" }',
        '    assert: [{ type: icontains, value: bug }]',
        '',
      ].join('\n'),
    );
    const traced = telemetry.evalRun();
    const summary = await runEval([parseEvalFile(file)], {
      gateway,
      allowCode: false,
      concurrency: 2,
      onEvent: (e) => traced.onEvent(e),
      aroundCase: traced.aroundCase,
    });
    assert.equal(summary.passed, 1);
    assert.equal(summary.failed, 1);
    await telemetry.flush(5_000);

    const spans = collector.spans();
    const run = spans.find((s) => s.name === 'eval run');
    assert.ok(run);
    assert.equal(run.attributes['llm_workbench.eval.passed'], 1);
    assert.equal(run.attributes['llm_workbench.eval.failed'], 1);
    const cases = childrenOf(spans, run);
    assert.deepEqual(cases.map((c) => c.name).sort(), ['eval case crash', 'eval case double charge']);
    for (const c of cases) {
      const calls = childrenOf(spans, c);
      assert.deepEqual(
        calls.map((s) => [s.name, s.kind]),
        [['chat gpt-4o-mini', 3]],
        `${c.name}: its call nests under it`,
      );
      assert.equal(calls[0].traceId, run.traceId);
    }
    const passing = cases.find((c) => c.name === 'eval case double charge')!;
    assert.equal(passing.attributes['llm_workbench.eval.case.verdict'], 'pass');
    assert.deepEqual(
      passing.events.map((e) => [
        e.name,
        e.attributes['gen_ai.evaluation.name'],
        e.attributes['gen_ai.evaluation.score.label'],
        e.attributes['gen_ai.evaluation.score.value'],
      ]),
      [
        ['gen_ai.evaluation.result', 'icontains', 'pass', 1],
        ['gen_ai.evaluation.result', 'not-icontains', 'pass', 1],
      ],
    );
    const failing = cases.find((c) => c.name === 'eval case crash')!;
    assert.equal(failing.attributes['llm_workbench.eval.case.verdict'], 'fail');
    assert.equal(failing.events[0].attributes['gen_ai.evaluation.score.label'], 'fail');
    assert.equal(failing.events[0].attributes['gen_ai.evaluation.explanation'], undefined, 'explanations only with content capture');
  });

  describe('a collector that is down or black-holed', () => {
    let closedPort: Server;
    afterEach(() => closedPort?.close());

    it('down (connection refused): calls answer, every record reaches the ledger, the failure is reported once', async () => {
      closedPort = createServer();
      await new Promise<void>((resolve) => closedPort.listen(0, '127.0.0.1', resolve));
      const port = (closedPort.address() as { port: number }).port;
      await new Promise<void>((resolve) => closedPort.close(() => resolve()));
      const down = `http://127.0.0.1:${port}`;
      const { gateway, ledger, telemetry, errors } = setup(
        settings({ traces: { url: `${down}/v1/traces`, headers: {}, protocol: 'http/protobuf' }, metrics: undefined }),
      );
      for (let i = 0; i < 5; i++) {
        const result = await gateway.complete(ask(`call ${i}`));
        assert.equal(result.record.outcome, 'ok');
      }
      assert.equal(ledger.records.length, 5);
      await telemetry.flush(5_000);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], /OpenTelemetry export of traces to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed.*Calls are not affected/);
    });

    it('black-holed: calls answer, at most two exports wait on it, and shutdown gives up on time', async () => {
      collector.blackHole = true;
      const { gateway, ledger, telemetry } = setup(settings({ metrics: undefined, maxQueueSize: 16, timeoutMs: 30_000 }));
      for (let i = 0; i < 40; i++) {
        const result = await gateway.complete(ask(`call ${i}`));
        assert.equal(result.record.outcome, 'ok');
      }
      assert.equal(ledger.records.length, 40);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // the batch processor's scheduled export fires
      assert.ok(collector.maxConcurrent <= 2, `exports in flight: ${collector.maxConcurrent}`);
      const started = Date.now();
      await telemetry.shutdown(1_000);
      assert.ok(Date.now() - started < 5_000, 'bounded shutdown');
    });
  });
});
