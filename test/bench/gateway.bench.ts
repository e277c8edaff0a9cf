/**
 * Gateway overhead: the same prompt to the same loopback emulator, through the gateway and through the official
 * `openai` client directly, interleaved call by call so drift hits both sides alike. Added latency = gateway
 * percentile minus direct percentile. The gateway records into an in-memory ledger here; the file ledger's
 * append cost is measured on its own below.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { defaultConfig } from '../../src/core/config/workbenchConfig';
import { JsonlLedger, MemoryLedger } from '../../src/core/cost/ledger';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { GatewayRequest } from '../../src/core/gateway/gatewayApi';
import { startEmulator } from '../emulator/emulator';
import type { BenchRow } from './benchRow';

const CALLS = 1_000;
const WARMUP = 100;
const PROMPT = 'Explain in one sentence what a context window is.';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs `a` and `b` alternately `calls` times; returns both sorted timing lists. */
async function interleaved(calls: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < calls; i++) {
    // Alternate who goes first so neither side always runs on a warmer connection.
    if (i % 2 === 0) {
      ta.push(await time(a));
      tb.push(await time(b));
    } else {
      tb.push(await time(b));
      ta.push(await time(a));
    }
  }
  return [ta.sort((x, y) => x - y), tb.sort((x, y) => x - y)];
}

function addedRows(name: string, gateway: number[], direct: number[]): BenchRow[] {
  const p50 = percentile(gateway, 50) - percentile(direct, 50);
  const p99 = percentile(gateway, 99) - percentile(direct, 99);
  return [
    {
      bench: 'gateway',
      metric: `${name}: added p50 (direct ${percentile(direct, 50).toFixed(2)} ms)`,
      value: `${p50.toFixed(3)} ms`,
      target: '≤ 0.5 ms',
      ok: p50 <= 0.5,
    },
    {
      bench: 'gateway',
      metric: `${name}: added p99 (direct ${percentile(direct, 99).toFixed(2)} ms)`,
      value: `${p99.toFixed(3)} ms`,
      target: '≤ 2 ms',
      ok: p99 <= 2,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const emulator = await startEmulator();
  try {
    const client = new OpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'bench', maxRetries: 0 });
    const gateway = createGateway({
      config: {
        ...defaultConfig(),
        providers: [{ id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl }],
        routes: { chat: { primary: 'openai:gpt-4o-mini' } },
      },
      keys: async () => 'bench',
      ledger: new MemoryLedger(),
    });
    const request: GatewayRequest = { task: 'chat', messages: [{ role: 'user', content: PROMPT }] };
    const messages = [{ role: 'user' as const, content: PROMPT }];

    const directStream = async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    };
    const gatewayStream = async () => {
      let text = '';
      for await (const event of gateway.stream(request)) if (event.type === 'text') text += event.text;
      return text;
    };
    const directJson = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const gatewayComplete = async () => {
      const result = await gateway.complete(request);
      if (result.error) throw result.error;
      return result.text;
    };

    await interleaved(WARMUP, gatewayStream, directStream);
    const [gs, ds] = await interleaved(CALLS, gatewayStream, directStream);
    await interleaved(WARMUP, gatewayComplete, directJson);
    const [gc, dj] = await interleaved(CALLS, gatewayComplete, directJson);
    await interleaved(WARMUP, gatewayComplete, directStream);
    const [gc2, ds2] = await interleaved(CALLS, gatewayComplete, directStream);

    return [
      ...addedRows(`streaming, ${CALLS} calls`, gs, ds),
      ...addedRows(`complete() vs SDK non-streaming, ${CALLS} calls`, gc, dj),
      ...addedRows(`complete() vs SDK streaming collected, ${CALLS} calls`, gc2, ds2),
      ...(await ledgerAppendRows()),
    ];
  } finally {
    await emulator.close();
  }
}

/** The JSONL ledger's own cost per record (one O_APPEND write), reported apart from the gateway overhead. */
async function ledgerAppendRows(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  try {
    const ledger = new JsonlLedger(join(dir, 'ledger.jsonl'));
    const record = {
      at: new Date().toISOString(),
      requestId: '00000000-0000-0000-0000-000000000000',
      task: 'chat' as const,
      route: ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5'],
      reason: 'task chat -> primary openai:gpt-4o-mini (routes.chat)',
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 1200,
      outputTokens: 300,
      costUsd: 0.00036,
      ttftMs: 240,
      totalMs: 900,
      attempts: 1,
      fallbackUsed: false,
      outcome: 'ok' as const,
    };
    for (let i = 0; i < 100; i++) await ledger.append(record);
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) times.push(await time(() => ledger.append({ ...record, requestId: String(i) })));
    await ledger.close();
    times.sort((a, b) => a - b);
    return [
      { bench: 'gateway', metric: `ledger append (JSONL file), ${CALLS} records: p50`, value: `${percentile(times, 50).toFixed(3)} ms` },
      { bench: 'gateway', metric: `ledger append (JSONL file), ${CALLS} records: p99`, value: `${percentile(times, 99).toFixed(3)} ms` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
