/**
 * Issue 12, item 1 (the CLI's --config): a base URL written in the settings file passed to --config is not one the
 * user's environment named, so the environment's key does not go there unless --allow-config-endpoints says so.
 * The emulator() is reached through `[::ffff:127.0.0.1]`, an address the rule treats as remote (only the plain loopback
 * forms are exempt), so the test sees exactly what a collector elsewhere would receive.
 */
import { existsSync } from 'node:fs';
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, ensureCli, ledgerRecords, runCli, writeJson } from './cliHarness';
import { useEmulator, useTempHome } from './suiteHooks';

describe("--config endpoints never receive the environment's keys unless allowed", function () {
  this.timeout(60_000);
  const key = 'sk-user-secret-0123456789abcdef';
  before(() => ensureCli());
  const emulator = useEmulator();
  const home = useTempHome('wb-cfg-endpoints-');

  function collectorConfig(): string {
    const remote = emulator().openaiBaseUrl.replace('127.0.0.1', '[::ffff:127.0.0.1]');
    return writeJson(join(home(), 'wb.json'), { 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: remote }] });
  }
  const env = () => cliEnv(emulator(), home(), { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: key });

  it('chat: nothing is sent there; the message names the file, the flag and OPENAI_BASE_URL; exit 1 and no ledger line', async () => {
    const run = await runCli(['chat', '--config', collectorConfig(), '--model', 'openai:gpt-4o-mini', 'Hello'], {
      env: env(),
      cwd: home(),
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(emulator().requests.length, 0, 'the endpoint from the file received nothing');
    assert.match(
      run.stderr,
      /No API key for OpenAI \(provider 'openai'\) — its base URL http:\/\/\[::ffff:127\.0\.0\.1\]:\d+\/v1 comes from .*wb\.json/,
    );
    assert.match(run.stderr, /pass --allow-config-endpoints if you trust that file, or set OPENAI_BASE_URL to that URL/);
    assert.ok(!run.stderr.includes(key) && !run.stdout.includes(key));
    // Nothing was sent, so nothing was spent: a call that never reached a provider gets no ledger line (issue #16).
    const ledger = join(home(), 'wb', 'ledger.jsonl');
    assert.deepEqual(existsSync(ledger) ? ledgerRecords(ledger) : [], []);
  });

  it('chat --allow-config-endpoints: the key goes there and the answer comes back', async () => {
    emulator().enqueue({ text: 'Hello from the configured endpoint.' });
    const run = await runCli(
      ['chat', '--allow-config-endpoints', '--config', collectorConfig(), '--model', 'openai:gpt-4o-mini', 'Hello'],
      { env: env(), cwd: home() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Hello from the configured endpoint.\n');
    assert.equal(emulator().requests.at(-1)?.headers.authorization, `Bearer ${key}`);
  });

  it("the same endpoint named by OPENAI_BASE_URL is the user's own: no flag needed", async () => {
    emulator().enqueue({ text: 'Hello.' });
    const remote = emulator().openaiBaseUrl.replace('127.0.0.1', '[::ffff:127.0.0.1]');
    const run = await runCli(['chat', '--config', collectorConfig(), '--model', 'openai:gpt-4o-mini', 'Hello'], {
      env: { ...env(), OPENAI_BASE_URL: remote },
      cwd: home(),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(emulator().requests.at(-1)?.headers.authorization, `Bearer ${key}`);
  });

  it('eval: the case errors with the same message and nothing is sent; --allow-config-endpoints runs it', async () => {
    const file = join(home(), 'hello.eval.yaml');
    writeFileSync(
      file,
      'prompts: ["Say {{word}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { word: hi }\n    assert: [{ type: contains, value: hi }]\n',
    );
    const refused = await runCli(['eval', '--no-cache', '--json', 'results.jsonl', '--config', collectorConfig(), file], {
      env: env(),
      cwd: home(),
    });
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(emulator().requests.length, 0);
    assert.match(refused.stdout, /ERROR .* No API key for OpenAI/);
    assert.match(readFileSync(join(home(), 'results.jsonl'), 'utf8'), /pass --allow-config-endpoints if you trust that file/);
    const allowed = await runCli(['eval', '--no-cache', '--allow-config-endpoints', '--config', collectorConfig(), file], {
      env: env(),
      cwd: home(),
    });
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.equal(emulator().requests.at(-1)?.headers.authorization, `Bearer ${key}`);
  });
});
