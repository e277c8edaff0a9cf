import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from './emulator';
import { OtlpCollector } from './otlpCollector';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

/** The built CLI with the standard OTEL_* environment a CI job sets: nothing else to configure. */
describe('llm-workbench chat and eval export over OTEL_* (dist/cli.js)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let collector: OtlpCollector;
  let endpoint: string;
  let home: string;

  before(async () => {
    if (!existsSync(join(root, 'dist', 'telemetry.js'))) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: root });
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    home = mkdtempSync(join(tmpdir(), 'wb-otel-cli-'));
    collector = new OtlpCollector();
    endpoint = await collector.start();
  });
  afterEach(async () => {
    await collector.close();
    rmSync(home, { recursive: true, force: true });
  });

  function run(args: string[], extra: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      LLM_WORKBENCH_HOME: join(home, 'wb'),
      OPENAI_BASE_URL: emulator.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-emulator',
      ...extra,
    };
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [cli, ...args], { env, cwd: home }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
  }

  it('chat: OTEL_EXPORTER_OTLP_ENDPOINT alone exports the call before the process exits', async () => {
    const result = await run(['chat', '--model', 'openai:gpt-4o-mini', 'Hello'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20team-token',
      OTEL_SERVICE_NAME: 'nightly-ci',
    });
    assert.equal(result.code, 0, result.stderr);
    const [call] = collector.spans().filter((s) => s.kind === 3);
    assert.ok(call, 'the span reached the collector before exit');
    assert.equal(call.name, 'chat gpt-4o-mini');
    assert.equal(call.resource['service.name'], 'nightly-ci');
    assert.equal(call.attributes['llm_workbench.source'], 'cli');
    const ledgerLine = JSON.parse(readFileSync(join(home, 'wb', 'ledger.jsonl'), 'utf8').trim());
    assert.equal(call.attributes['llm_workbench.request.id'], ledgerLine.requestId);
    const request = collector.requests.find((r) => r.path === '/v1/traces')!;
    assert.equal(request.headers.authorization, 'Bearer team-token');
    assert.ok(
      collector.requests.some((r) => r.path === '/v1/metrics'),
      'metrics flushed at exit too',
    );
  });

  it('eval: the run, its cases and their calls arrive as one trace', async () => {
    writeFileSync(
      join(home, 'tiny.eval.yaml'),
      [
        'prompts: ["Say {{ word }}"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - vars: { word: hi }',
        '    assert: [{ type: icontains, value: hi }]',
        '',
      ].join('\n'),
    );
    const result = await run(['eval', '--no-cache', 'tiny.eval.yaml'], { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` });
    assert.equal(result.code, 0, result.stderr);
    const spans = collector.spans();
    const runSpan = spans.find((s) => s.name === 'eval run');
    assert.ok(runSpan);
    assert.ok(spans.every((s) => s.traceId === runSpan.traceId));
    assert.deepEqual(spans.map((s) => s.name).sort(), ['attempt openai:gpt-4o-mini', 'chat gpt-4o-mini', 'eval case word=hi', 'eval run']);
    assert.ok(!collector.requests.some((r) => r.path === '/v1/metrics'), 'only traces were asked for');
  });

  it('an OTEL setting we do not implement stops with exit 2 before any call', async () => {
    const result = await run(['chat', '--model', 'openai:gpt-4o-mini', 'Hello'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /llm-workbench chat: OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported/);
    assert.equal(emulator.requests.length, 0);
  });

  it('a collector that is down does not change the answer or the exit code', async () => {
    const result = await run(['chat', '--model', 'openai:gpt-4o-mini', 'Hello'], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Emulated answer/);
    // Either the exporter gave up within the exit budget, or the budget ran out first: both are said, neither is fatal.
    assert.match(
      result.stderr,
      /OpenTelemetry export of traces to http:\/\/127\.0\.0\.1:9\/v1\/traces failed|OpenTelemetry export did not finish within 5 s/,
    );
    assert.equal(
      readFileSync(join(home, 'wb', 'ledger.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      1,
      'the ledger has the call',
    );
  });
});
