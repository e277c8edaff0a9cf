/**
 * SIGTERM, like Ctrl+C, ends every call in flight as `aborted` in the ledger and still writes the reports before the
 * process exits (issue #12, item 8): real child processes, real signals, calls stalled at the emulator().
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, ensureCli, ledgerRecords, startCli, writeJson } from './cliHarness';
import { waitFor } from './adapterHarness';
import { useEmulator, useTempHome } from './suiteHooks';

describe('SIGTERM and SIGINT record the calls in flight and flush the reports', function () {
  this.timeout(60_000);
  before(() => ensureCli());
  const emulator = useEmulator();
  const home = useTempHome();

  const inFlight = (n: number) => waitFor(() => emulator().requests.filter((r) => r.path === '/v1/chat/completions').length >= n, 20_000);

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`chat: ${signal} mid-answer records the call as aborted and exits ${code}`, async () => {
      emulator().rule({ model: 'gpt-4o-mini' }, { chunks: ['Partial ', 'answer'], fault: { kind: 'stall', afterChunks: 1 } });
      const { child, done } = startCli(['chat', '--model', 'openai:gpt-4o-mini', 'a long question'], {
        env: cliEnv(emulator(), home()),
        cwd: home(),
      });
      await inFlight(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill(signal);
      const run = await done;
      assert.equal(run.code, code, run.stderr);
      const records = ledgerRecords(join(home(), 'wb', 'ledger.jsonl'));
      assert.equal(records.length, 1);
      assert.equal(records[0].outcome, 'aborted');
      assert.equal(records[0].errorKind, 'aborted');
      assert.equal(records[0].attempts, 1);
      await waitFor(() => emulator().requests.some((r) => r.closedByClient), 5_000);
    });
  }

  it('eval: SIGTERM with 4 calls in flight records all 4 as aborted and still writes the table, JSONL and JUnit', async () => {
    emulator().rule({ promptIncludes: 'quick' }, { text: 'yes' });
    emulator().rule({ promptIncludes: 'slow' }, { chunks: ['thinking'], fault: { kind: 'stall', afterChunks: 1 } });
    const cases = ['quick one', 'slow one', 'slow two', 'slow three', 'slow four'];
    writeFileSync(
      join(home(), 'run.eval.yaml'),
      `prompts: ["{{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n${cases.map((q) => `  - vars: { q: "${q}" }\n    assert: [{ type: icontains, value: yes }]`).join('\n')}\n`,
    );
    const settings = writeJson(join(home(), 'settings.json'), {
      'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl }],
    });
    const { child, done } = startCli(
      ['eval', '--config', settings, '-j', '5', '--no-cache', '--junit', 'junit.xml', '--json', 'results.jsonl', 'run.eval.yaml'],
      {
        env: cliEnv(emulator(), home()),
        cwd: home(),
      },
    );
    await inFlight(5);
    await waitFor(
      () =>
        existsSync(join(home(), 'wb', 'ledger.jsonl')) &&
        readFileSync(join(home(), 'wb', 'ledger.jsonl'), 'utf8').includes('"outcome":"ok"'),
      10_000,
    );
    child.kill('SIGTERM');
    const run = await done;
    // Ended by the signal it received, once the reports are written: a shell or CI runner sees 143.
    assert.deepEqual([run.code, run.signal], [null, 'SIGTERM'], run.stderr);
    const records = ledgerRecords(join(home(), 'wb', 'ledger.jsonl'));
    assert.deepEqual(records.map((r) => r.outcome).sort(), ['aborted', 'aborted', 'aborted', 'aborted', 'ok']);
    assert.match(run.stdout, /1 passed/);
    const junit = readFileSync(join(home(), 'junit.xml'), 'utf8');
    assert.match(junit, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    assert.match(junit, /<\/testsuites>\n$/);
    assert.equal(readFileSync(join(home(), 'results.jsonl'), 'utf8').trim().split('\n').length, 1);
  });
});
