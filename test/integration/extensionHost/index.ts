/**
 * The extension-host suite: mocha tests that run inside a real VS Code's extension host.
 * Entry point `run()` is what @vscode/test-electron calls (extensionTestsPath) and what the extension's test hook
 * calls under code-server (LLM_WORKBENCH_TEST_SUITE). Built by esbuild into out/integration/extensionHostSuite.js,
 * mocha included. Results go to LLM_WORKBENCH_TEST_RESULTS as JSON when that variable is set.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { metrics } from './helpers';

export interface SuiteResults {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; durationMs?: number; error?: string }[];
  metrics?: Record<string, number>;
}

export function run(): Promise<void> {
  const grep = process.env.LLM_WORKBENCH_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  // Bundled tests cannot be added as files: expose describe/it, then load the test modules (esbuild keeps require() lazy).
  mocha.suite.emit('pre-require', globalThis, 'extension-host-suite', mocha);
  /* eslint-disable @typescript-eslint/no-require-imports -- after pre-require, in this order */
  require('./activation.test');
  require('./settingInspector.test');
  require('./tokenStatus.test');
  require('./budgetDiagnostics.test');
  require('./promptLenses.test');
  require('./languageModels.test');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const results: SuiteResults = { passed: 0, failed: 0, tests: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.LLM_WORKBENCH_TEST_RESULTS;
      results.metrics = metrics;
      if (file) writeFileSync(file, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    // One line per finished test in RESULTS.progress: a hung suite still shows how far it got.
    const progress = (line: string) => {
      const file = process.env.LLM_WORKBENCH_TEST_RESULTS;
      if (file) appendFileSync(`${file}.progress`, `${new Date().toISOString()} ${line}\n`);
    };
    runner.on('test', (test) => progress(`start ${test.fullTitle()}`));
    runner.on('pass', (test) => {
      progress(`pass  ${test.fullTitle()} (${test.duration} ms)`);
      results.passed++;
      results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
    });
    runner.on('fail', (test, error: Error) => {
      progress(`FAIL  ${test.fullTitle()}: ${error.message}`);
      results.failed++;
      results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: error.stack ?? error.message });
    });
  });
}
