/**
 * Eval runner benchmark: a 200-case eval file at -j 4 against the loopback emulator (zero delay, so nearly all the
 * time is ours plus the SDK and HTTP stack): cold without the cache, cold filling the cache, and warm from the cache.
 * "Runner overhead" runs the same file with an in-process gateway that answers instantly, so what remains is the
 * runner alone: rendering, assertions, scoring, events, JSONL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/core/config/workbenchConfig';
import { parseEvalText } from '../../src/core/evals/parseEvalFile';
import { ResponseCache } from '../../src/core/evals/responseCache';
import { runEval, type EvalRunOptions } from '../../src/core/evals/runEval';
import type { CallRecord } from '../../src/core/cost/callRecord';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { ChatGateway, GatewayRequest } from '../../src/core/gateway/gatewayApi';
import { startEmulator } from '../emulator/emulator';
import type { BenchRow } from './benchRow';

const BENCH = 'evals';
export const CASES = 200;
export const JOBS = 4;
export const LABELS = ['billing', 'bug', 'account', 'feature'];

/** 200 tests, each with a mix of the assertion types people use most (also the promptfoo side-by-side file). */
export function evalFile(): string {
  const lines = [
    'description: bench',
    'prompts: ["Label this ticket as billing, bug, account or feature. Ticket {{n}}: {{ticket}}"]',
    'providers: [openai:gpt-4o-mini]',
    'tests:',
  ];
  for (let i = 0; i < CASES; i++) {
    const label = LABELS[i % LABELS.length];
    lines.push(
      `  - description: case ${i}`,
      `    vars: { n: ${i}, ticket: "ticket ${i} about ${label}" }`,
      '    assert:',
      `      - { type: icontains, value: ${label} }`,
      `      - { type: regex, value: "\\"label\\":\\\\s*\\"${label}\\"" }`,
      '      - { type: is-json, value: { type: object, required: [label] } }',
      `      - { type: javascript, value: "JSON.parse(output).label === '${label}'" }`,
      `      - { type: levenshtein, value: '{"label": "${label}"}', threshold: 2 }`,
      '      - { type: latency, threshold: 5000 }',
    );
  }
  return lines.join('\n');
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const rate = (wallMs: number) => `${((CASES * 1000) / wallMs).toFixed(0)} cases/s`;

/** Answers instantly with a record, like a gateway with a zero-latency provider: isolates the runner's own time. */
function instantGateway(): ChatGateway {
  const complete = async (request: GatewayRequest) => {
    const text = request.messages[0].content;
    const label = LABELS.find((l) => text.includes(`about ${l}`)) ?? 'other';
    const record: CallRecord = {
      at: new Date().toISOString(),
      requestId: 'bench',
      task: request.task,
      route: [request.model ?? ''],
      reason: 'bench',
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 40,
      outputTokens: 8,
      costUsd: 0.00001,
      ttftMs: 0,
      totalMs: 0,
      attempts: 1,
      fallbackUsed: false,
      outcome: 'ok',
    };
    return { text: `{"label": "${label}"}`, record };
  };
  return {
    complete,
    stream: () => {
      throw new Error('not used');
    },
  };
}

export async function run(): Promise<BenchRow[]> {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'evals-bench-'));
  try {
    emulator.rule({}, { text: '' });
    for (const label of LABELS) emulator.rule({ promptIncludes: `about ${label}` }, { text: `{"label": "${label}"}` });
    const config = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' as const, baseUrl: emulator.openaiBaseUrl }] };
    const gateway = createGateway({ config, keys: async () => 'bench-key' });

    const text = evalFile();
    let parseStart = performance.now();
    parseEvalText(text, join(dir, 'bench.eval.yaml'));
    const firstParseMs = performance.now() - parseStart;
    parseStart = performance.now();
    const file = parseEvalText(text, join(dir, 'bench.eval.yaml'));
    const parseMs = performance.now() - parseStart;
    if (file.tests.length !== CASES)
      throw new Error(`bench file has ${file.tests.length} tests: ${file.diagnostics.map((d) => d.message).join('; ')}`);

    const timed = async (options: Partial<EvalRunOptions>) => {
      const start = performance.now();
      const summary = await runEval([file], {
        gateway,
        allowCode: true,
        concurrency: JOBS,
        jsonlPath: join(dir, 'results.jsonl'),
        ...options,
      });
      const wall = performance.now() - start;
      if (summary.passed !== CASES)
        throw new Error(`expected ${CASES} passes, got ${summary.passed} (failed ${summary.failed}, errors ${summary.errors})`);
      return { wall, summary };
    };

    await timed({}); // warms the JIT, the SDK client and the HTTP keep-alive pool
    const noCache = await timed({});
    const cache = new ResponseCache(join(dir, 'cache'));
    const cold = await timed({ cache });
    const warm = await timed({ cache });
    if (warm.summary.cached !== CASES) throw new Error(`warm run read ${warm.summary.cached} answers from the cache, expected ${CASES}`);
    await timed({ gateway: instantGateway() });
    const overhead = await timed({ gateway: instantGateway() });

    return [
      { bench: BENCH, metric: `parse ${CASES}-case file (${CASES * 6} assertions), first in process`, value: ms(firstParseMs) },
      {
        bench: BENCH,
        metric: `parse ${CASES}-case file (${CASES * 6} assertions), again`,
        value: ms(parseMs),
        target: '< 500 ms',
        ok: parseMs < 500,
      },
      { bench: BENCH, metric: `${CASES} cases -j ${JOBS}, emulator, no cache`, value: `${ms(noCache.wall)} (${rate(noCache.wall)})` },
      { bench: BENCH, metric: `${CASES} cases -j ${JOBS}, emulator, cold cache`, value: `${ms(cold.wall)} (${rate(cold.wall)})` },
      {
        bench: BENCH,
        metric: `${CASES} cases -j ${JOBS}, warm cache (no calls)`,
        value: `${ms(warm.wall)} (${rate(warm.wall)})`,
        target: '< 1000 ms',
        ok: warm.wall < 1000,
      },
      {
        bench: BENCH,
        metric: `runner overhead, ${CASES} cases (instant gateway)`,
        value: `${ms(overhead.wall)} (${rate(overhead.wall)})`,
        target: '< 1000 ms',
        ok: overhead.wall < 1000,
      },
    ];
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
