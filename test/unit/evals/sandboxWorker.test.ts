import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const SANDBOX = resolve(__dirname, '../../../src/core/evals/assertions/sandboxWorker.ts');

/** Runs a script in a fresh Node (with tsx) and reports how it ended; a process the worker keeps alive is killed. */
function runScript(script: string): { status: number | null; signal: NodeJS.Signals | null; stdout: string } {
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: resolve(__dirname, '../../..'),
    encoding: 'utf8',
    timeout: 45_000,
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout };
}

describe('SandboxWorker: the shared worker never keeps the process alive', () => {
  it('a worker started ahead of use (warmUp) and never used lets the process exit', () => {
    const run = runScript(`require(${JSON.stringify(SANDBOX)}).sharedSandbox.warmUp(); console.log('started');`);
    assert.equal(run.signal, null, 'the process had to be killed: the idle worker kept it alive');
    assert.equal(run.status, 0);
    assert.equal(run.stdout.trim(), 'started');
  });

  it('nor one that ran a request, warmed up first or not', () => {
    for (const warm of [true, false]) {
      const run = runScript(
        `const { sharedSandbox } = require(${JSON.stringify(SANDBOX)});` +
          (warm ? 'sharedSandbox.warmUp();' : '') +
          `sharedSandbox.run({ kind: 'regex', pattern: 'a', flags: '', text: 'a' }, 5000).then((r) => console.log(JSON.stringify(r)));`,
      );
      assert.equal(run.signal, null, `warm=${warm}: the process had to be killed`);
      assert.equal(run.status, 0);
      assert.deepEqual(JSON.parse(run.stdout.trim()), { id: 1, matched: true });
    }
  });
});
