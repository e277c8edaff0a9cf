/**
 * Side by side with the anchor (issue #14's Performance row): the 200-case eval file of evals.bench.ts at -j 4 against
 * the loopback emulator, run by our CLI (`node dist/cli.js eval`) and by promptfoo 0.123.1 (`promptfoo eval`, on Node
 * 24, installed by test/compat/setup-promptfoo.sh) in the same bench run, cache off in both, wall time of the whole
 * command as a user waits for it. Target: ours <= 0.25x promptfoo's. Each tool runs twice after a warm-up; the faster
 * run counts (the machine is shared: the minimum is the least disturbed). Ours runs twice with the CLI's V8 code cache
 * warm and twice cold (src/core/runtime/codeCache.ts), both reported.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../emulator/emulator';
import { runProcess, type ProcessResult } from '../compat/processRun';
import { promptfooEnv, type PromptfooInstall } from '../compat/promptfooRun';
import { oursEnv } from '../compat/oursRun';
import { providerEnv } from '../compat/toolEnv';
import type { BenchRow } from './benchRow';
import { CASES, evalFile, JOBS, LABELS } from './evals.bench';

const BENCH = 'vs promptfoo';
const ROOT = resolve(__dirname, '../..');
const TARGET_RATIO = 0.25;

async function installPromptfoo(): Promise<PromptfooInstall> {
  const run = await runProcess('bash', [join(ROOT, 'test/compat/setup-promptfoo.sh')], {
    cwd: ROOT,
    env: process.env,
    timeoutMs: 20 * 60_000,
  });
  if (run.exitCode !== 0) throw new Error(`setup-promptfoo.sh failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(readFileSync(run.stdout.trim().split('\n').pop() ?? '', 'utf8')) as PromptfooInstall;
}

function passed(tool: string, run: ProcessResult, countPasses: () => number): number {
  if (run.timedOut || (run.exitCode !== 0 && run.exitCode !== 100))
    throw new Error(`${tool} exited ${run.exitCode}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const n = countPasses();
  if (n !== CASES) throw new Error(`${tool}: ${n} of ${CASES} cases passed`);
  return run.ms;
}

export async function run(): Promise<BenchRow[]> {
  let install: PromptfooInstall;
  try {
    install = await installPromptfoo();
  } catch (error) {
    return [
      {
        bench: BENCH,
        metric: `${CASES} cases -j ${JOBS}: ours / promptfoo wall time`,
        value: `not measured: ${(error as Error).message}`,
        target: `<= ${TARGET_RATIO}x`,
        ok: false,
      },
    ];
  }
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'compat-bench-'));
  try {
    emulator.rule({}, { text: '' });
    for (const label of LABELS) emulator.rule({ promptIncludes: `about ${label}` }, { text: `{"label": "${label}"}` });
    for (const tool of ['promptfoo', 'ours']) {
      mkdirSync(join(dir, tool), { recursive: true });
      writeFileSync(join(dir, tool, 'promptfooconfig.yaml'), evalFile());
    }
    const pfDir = join(dir, 'promptfoo');
    const pfEnv = promptfooEnv(join(dir, 'pf-home'), providerEnv(emulator.url, {}));
    const ourDir = join(dir, 'ours');
    const ourEnv = oursEnv(join(dir, 'our-home'), providerEnv(emulator.url, {}));
    const timeoutMs = 5 * 60_000;

    const promptfoo = async () => {
      const out = join(pfDir, 'out.json');
      const r = await runProcess(
        install.node24,
        [
          install.promptfoo,
          'eval',
          '-c',
          'promptfooconfig.yaml',
          '--no-cache',
          '--no-table',
          '--no-progress-bar',
          '--no-write',
          '-j',
          String(JOBS),
          '-o',
          out,
        ],
        { cwd: pfDir, env: pfEnv, timeoutMs },
      );
      return passed(
        'promptfoo',
        r,
        () => (JSON.parse(readFileSync(out, 'utf8')) as { results: { stats: { successes: number } } }).results.stats.successes,
      );
    };
    // The CLI's V8 code cache (src/core/runtime/codeCache.ts) lives in $XDG_CACHE_HOME: warm = the one the previous run wrote,
    // cold = an empty folder each run (a first run after install or upgrade, which also writes the cache at exit).
    const warmCache = join(dir, 'our-cache-warm');
    let coldRuns = 0;
    const ours = async (cache: 'warm' | 'cold') => {
      const out = join(ourDir, 'out.jsonl');
      const cacheHome = cache === 'warm' ? warmCache : join(dir, `our-cache-cold-${coldRuns++}`);
      const r = await runProcess(
        process.execPath,
        [join(ROOT, 'dist/cli.js'), 'eval', 'promptfooconfig.yaml', '--no-cache', '-j', String(JOBS), '--json', out],
        { cwd: ourDir, env: { ...ourEnv, XDG_CACHE_HOME: cacheHome }, timeoutMs },
      );
      if (cache === 'warm' && !existsSync(join(warmCache, 'llm-workbench', 'v8')))
        throw new Error('ours: no code cache was written by the warm-up run');
      return passed(
        'ours',
        r,
        () =>
          readFileSync(out, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"verdict":"pass"')).length,
      );
    };

    await promptfoo(); // warm-up: the OS file cache for promptfoo's ~800 packages, and ours
    await ours('cold'); // also writes the warm runs' code cache
    const pfMs = Math.min(await promptfoo(), await promptfoo());
    const ourMs = Math.min(await ours('warm'), await ours('warm'));
    const coldMs = Math.min(await ours('cold'), await ours('cold'));
    const ratio = ourMs / pfMs;
    const coldRatio = coldMs / pfMs;
    return [
      {
        bench: BENCH,
        metric: `promptfoo 0.123.1: ${CASES} cases -j ${JOBS}, emulator, no cache (whole command)`,
        value: `${(pfMs / 1000).toFixed(2)} s`,
      },
      {
        bench: BENCH,
        metric: `ours: ${CASES} cases -j ${JOBS}, emulator, no cache (whole command), warm code cache`,
        value: `${(ourMs / 1000).toFixed(2)} s`,
      },
      {
        bench: BENCH,
        metric: `ours: the same, cold code cache (first run after install/upgrade)`,
        value: `${(coldMs / 1000).toFixed(2)} s`,
      },
      {
        bench: BENCH,
        metric: 'ours / promptfoo wall time, same run, warm code cache',
        value: `${ratio.toFixed(2)}x`,
        target: `<= ${TARGET_RATIO}x`,
        ok: ratio <= TARGET_RATIO,
      },
      {
        bench: BENCH,
        metric: 'ours / promptfoo wall time, same run, cold code cache',
        value: `${coldRatio.toFixed(2)}x`,
        target: `<= ${TARGET_RATIO}x`,
        ok: coldRatio <= TARGET_RATIO,
      },
    ];
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
