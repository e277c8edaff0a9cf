import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MemoryLedger, type Ledger } from '../../../src/core/cost/ledger';
import { costOfUsage } from '../../../src/core/cost/pricing';
import type { CallRecord } from '../../../src/core/cost/callRecord';
import { ModelCatalog } from '../../../src/core/models/catalog';
import {
  ReceiverStartError,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceiverEvent,
} from '../../../src/core/telemetry/receiver/otlpReceiver';

/**
 * The local OTLP receiver fed by OpenTelemetry's own exporters (OTLP/JSON as Copilot Chat and promptfoo send it,
 * OTLP/protobuf as most SDKs do) with spans shaped like those tools' (attribute names and values from their sources),
 * plus hand-made bad requests for the refusals.
 */
describe('OTLP receiver', function () {
  this.timeout(20_000);
  const catalog = new ModelCatalog();
  let ledger: MemoryLedger;
  let receiver: OtlpReceiver;
  let events: ReceiverEvent[];

  beforeEach(async () => {
    ledger = new MemoryLedger();
    events = [];
    receiver = await startOtlpReceiver({ port: 0, ledger, catalog, onIngest: (e) => events.push(e), maxBodyBytes: 256 * 1024 });
  });
  afterEach(() => receiver.close());

  /** Emits spans through a real SDK provider and exporter, as the other tool would. */
  async function emit(
    exporter: SpanExporter,
    service: string,
    scope: string,
    build: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void,
  ): Promise<void> {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.2.3' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    build(provider.getTracer(scope, '1.0.0'));
    await provider.forceFlush();
    await provider.shutdown();
  }

  function span(
    tracer: ReturnType<BasicTracerProvider['getTracer']>,
    name: string,
    attributes: Attributes,
    options: { parent?: ReturnType<typeof tracer.startSpan>; error?: string; ms?: number } = {},
  ) {
    const start = Date.now() - (options.ms ?? 800);
    const context = options.parent ? trace.setSpan(ROOT_CONTEXT, options.parent) : ROOT_CONTEXT;
    const s = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: start }, context);
    if (options.error) s.setStatus({ code: SpanStatusCode.ERROR, message: options.error });
    return s;
  }

  it('Copilot Chat (OTLP/JSON): its chat spans become records; agent and tool spans do not; Copilot-hosted models cost unknown, BYOK Anthropic is priced', async () => {
    await emit(new JsonTraceExporter({ url: `${receiver.endpoint}/v1/traces` }), 'copilot-chat', 'copilot-chat', (tracer) => {
      const agent = span(tracer, 'invoke_agent GitHub Copilot Chat', {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': 'github',
        'gen_ai.usage.input_tokens': 9000,
        'gen_ai.usage.output_tokens': 700,
      });
      span(
        tracer,
        'chat gpt-4.1',
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'github',
          'gen_ai.request.model': 'gpt-4.1',
          'gen_ai.response.model': 'gpt-4.1-2025-04-14',
          'gen_ai.conversation.id': 'req-123',
          'gen_ai.request.max_tokens': 2048,
          'gen_ai.usage.input_tokens': 8000,
          'gen_ai.usage.output_tokens': 600,
          'gen_ai.usage.cache_read.input_tokens': 4096,
          'gen_ai.usage.reasoning_tokens': 120,
          'gen_ai.response.finish_reasons': ['stop'],
          'copilot_chat.time_to_first_token': 640,
          'server.address': 'api.githubcopilot.com',
        },
        { parent: agent },
      ).end();
      span(
        tracer,
        'execute_tool readFile',
        { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'readFile' },
        { parent: agent },
      ).end();
      span(
        tracer,
        'chat claude-sonnet-4-5',
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.agent.name': 'AnthropicBYOK',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 200,
          'server.address': 'api.anthropic.com',
        },
        { parent: agent },
      ).end();
      agent.end();
    });
    const records = [...ledger.records].sort((a, b) => a.provider.localeCompare(b.provider));
    assert.equal(records.length, 2, JSON.stringify(records));
    const [byok, hosted] = records;
    assert.equal(hosted.source, 'copilot-chat');
    assert.equal(hosted.origin, 'otlp');
    assert.equal(hosted.provider, 'github');
    assert.equal(hosted.model, 'gpt-4.1-2025-04-14');
    assert.equal(hosted.inputTokens, 8000);
    assert.equal(hosted.outputTokens, 600);
    assert.equal(hosted.cachedInputTokens, 4096);
    assert.equal(hosted.costUsd, null, 'Copilot-hosted models are not billed per token: unknown, never $0');
    assert.equal(hosted.ttftMs, 640);
    assert.equal(hosted.outcome, 'ok');
    assert.ok(hosted.totalMs >= 700 && hosted.totalMs < 5000, String(hosted.totalMs));
    assert.match(hosted.requestId, /^otlp:[0-9a-f]{32}:[0-9a-f]{16}$/);
    assert.equal(byok.provider, 'anthropic');
    assert.equal(byok.model, 'claude-sonnet-4-5');
    const priced = costOfUsage(catalog.lookup('anthropic:claude-sonnet-4-5'), {
      input: { total: 1000 },
      output: { total: 200 },
      source: 'provider',
    });
    assert.ok(priced !== null && priced > 0);
    assert.equal(byok.costUsd, priced);
    // One export request per span (SimpleSpanProcessor): the agent and tool spans were read and passed over.
    const skipped = events.flatMap((e) => (e.type === 'recorded' ? Object.entries(e.result.skipped) : []));
    assert.deepEqual(skipped, [
      ['not-inference', 1],
      ['not-inference', 1],
    ]);
  });

  it('promptfoo (OTLP/protobuf): gen_ai.system and its cached-token name are read; cache hits are not new calls; errors are recorded as errors', async () => {
    await emit(new ProtoTraceExporter({ url: `${receiver.endpoint}/v1/traces` }), 'promptfoo', 'promptfoo.providers', (tracer) => {
      const base = {
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'promptfoo.provider.id': 'openai:chat:gpt-4o-mini',
        'promptfoo.eval.id': 'eval-abc',
        'promptfoo.test.index': 0,
      };
      span(tracer, 'chat gpt-4o-mini', {
        ...base,
        'gen_ai.usage.input_tokens': 2000,
        'gen_ai.usage.output_tokens': 50,
        'gen_ai.usage.total_tokens': 2050,
        'gen_ai.usage.cached_tokens': 1024,
        'gen_ai.response.finish_reasons': ['stop'],
      }).end();
      span(tracer, 'chat gpt-4o-mini', {
        ...base,
        'promptfoo.cache_hit': true,
        'gen_ai.usage.input_tokens': 2000,
        'gen_ai.usage.output_tokens': 50,
      }).end();
      span(tracer, 'chat gpt-4o-mini', { ...base, 'promptfoo.test.index': 1 }, { error: '429 Too Many Requests' }).end();
    });
    assert.equal(ledger.records.length, 2);
    const ok = ledger.records.find((r) => r.outcome === 'ok')!;
    assert.equal(ok.source, 'promptfoo');
    assert.equal(ok.provider, 'openai');
    assert.equal(ok.cachedInputTokens, 1024);
    assert.equal(
      ok.costUsd,
      costOfUsage(catalog.lookup('openai:gpt-4o-mini'), {
        input: { total: 2000, cacheRead: 1024 },
        output: { total: 50 },
        source: 'provider',
      }),
    );
    const failed = ledger.records.find((r) => r.outcome === 'error')!;
    assert.equal(failed.costUsd, null, 'no usage reported: unknown, never $0');
    assert.equal(failed.inputTokens, 0);
    assert.equal(failed.errorMessage, '429 Too Many Requests');
  });

  it('the same spans sent twice are recorded once, also after a restart that reads the ledger', async () => {
    const body = copilotJsonRequest('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331');
    for (let i = 0; i < 2; i++) assert.equal((await post('/v1/traces', body, 'application/json')).status, 200);
    assert.equal(ledger.records.length, 1);
    await receiver.close();
    receiver = await startOtlpReceiver({ port: 0, ledger, catalog, existingRecords: async () => ledger.records });
    assert.equal((await post('/v1/traces', body, 'application/json')).status, 200);
    assert.equal(ledger.records.length, 1);
  });

  it('gzip bodies are read; our own spans are not recorded again', async () => {
    const ours = copilotJsonRequest('1af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203331', 'llm-workbench');
    assert.equal((await post('/v1/traces', gzipSync(ours), 'application/json', { 'Content-Encoding': 'gzip' })).status, 200);
    assert.equal(ledger.records.length, 0);
    const theirs = copilotJsonRequest('2af7651916cd43dd8448eb211c80319c', 'd7ad6b7169203331');
    assert.equal((await post('/v1/traces', gzipSync(theirs), 'application/json', { 'Content-Encoding': 'gzip' })).status, 200);
    assert.equal(ledger.records.length, 1);
  });

  it('a batch with one malformed span: 200 with partial_success, the good span is recorded', async () => {
    const request = JSON.parse(copilotJsonRequest('3af7651916cd43dd8448eb211c80319c', 'e7ad6b7169203331').toString());
    const good = request.resourceSpans[0].scopeSpans[0].spans[0];
    request.resourceSpans[0].scopeSpans[0].spans.push({ ...good, spanId: 'not-hex!' });
    const response = await post('/v1/traces', Buffer.from(JSON.stringify(request)), 'application/json');
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body.toString()).partialSuccess.rejectedSpans, 1);
    assert.equal(ledger.records.length, 1);
  });

  it('refuses what is not an OTLP trace export with the OTLP/HTTP status, and records nothing', async () => {
    const garbage = await post('/v1/traces', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'application/x-protobuf');
    assert.equal(garbage.status, 400);
    assert.equal(garbage.headers.get('content-type'), 'application/x-protobuf');
    // google.rpc.Status: field 1 (code) = 3 INVALID_ARGUMENT, field 2 the message.
    assert.deepEqual([...garbage.body.subarray(0, 2)], [0x08, 0x03]);
    assert.match(garbage.body.toString('utf8'), /not an OTLP ExportTraceServiceRequest/);

    const badJson = await post('/v1/traces', Buffer.from('{"resourceSpans": [ {'), 'application/json');
    assert.equal(badJson.status, 400);
    assert.equal(JSON.parse(badJson.body.toString()).code, 3);
    const wrongShape = await post('/v1/traces', Buffer.from('{"resourceSpans": "all of them"}'), 'application/json');
    assert.equal(wrongShape.status, 400);
    assert.match(JSON.parse(wrongShape.body.toString()).message, /array expected/);

    const huge = await post('/v1/traces', Buffer.alloc(300 * 1024, 0x20), 'application/json');
    assert.equal(huge.status, 413);
    const bomb = await post('/v1/traces', gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20)), 'application/json', {
      'Content-Encoding': 'gzip',
    });
    assert.equal(bomb.status, 413, 'the inflated size counts too');
    assert.equal((await post('/v1/traces', Buffer.from('hello'), 'text/plain')).status, 415);
    assert.equal((await post('/v1/traces', Buffer.from('{}'), 'application/json', { 'Content-Encoding': 'br' })).status, 415);
    assert.equal((await fetch(`${receiver.endpoint}/v1/traces`)).status, 405);
    assert.equal((await post('/v1/spans', Buffer.from('{}'), 'application/json')).status, 404);
    assert.equal((await post('/v1/traces', Buffer.from('{}'), 'application/json', { Host: 'attacker.example:4318' })).status, 403);
    assert.equal(ledger.records.length, 0);
    // The receiver still works after all that.
    assert.equal(
      (await post('/v1/traces', copilotJsonRequest('4af7651916cd43dd8448eb211c80319c', 'f7ad6b7169203331'), 'application/json')).status,
      200,
    );
    assert.equal(ledger.records.length, 1);
  });

  it('metrics and logs exports are acknowledged and not read (a tool sending all signals to one endpoint logs no errors)', async () => {
    assert.equal((await post('/v1/metrics', Buffer.from('{"resourceMetrics": []}'), 'application/json')).status, 200);
    assert.equal((await post('/v1/logs', Buffer.alloc(0), 'application/x-protobuf')).status, 200);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ignored', 'ignored'],
    );
  });

  it('a ledger that cannot be written: 503 with Retry-After, and the retried request records the span', async () => {
    let failing = true;
    const flaky: Ledger = {
      append: async (record: CallRecord) => (failing ? Promise.reject(new Error('EACCES: permission denied')) : ledger.append(record)),
    };
    await receiver.close();
    receiver = await startOtlpReceiver({ port: 0, ledger: flaky, catalog });
    const body = copilotJsonRequest('5af7651916cd43dd8448eb211c80319c', 'a7ad6b7169203331');
    const first = await post('/v1/traces', body, 'application/json');
    assert.equal(first.status, 503);
    assert.equal(first.headers.get('retry-after'), '5');
    failing = false;
    assert.equal((await post('/v1/traces', body, 'application/json')).status, 200);
    assert.equal(ledger.records.length, 1);
  });

  it('a busy port is a clear error, not a crash', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startOtlpReceiver({ port, ledger, catalog }), (error: unknown) => {
        assert.ok(error instanceof ReceiverStartError);
        assert.match(error.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*llmWorkbench\\.otlpReceiver\\.port`));
        return true;
      });
    } finally {
      blocker.close();
    }
  });

  async function post(path: string, body: Uint8Array, contentType: string, headers: Record<string, string> = {}) {
    const { request } = await import('node:http');
    return new Promise<{ status: number; body: Buffer; headers: Headers }>((resolve, reject) => {
      const req = request(
        `${receiver.endpoint}${path}`,
        { method: 'POST', headers: { 'Content-Type': contentType, 'Content-Length': String(body.length), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              headers: new Headers(res.headers as Record<string, string>),
            }),
          );
        },
      );
      req.on('error', (error) => (String(error).includes('EPIPE') || String(error).includes('ECONNRESET') ? undefined : reject(error)));
      req.end(body);
    });
  }
});

/** An OTLP/JSON export request with one Copilot-shaped chat span, as its exporter writes it. */
function copilotJsonRequest(traceId: string, spanId: string, scope = 'copilot-chat'): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attribute = (key: string, value: string | number) => ({
    key,
    value: typeof value === 'number' ? { intValue: value } : { stringValue: value },
  });
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [attribute('service.name', 'copilot-chat')] },
          scopeSpans: [
            {
              scope: { name: scope, version: '0.30.0' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'chat gpt-4o',
                  kind: 3,
                  startTimeUnixNano: String(now - 1_500_000_000n),
                  endTimeUnixNano: String(now),
                  attributes: [
                    attribute('gen_ai.operation.name', 'chat'),
                    attribute('gen_ai.provider.name', 'github'),
                    attribute('gen_ai.request.model', 'gpt-4o'),
                    attribute('gen_ai.usage.input_tokens', 512),
                    attribute('gen_ai.usage.output_tokens', 64),
                  ],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    }),
  );
}
