/**
 * Memory of evals on large inputs (issue 12 item 6), each measured in a fresh process so the number is the run's:
 * - 10,000 and 100,000 cases through the real CLI (`dist/cli.js eval -j 16 --no-cache --json`) against the loopback emulator:
 *   peak RSS must stay ≤ 500 MB (results stream to JSONL; the table and JUnit keep a compact row per case);
 * - parsing a 10 MB eval file: peak RSS ≤ 200 MB.
 * Peak RSS is the child's VmHWM from /proc (Linux), sampled until it exits. Run `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../emulator/emulator';
import type { BenchRow } from './benchRow';

const BENCH = 'evals memory';
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** Runs a node process, sampling its peak RSS (VmHWM) until it exits. */
function peakRss(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; peakMb: number; wallMs: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-2000)));
    let peak = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const sample = () => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(sample, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, peakMb: peak, wallMs: Date.now() - started, stderr: `${stderr}\n${stdout}` });
    });
  });
}

/** One whole CLI run of `cases` cases (a JSONL test file) at -j 16 against the emulator, with JSONL and JUnit reports. */
async function cliRun(dir: string, cases: number, env: NodeJS.ProcessEnv): Promise<BenchRow> {
  writeFileSync(
    join(dir, 'cases.jsonl'),
    Array.from({ length: cases }, (_, i) =>
      JSON.stringify({ vars: { n: i, ticket: `ticket ${i} about billing` }, assert: [{ type: 'icontains', value: 'billing' }] }),
    ).join('\n'),
  );
  const stats = await peakRss(
    [
      CLI,
      'eval',
      join(dir, 'big.eval.yaml'),
      '--config',
      join(dir, 'settings.json'),
      '-j',
      '16',
      '--no-cache',
      '--json',
      join(dir, 'out.jsonl'),
      '--junit',
      join(dir, 'out.xml'),
    ],
    env,
  );
  const totals = /(\d+) cases: (\d+) passed, (\d+) failed(?:, (\d+) errors?)?/.exec(stats.stderr);
  if (!totals) throw new Error(`${cases}-case run printed no totals (exit ${stats.code}): ${stats.stderr}`);
  const seconds = stats.wallMs / 1000;
  return {
    bench: BENCH,
    metric: `${cases.toLocaleString('en')} cases -j 16, CLI + emulator, JSONL + JUnit: peak RSS (wall time)`,
    value: `${Math.round(stats.peakMb)} MB (${seconds.toFixed(0)} s, ${Math.round(cases / seconds)} cases/s; ${totals[2]} passed, ${totals[4] ?? 0} errors)`,
    target: '≤ 500 MB',
    ok: stats.peakMb <= 500 && Number(totals[2]) === cases,
  };
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'evals-memory-'));
  const emulator = await startEmulator();
  try {
    emulator.rule({}, { text: 'billing' });
    writeFileSync(
      join(dir, 'big.eval.yaml'),
      'prompts: ["Label ticket {{n}}: {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests: file://cases.jsonl\n',
    );
    // A loaded machine drops the odd loopback connection; retries (not the breaker) absorb that in a 100k run.
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl }],
        'llmWorkbench.gateway': { maxAttempts: 5, breakerThreshold: 1000000 },
      }),
    );
    const env = { PATH: process.env.PATH ?? '', LLM_WORKBENCH_HOME: join(dir, 'home'), OPENAI_API_KEY: 'sk-bench-key-0000' };
    // The load row of issue 12 (10,000 cases) and the memory row (100,000: RSS must stay flat per case).
    const runRows = [await cliRun(dir, 10_000, env), await cliRun(dir, 100_000, env)];

    const lines = ['prompts: ["Classify: {{ticket}}"]', 'providers: [openai:gpt-4o-mini]', 'tests:'];
    for (let i = 0; i < 62_000; i++) {
      lines.push(
        `  - description: case ${i}`,
        `    vars: { ticket: "ticket ${i} about billing and a few more words" }`,
        '    assert:',
        '      - { type: icontains, value: billing }',
      );
    }
    const text = lines.join('\n');
    writeFileSync(join(dir, 'ten.eval.yaml'), text);
    const parseScript = `const { parseEvalFile } = require(${JSON.stringify(join(ROOT, 'dist', 'evalParse.js'))}); const f = parseEvalFile(${JSON.stringify(join(dir, 'ten.eval.yaml'))}); if (f.tests.length !== 62000) { console.error(f.diagnostics.slice(0, 3)); process.exit(1); }`;
    const parseStats = await peakRss(['-e', parseScript], env);
    if (parseStats.code !== 0) throw new Error(`10 MB parse failed: ${parseStats.stderr}`);
    return [
      ...runRows,
      {
        bench: BENCH,
        metric: `parse a ${(text.length / 1e6).toFixed(1)} MB eval file (62,000 tests): peak RSS`,
        value: `${Math.round(parseStats.peakMb)} MB (${(parseStats.wallMs / 1000).toFixed(1)} s)`,
        target: '≤ 200 MB',
        ok: parseStats.peakMb <= 200,
      },
    ];
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
