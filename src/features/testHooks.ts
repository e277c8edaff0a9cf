import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Hooks for the integration tests, active only when the extension host's environment has `LLM_WORKBENCH_TEST=1`
 * (the harness sets it on code-server; a user's VS Code never has it):
 * - command `llmWorkbench.test.snapshot` returns `{ <feature>: <its snapshot> }` for assertions
 *   on state the UI cannot show reliably (full tooltip text, background colour ids);
 * - `LLM_WORKBENCH_TEST_SUITE=/path/suite.js` runs that mocha bundle inside this extension host after activation;
 *   it writes its results to `LLM_WORKBENCH_TEST_RESULTS` (and so does this hook if the bundle cannot even load).
 */
export class TestHooks {
  private readonly snapshots = new Map<string, () => unknown>();

  static get enabled(): boolean {
    return process.env.LLM_WORKBENCH_TEST === '1';
  }

  /** Features add what they want tests to read, e.g. `hooks.addSnapshot('tokenStatus', () => status.snapshot())`. */
  addSnapshot(name: string, read: () => unknown): void {
    this.snapshots.set(name, read);
  }

  register(): vscode.Disposable[] {
    if (!TestHooks.enabled) return [];
    const disposables = [
      vscode.commands.registerCommand('llmWorkbench.test.snapshot', () => {
        const result: Record<string, unknown> = {};
        for (const [name, read] of this.snapshots) result[name] = read();
        return result;
      }),
    ];
    const suite = process.env.LLM_WORKBENCH_TEST_SUITE;
    if (suite) setTimeout(() => void runSuite(suite), 0);
    return disposables;
  }
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
      writeFileSync(results, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'load the extension-host suite', state: 'failed', error: message }] }));
    }
  }
}
