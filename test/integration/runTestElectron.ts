/**
 * The extension-host suite in desktop VS Code, for developers whose machine can download it:
 *   npm run test:integration:electron
 * @vscode/test-electron downloads a VS Code build (not possible on our CI machines, which run the same suite inside
 * code-server through test/integration/run.ts instead) and starts it with this repository as the development
 * extension, on a fresh copy of the fixture workspace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace } from './fixtures/makeWorkspace';
import type { SuiteResults } from './extensionHost/index';

async function main(): Promise<void> {
  const repo = join(__dirname, '..', '..');
  const artifacts = join(repo, '.test-artifacts', 'electron');
  const workspace = makeWorkspace(artifacts);
  const resultsFile = join(artifacts, `extension-host-results-${Date.now()}.json`);
  let exitCode = 1;
  try {
    exitCode = await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(repo, 'out', 'integration', 'extensionHostSuite.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { LLM_WORKBENCH_TEST: '1', LLM_WORKBENCH_TEST_RESULTS: resultsFile },
    });
  } catch (error) {
    console.error(`VS Code could not be downloaded or started: ${(error as Error).message}`);
  }
  const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults) : undefined;
  console.log(results ? `${results.passed} passed, ${results.failed} failed` : '0 passed, 1 failed');
  process.exit(exitCode === 0 && results && results.failed === 0 ? 0 : 1);
}

void main();
