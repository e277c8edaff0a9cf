/**
 * `npm run compat [-- --report-only] [--only TEXT...] [-j N] [--fresh] [--json FILE] [--markdown] [--keep]`
 *
 * The differential parity harness: every config of test/compat/corpus runs through promptfoo 0.123.1 and through our
 * engine (`node dist/cli.js eval`) against one loopback emulator per config, and the two runs are compared case by
 * case. Prints the parity table and every difference; exits 1 when a config differs (0 with --report-only).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/emulator';
import type { RecordedRequest } from '../emulator/emulatorTypes';
import { AnchorCache, type AnchorRun } from './anchorCache';
import { compareRuns, withoutOptIn } from './compareRuns';
import { prepareCopy, readCorpus, setsParam, type CorpusConfig } from './corpus';
import { oursEnv, runOurs } from './oursRun';
import { runProcess } from './processRun';
import { promptfooEnv, runPromptfoo, type PromptfooInstall } from './promptfooRun';
import { differenceList, parityTable, topCategories, type ConfigReport } from './report';
import { providerEnv } from './toolEnv';

const ROOT = resolve(__dirname, '../..');
const TIMEOUT_MS = 120_000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'report-only': { type: 'boolean' },
      only: { type: 'string', multiple: true },
      jobs: { type: 'string', short: 'j' },
      json: { type: 'string' },
      markdown: { type: 'boolean' },
      keep: { type: 'boolean' },
      fresh: { type: 'boolean' },
    },
  });
  const started = performance.now();
  const install = await installPromptfoo();
  const configs = readCorpus(join(__dirname, 'corpus'), values.only ?? []);
  if (configs.length === 0) throw new Error(`no corpus config matches ${values.only?.join(', ')}`);
  const jobs = Number(values.jobs ?? Math.max(2, availableParallelism()));
  const work = mkdtempSync(join(tmpdir(), 'llm-workbench-compat-'));
  const anchors = new AnchorCache(join(install.cache, 'compat-anchor'), install.promptfooVersion);
  const context: RunContext = { install, anchors, fresh: Boolean(values.fresh) };
  process.stderr.write(
    `compat: ${configs.length} configs, ${jobs} at a time, promptfoo ${install.promptfooVersion} on ${install.node24}\n`,
  );

  const reports: ConfigReport[] = new Array(configs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < configs.length) {
      const i = next++;
      reports[i] = await runConfig(configs[i], context, join(work, String(i)));
      done++;
      if (process.stderr.isTTY) process.stderr.write(`\r${done}/${configs.length} configs`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else process.stderr.write(`compat: work directories kept in ${work}\n`);

  const differences = differenceList(reports);
  if (differences) process.stdout.write(`\n${differences}\n`);
  const categories = topCategories(reports);
  if (categories.length > 0) {
    process.stdout.write('\nDifferences by category (configs):\n');
    for (const c of categories)
      process.stdout.write(`  ${String(c.configs).padStart(4)}  ${c.category}  (e.g. ${c.examples.join(', ')})\n`);
  }
  process.stdout.write(`\nParity with promptfoo ${install.promptfooVersion}:\n${parityTable(reports, values.markdown)}\n`);
  const pfMs = reports.reduce((s, r) => s + r.promptfooMs, 0);
  const ourMs = reports.reduce((s, r) => s + r.oursMs, 0);
  const reused = reports.filter((r) => r.anchorReused).length;
  process.stdout.write(
    `\n${configs.length} configs in ${((performance.now() - started) / 1000).toFixed(0)} s (process time: promptfoo ${(pfMs / 1000).toFixed(0)} s` +
      `${reused ? `, ${reused} promptfoo runs reused from ${join(install.cache, 'compat-anchor')} (--fresh reruns them)` : ''}; ours ${(ourMs / 1000).toFixed(0)} s)\n`,
  );
  if (values.json) {
    writeFileSync(
      resolve(values.json),
      `${JSON.stringify(
        reports.map((r) => ({ name: r.config.name, ...r.verdict, promptfooMs: r.promptfooMs, oursMs: r.oursMs })),
        null,
        2,
      )}\n`,
    );
  }
  const failing = reports.filter((r) => r.verdict.status === 'differ' || r.verdict.status === 'broken').length;
  if (failing > 0 && values['report-only']) process.stdout.write(`${failing} configs differ (--report-only: exit 0)\n`);
  return failing > 0 && !values['report-only'] ? 1 : 0;
}

/** test/compat/setup-promptfoo.sh: installs on first use, then only checks its markers; prints its env file last. */
interface RunContext {
  install: PromptfooInstall & { promptfooVersion: string; cache: string };
  anchors: AnchorCache;
  fresh: boolean;
}

async function installPromptfoo(): Promise<RunContext['install']> {
  const run = await runProcess('bash', [join(__dirname, 'setup-promptfoo.sh')], { cwd: ROOT, env: process.env, timeoutMs: 20 * 60_000 });
  if (run.exitCode !== 0) throw new Error(`setup-promptfoo.sh failed (exit ${run.exitCode}):\n${run.stderr.slice(-2000)}`);
  const envFile = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(readFileSync(envFile, 'utf8')) as RunContext['install'];
}

async function runConfig(config: CorpusConfig, context: RunContext, work: string): Promise<ConfigReport> {
  const emulator = await startEmulator();
  try {
    for (const { match, reply } of config.sidecar.replies ?? []) emulator.rule(match, reply);
    const dirs = { promptfoo: join(work, 'promptfoo'), ours: join(work, 'ours'), oursDefault: join(work, 'ours-default') };
    const env = (tool: 'promptfoo' | 'ours' | 'ours-default') => providerEnv(`${emulator.url}/client/${tool}`, config.sidecar.env ?? {});
    const byClient = (client: string): RecordedRequest[] => emulator.requests.filter((r) => r.client === client);
    const anchor = async (): Promise<AnchorRun> => {
      const kept = context.fresh ? undefined : context.anchors.get(config);
      if (kept) return { ...kept, reused: true } as AnchorRun & { reused: boolean };
      mkdirSync(dirs.promptfoo, { recursive: true });
      prepareCopy(config, join(dirs.promptfoo, 'config'), `${emulator.url}/client/promptfoo`);
      const pf = await runPromptfoo(
        context.install,
        join(dirs.promptfoo, 'config'),
        promptfooEnv(join(dirs.promptfoo, 'home'), env('promptfoo')),
        TIMEOUT_MS,
      );
      const run: AnchorRun = {
        exitCode: pf.exitCode,
        timedOut: pf.timedOut,
        stderr: pf.stderr.slice(-4000),
        ms: pf.ms,
        cases: pf.cases,
        problem: pf.problem,
        columnMetrics: pf.columnMetrics,
        requests: byClient('promptfoo'),
      };
      if (!pf.timedOut) context.anchors.set(config, run);
      return run;
    };
    // `client` names the run in the emulator's log: the default run (without oursArgs) keeps its calls apart.
    const ours = async (client: 'ours' | 'ours-default', dir: string, args: readonly string[]) => {
      mkdirSync(dir, { recursive: true });
      prepareCopy(config, join(dir, 'config'), `${emulator.url}/client/${client}`);
      const run = await runOurs(
        join(ROOT, 'dist', 'cli.js'),
        join(dir, 'config'),
        oursEnv(join(dir, 'home'), env(client)),
        config.providerOrder,
        TIMEOUT_MS,
        args,
      );
      return { ...run, requests: byClient(client) };
    };
    const optIn = config.sidecar.oursArgs;
    const [pf, our, ourDefault] = await Promise.all([
      anchor(),
      ours('ours', dirs.ours, optIn ?? []),
      optIn ? ours('ours-default', dirs.oursDefault, []) : undefined,
    ]);
    const explicit = (name: string) => setsParam(config, name);
    const verdict = compareRuns(pf, our, config.sidecar.refusal, explicit);
    if (optIn) withoutOptIn(verdict, optIn, ourDefault && compareRuns(pf, ourDefault, config.sidecar.withoutArgs?.refusal, explicit));
    const reused = Boolean((pf as { reused?: boolean }).reused);
    return { config, verdict, promptfooMs: reused ? 0 : pf.ms, oursMs: our.ms, anchorReused: reused };
  } finally {
    await emulator.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`compat: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
