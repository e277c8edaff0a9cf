/**
 * Activation and first-count times measured inside a real VS Code (code-server 4.139 = VS Code 1.139): runs the
 * integration harness's extension-host suite (`npm run test:integration -- --only=extension-host`, ~40 s with
 * code-server cached; the first run installs it, ~2-3 min) and reads the numbers it writes to
 * .test-artifacts/integration-metrics.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './benchRow';

const BENCH = 'activation (real VS Code)';
const REPO = join(__dirname, '..', '..');
const METRICS = join(REPO, '.test-artifacts', 'integration-metrics.json');

interface Metrics {
  activationMs?: number;
  moduleLoadMs?: number;
  largeFileOpenToCountMs?: number;
  largeFileWorkerCountMs?: number;
  firstCountOnOpenMs?: number;
  firstCountLoadAverage?: number;
}

const ms = (value: number | undefined) => (value === undefined ? 'not measured' : `${value.toFixed(1)} ms`);

export async function run(): Promise<BenchRow[]> {
  const startedAt = Date.now();
  const result = spawnSync(
    process.execPath,
    [join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(REPO, 'test', 'integration', 'run.ts'), '--only=extension-host'],
    {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Then the one UI spec that times the first count after opening a prompt file (#16 item 10); it merges its
  // numbers (firstCountOnOpenMs, and the load it ran at) into the same metrics file.
  spawnSync(
    process.execPath,
    [
      join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(REPO, 'test', 'integration', 'run.ts'),
      '--only=ui',
      '--skip-package',
      '--grep=opening a prompt file shows its exact count',
    ],
    { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (!existsSync(METRICS) || statSync(METRICS).mtimeMs < startedAt) {
    const reason = (result.stdout + result.stderr).trim().split('\n').slice(-3).join(' ');
    return [
      {
        bench: BENCH,
        metric: 'module evaluation + activate() in code-server',
        value: `not measured: ${reason}`,
        target: '≤ 50 ms',
        ok: false,
      },
    ];
  }
  const metrics = JSON.parse(readFileSync(METRICS, 'utf8')) as Metrics;
  const { moduleLoadMs, activationMs } = metrics;
  const total = moduleLoadMs !== undefined && activationMs !== undefined ? moduleLoadMs + activationMs : undefined;
  // The packaged build (the integration run packages it): what activation compiles, and what it leaves for first use.
  const kb = (file: string) =>
    existsSync(join(REPO, 'dist', file)) ? `${Math.round(statSync(join(REPO, 'dist', file)).size / 1024)} KB` : 'absent';
  return [
    {
      bench: BENCH,
      metric:
        'dist/extension.js (minified), loaded on activation; dist/evalEngine.js, gateway.js, chatEngine.js, ollamaLookups.js loaded on first use',
      value: `${kb('extension.js')}; ${kb('evalEngine.js')}, ${kb('gateway.js')}, ${kb('chatEngine.js')}, ${kb('ollamaLookups.js')}`,
    },
    {
      bench: BENCH,
      metric: 'module evaluation: loading dist/extension.js (read, compile, top-level code), timed by dist/boot.js',
      value: ms(moduleLoadMs),
    },
    {
      bench: BENCH,
      metric: 'activate() in code-server 4.139.1 (VS Code 1.139), all features registered, no tokenizer loaded',
      value: ms(activationMs),
    },
    {
      bench: BENCH,
      metric: 'module evaluation + activate(), together',
      value: ms(total),
      target: '≤ 50 ms',
      ok: total !== undefined && total <= 50,
    },
    {
      bench: BENCH,
      metric: `prompt file opened (Quick Open, Enter) -> its exact count in the status bar, warm window (load ${metrics.firstCountLoadAverage ?? '?'})`,
      value: ms(metrics.firstCountOnOpenMs),
      target: '≤ 1,000 ms',
      ok: metrics.firstCountOnOpenMs !== undefined && metrics.firstCountOnOpenMs <= 1000,
    },
    {
      bench: BENCH,
      metric: '1 MB prompt: first count in the worker thread (rank load included)',
      value: ms(metrics.largeFileWorkerCountMs),
    },
    {
      bench: BENCH,
      metric: '1 MB prompt: editor opened -> exact count in the status bar',
      value: ms(metrics.largeFileOpenToCountMs),
    },
  ];
}
