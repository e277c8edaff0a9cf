import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TEST_COMMANDS } from '../commandIds';
import type { SharedServices } from '../services/sharedServices';
import { snapshotReaders, type TestedFeatures } from './snapshots';

/**
 * Hooks for the integration tests, registered by extension.ts only when the extension host's environment has
 * `LLM_WORKBENCH_TEST=1` (the harness sets it on code-server; a user's VS Code never has it). Nothing in a feature
 * or service exists for them: they read the public state of what activation built.
 * - command `llmWorkbench.test.snapshot` returns `{ <feature>: <its snapshot> }` for assertions on state the UI
 *   cannot show reliably (full tooltip text, background colour ids);
 * - `LLM_WORKBENCH_TEST_SUITE=/path/suite.js` runs that mocha bundle inside this extension host after activation;
 *   it writes its results to `LLM_WORKBENCH_TEST_RESULTS` (and so does this hook if the bundle cannot even load).
 */
export function testHooksEnabled(): boolean {
  return process.env.LLM_WORKBENCH_TEST === '1';
}

export function registerTestHooks(services: SharedServices, features: TestedFeatures, activation: () => unknown): vscode.Disposable[] {
  const readers = { activation, ...snapshotReaders(services, features) };
  const disposables = [
    vscode.commands.registerCommand(TEST_COMMANDS.snapshot, () => {
      const result: Record<string, unknown> = {};
      for (const [name, read] of Object.entries(readers)) result[name] = read();
      return result;
    }),
    vscode.commands.registerCommand(TEST_COMMANDS.storeApiKey, (id: string, key: string) => services.keys.set(id, key)),
  ];
  const suite = process.env.LLM_WORKBENCH_TEST_SUITE;
  if (suite) setTimeout(() => void runSuite(suite), 0);
  return disposables;
}

async function runSuite(suite: string): Promise<void> {
  try {
    // A path chosen at run time: the suite is a separate bundle, never part of the extension's.
    const module = createRequire(__filename)(suite) as { run: () => Promise<void> };
    await module.run();
  } catch (error) {
    const results = process.env.LLM_WORKBENCH_TEST_RESULTS;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (results && !message.includes('test(s) failed')) {
      writeFileSync(
        results,
        JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'load the extension-host suite', state: 'failed', error: message }] }),
      );
    }
  }
}
