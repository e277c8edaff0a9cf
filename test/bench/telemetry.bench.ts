/**
 * OpenTelemetry export overhead per gateway call: the same prompt to the loopback emulator through a gateway without
 * export and through one exporting every call (spans + metrics, OTLP/protobuf) to a loopback collector, interleaved
 * call by call; then the same with the collector black-holed (it accepts connections and never answers), where a
 * call must not slow down and memory must stay bounded (the span queue drops rather than grows).
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { ChatGateway, GatewayRequest } from '../../src/core/gateway/gatewayApi';
import type { ExportSettings } from '../../src/core/telemetry/exportSettings';
import { createTelemetry } from '../../src/core/telemetry/telemetryRuntime';
import { startEmulator } from '../emulator/emulator';
import { OtlpCollector } from '../emulator/otlpCollector';
import type { BenchRow } from './benchRow';

const CALLS = 600;
const WARMUP = 60;
const REQUEST: GatewayRequest = {
  task: 'chat',
  messages: [{ role: 'user', content: 'Explain in one sentence what a context window is.' }],
};

// A real garbage collection before each heap reading, so growth means retained memory, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function interleaved(calls: number, a: ChatGateway, b: ChatGateway): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  const once = async (g: ChatGateway, into: number[]) => {
    const start = performance.now();
    const result = await g.complete(REQUEST);
    into.push(performance.now() - start);
    if (result.record.outcome !== 'ok') throw new Error(`bench call failed: ${result.record.errorMessage}`);
  };
  for (let i = 0; i < calls; i++) {
    // Alternate which one goes first, so neither always runs on a warmer process.
    if (i % 2 === 0) {
      await once(a, ta);
      await once(b, tb);
    } else {
      await once(b, tb);
      await once(a, ta);
    }
  }
  return [ta.sort((x, y) => x - y), tb.sort((x, y) => x - y)];
}

export async function run(): Promise<BenchRow[]> {
  const emulator = await startEmulator();
  const config: WorkbenchConfig = {
    ...defaultConfig(),
    providers: [{ id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl }],
    routes: { chat: { primary: 'openai:gpt-4o-mini' } },
  };
  const gatewayWith = (wrap?: (g: ChatGateway) => ChatGateway) =>
    createGateway({ config, keys: async () => 'k', ledger: new MemoryLedger(), wrap });
  const rows: BenchRow[] = [];
  try {
    for (const mode of ['collector up', 'collector black-holed'] as const) {
      const collector = new OtlpCollector();
      collector.blackHole = mode === 'collector black-holed';
      const url = await collector.start();
      const settings: ExportSettings = {
        traces: { url: `${url}/v1/traces`, headers: {}, protocol: 'http/protobuf' },
        metrics: { url: `${url}/v1/metrics`, headers: {}, protocol: 'http/protobuf' },
        serviceName: 'bench',
        resourceAttributes: {},
        captureContent: false,
        timeoutMs: 10_000,
      };
      const telemetry = createTelemetry(settings, { version: 'bench', providers: config.providers });
      const plain = gatewayWith();
      const exporting = gatewayWith((g) => telemetry.wrapGateway(g));
      await interleaved(WARMUP, plain, exporting);
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const [off, on] = await interleaved(CALLS, plain, exporting);
      gc();
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
      const p50 = percentile(on, 50) - percentile(off, 50);
      const p99 = percentile(on, 99) - percentile(off, 99);
      rows.push(
        {
          bench: 'telemetry',
          metric: `export on, ${mode}: added p50 per call (off p50 ${percentile(off, 50).toFixed(2)} ms)`,
          value: `${p50.toFixed(3)} ms`,
          target: '≤ 0.5 ms',
          ok: p50 <= 0.5,
        },
        {
          bench: 'telemetry',
          metric: `export on, ${mode}: added p99 per call (off p99 ${percentile(off, 99).toFixed(2)} ms)`,
          value: `${p99.toFixed(3)} ms`,
          target: '≤ 2 ms',
          ok: p99 <= 2,
        },
      );
      if (mode === 'collector black-holed') {
        rows.push(
          {
            bench: 'telemetry',
            metric: `black-holed: heap growth over ${CALLS * 2} calls (${CALLS} exported)`,
            value: `${heapGrowthMb.toFixed(1)} MB`,
            target: '< 20 MB',
            ok: heapGrowthMb < 20,
          },
          {
            bench: 'telemetry',
            metric: 'black-holed: export requests held open at once',
            value: String(collector.maxConcurrent),
            target: '≤ 2',
            ok: collector.maxConcurrent <= 2,
          },
        );
      } else {
        await telemetry.flush(5_000);
        const spans = collector.spans().filter((s) => s.kind === 3).length;
        rows.push({
          bench: 'telemetry',
          metric: 'collector up: call spans received',
          value: `${spans} of ${CALLS + WARMUP}`,
          target: 'all',
          ok: spans === CALLS + WARMUP,
        });
      }
      const started = performance.now();
      await telemetry.shutdown(2_000);
      if (mode === 'collector black-holed') {
        rows.push({
          bench: 'telemetry',
          metric: 'black-holed: shutdown (bounded flush)',
          value: `${Math.round(performance.now() - started)} ms`,
          target: '≤ 2,100 ms',
          ok: performance.now() - started <= 2_100,
        });
      }
      await collector.close();
    }
  } finally {
    await emulator.close();
  }
  return rows;
}
