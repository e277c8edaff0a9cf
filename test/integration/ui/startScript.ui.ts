import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Workbench } from '../harness/workbench';
import { killProcessGroup, trackProcessGroup } from '../harness/processGroups';
import { session } from './session';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits until `npm start` prints the address of its VS Code; fails with everything it printed otherwise. */
function addressPrinted(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`npm start printed no address in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before printing an address:\n${output}`));
    });
  });
}

describe('npm start, as a new user runs it', () => {
  it('prints the address of a VS Code with the extension loaded', async function () {
    this.timeout(8 * 60_000);
    const { workbench, repo } = session();
    const port = await freePort();
    // Through npm, exactly as the README says: the nested installs must not see this npm's environment.
    const child = spawn('npm', ['start', '--', '--code-server', `--port=${port}`], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    trackProcessGroup(child);
    try {
      const url = await addressPrinted(child, 6 * 60_000);
      assert.match(url, /\/\?folder=.*examples/);
      const browser = workbench.page.context().browser()!;
      const started = await Workbench.open(browser, url);
      try {
        // The spend item is shown in every window once the extension has activated.
        await started.statusBarItem('llmWorkbench.spend').first().waitFor({ state: 'visible', timeout: 60_000 });
        await started.screenshot('npm-start');
      } finally {
        await started.page.close();
      }
    } finally {
      await killProcessGroup(child.pid!);
    }
  });
});
