/**
 * `npm run test:integration`: the packaged extension inside a real VS Code (code-server 4.139 = VS Code 1.139),
 * driven by Debian's Chromium through playwright-core.
 *   1. setup.sh installs code-server, Node 24 and Chromium once (cached outside the repo);
 *   2. `npm run package` builds the VSIX a user would install;
 *   3. the extension-host suite (mocha, test/integration/extensionHost) runs inside the extension host;
 *   4. the UI specs (mocha + Playwright, test/integration/ui/*.ui.ts) drive the workbench and save screenshots.
 * Ends with `N passed, N failed`. Every process started is ended, also on failure, timeout or Ctrl+C.
 *
 * Options: --only=extension-host | --only=ui, --grep=PATTERN (UI specs and extension-host suite),
 * --skip-package (reuse dist/llm-workbench.vsix).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { ensureIntegrationEnvironment } from './harness/environment';
import { runExtensionHostSuite } from './harness/extensionHostSuite';
import { startCodeServer } from './harness/codeServer';
import { killAllProcessGroupsNow } from './harness/processGroups';
import { launchBrowser, Workbench } from './harness/workbench';
import { makeWorkspace } from './fixtures/makeWorkspace';
import { recordedMetrics, setSession, takeWorkbenchMode } from './ui/session';

const REPO = join(__dirname, '..', '..');
const ARTIFACTS = join(REPO, '.test-artifacts', 'integration');
/** Written after each run; `npm run bench` reads the activation time from it. */
export const METRICS_FILE = join(REPO, '.test-artifacts', 'integration-metrics.json');
/**
 * A hard stop for the whole run so CI never hangs on a stuck browser: far above its ~5 minutes on a quiet machine, and
 * above the ~25 minutes its 10 spec files took on a 2-core machine shared with other builds (load 15-25).
 */
const WATCHDOG_MS = 45 * 60_000;

const args = process.argv.slice(2);
const option = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const only = option('only');
const grep = option('grep');

interface Tally {
  passed: number;
  failed: number;
}

/**
 * Profiles, workspaces and ledgers of earlier runs (~10 MB each) are removed once they are two hours old: recent ones
 * stay for looking into a failure, and a run going on in parallel keeps its own.
 */
function pruneOldArtifacts(): void {
  const cutoff = Date.now() - 2 * 60 * 60_000;
  for (const name of readdirSync(ARTIFACTS)) {
    const path = join(ARTIFACTS, name);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by a parallel run meanwhile
    }
  }
}

function step(message: string): void {
  console.log(`\n[integration] ${message}`);
}

function packageExtension(): string {
  const vsix = join(REPO, 'dist', 'llm-workbench.vsix');
  if (args.includes('--skip-package')) return vsix;
  step('packaging the extension (npm run package)');
  try {
    execFileSync('npm', ['run', 'package'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run package failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
  return vsix;
}

async function buildSuiteBundle(): Promise<string> {
  const { buildSuite } = (await import(join(__dirname, 'buildSuite.mjs'))) as { buildSuite: () => Promise<string> };
  return buildSuite();
}

async function extensionHostPhase(env: ReturnType<typeof ensureIntegrationEnvironment>, vsix: string, tally: Tally) {
  step('extension-host suite inside code-server');
  const suiteBundle = await buildSuiteBundle();
  const results = await runExtensionHostSuite({
    env,
    vsix,
    suiteBundle,
    workspace: makeWorkspace(ARTIFACTS),
    artifactsDir: ARTIFACTS,
    // The quiet settings turn AI features off; the language model suite needs vscode.lm as a user has it.
    userSettings: { 'chat.disableAIFeatures': false },
    extraEnv: { ...(grep ? { LLM_WORKBENCH_TEST_GREP: grep } : {}), LLM_WORKBENCH_HOME: join(ARTIFACTS, `home-eh-${Date.now()}`) },
  });
  for (const test of results.tests) {
    console.log(`  ${test.state === 'passed' ? '✔' : '✘'} ${test.title}${test.durationMs ? ` (${test.durationMs} ms)` : ''}`);
    if (test.error) console.log(`      ${test.error.split('\n').slice(0, 6).join('\n      ')}`);
  }
  tally.passed += results.passed;
  tally.failed += results.failed;
  return results.metrics ?? {};
}

/**
 * Each UI spec file gets a workbench of its own (fresh workspace copy, profile, ledger home and code-server), so a
 * dialog or a setting one file leaves behind cannot fail the next. About 8 s of start-up per file.
 */
async function uiPhase(env: ReturnType<typeof ensureIntegrationEnvironment>, vsix: string, tally: Tally): Promise<void> {
  step('UI specs (Playwright) against code-server, a fresh workbench per spec file');
  const uiDir = join(__dirname, 'ui');
  const files = readdirSync(uiDir)
    .filter((f) => f.endsWith('.ui.ts'))
    .sort();
  const browser = await launchBrowser(env.chromium);
  try {
    for (const file of files) await runUiSpecFile(env, vsix, browser, join(uiDir, file), tally);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

function countTests(suite: Mocha.Suite, grep: RegExp): number {
  return (
    suite.tests.filter((test) => grep.test(test.fullTitle())).length + suite.suites.reduce((sum, child) => sum + countTests(child, grep), 0)
  );
}

async function runUiSpecFile(
  env: ReturnType<typeof ensureIntegrationEnvironment>,
  vsix: string,
  browser: Awaited<ReturnType<typeof launchBrowser>>,
  file: string,
  tally: Tally,
): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, reporter: 'spec', bail: false, grep });
  mocha.addFile(file);
  await mocha.loadFilesAsync();
  const mode = takeWorkbenchMode(); // asked for by the file's top level, which ran as it loaded
  if (grep !== undefined && countTests(mocha.suite, new RegExp(grep)) === 0) {
    mocha.dispose(); // nothing here matches --grep: no workbench to start
    return;
  }
  const workspace = makeWorkspace(ARTIFACTS);
  // LLM_WORKBENCH_HOME keeps the run's ledger out of the machine's ~/.llm-workbench (the chat specs read it).
  const workbenchHome = join(ARTIFACTS, `home-${Date.now()}`);
  const server = await startCodeServer({
    env,
    vsix,
    workspace,
    artifactsDir: ARTIFACTS,
    extraEnv: { LLM_WORKBENCH_TEST: '1', LLM_WORKBENCH_HOME: workbenchHome },
    workspaceTrust: mode.workspaceTrust,
    userSettings: await mode.userSettings?.(),
  });
  let workbench: Workbench | undefined;
  try {
    workbench = await Workbench.open(browser, server.workspaceUrl);
    const opened = workbench;
    setSession({ workbench: opened, workspace, repo: REPO, userDataDir: server.userDataDir, workbenchHome, serverPid: server.pid });
    const failureShots: Promise<unknown>[] = [];
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => tally.passed++);
      runner.on('fail', (test) => {
        tally.failed++;
        const name = test
          .fullTitle()
          .replace(/[^a-z0-9]+/gi, '-')
          .slice(0, 80);
        failureShots.push(opened.screenshot(`FAILED-${name}`).catch(() => undefined));
      });
    });
    await Promise.all(failureShots); // before the page closes
    mocha.dispose();
  } catch (error) {
    tally.failed++;
    console.error(`  ✘ ${file}: ${(error as Error).stack ?? error}`);
  } finally {
    setSession(undefined);
    await workbench?.page.close().catch(() => undefined);
    await server.stop();
  }
}

/**
 * Merges this run's numbers into the metrics file: a run of some specs (--only, --grep) keeps the numbers it did not
 * measure (the bench reads the activation time from there), each with the time the file was last written.
 */
function writeMetrics(measured: Record<string, number>): void {
  if (Object.keys(measured).length === 0) return;
  let previous: Record<string, unknown> = {};
  try {
    if (existsSync(METRICS_FILE)) previous = JSON.parse(readFileSync(METRICS_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    previous = {}; // unreadable: start again
  }
  mkdirSync(join(METRICS_FILE, '..'), { recursive: true });
  writeFileSync(
    METRICS_FILE,
    JSON.stringify({ ...previous, measuredAt: new Date().toISOString(), vscode: '1.139 (code-server 4.139.1)', ...measured }, null, 2),
  );
}

async function main(): Promise<number> {
  const started = Date.now();
  const watchdog = setTimeout(() => {
    console.error(`[integration] no result after ${WATCHDOG_MS / 60_000} minutes: stopping everything`);
    killAllProcessGroupsNow();
    console.log('0 passed, 1 failed');
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const tally: Tally = { passed: 0, failed: 0 };
  mkdirSync(ARTIFACTS, { recursive: true });
  pruneOldArtifacts();
  step('installing or checking code-server, Node 24 and Chromium (test/integration/setup.sh)');
  const env = ensureIntegrationEnvironment();
  const vsix = packageExtension();

  let metrics: Record<string, number> = {};
  if (only !== 'ui') {
    try {
      metrics = await extensionHostPhase(env, vsix, tally);
    } catch (error) {
      tally.failed++;
      console.error(`  ✘ extension-host suite: ${(error as Error).message}`);
    }
  }
  if (only !== 'extension-host') {
    try {
      await uiPhase(env, vsix, tally);
    } catch (error) {
      tally.failed++;
      console.error(`  ✘ UI specs: ${(error as Error).stack ?? error}`);
    }
  }
  writeMetrics({ ...metrics, ...recordedMetrics() });
  console.log(`\n[integration] finished in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in test/integration/screenshots/`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

main().then(
  (code) => {
    killAllProcessGroupsNow();
    process.exit(code);
  },
  (error) => {
    console.error(error);
    killAllProcessGroupsNow();
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
