/**
 * An unwritable ledger or response cache never costs the answer or the reports: one warning naming the path and the
 * fix, never a stack trace, never a silent drop (issue #12, item 4). Real processes, real file-system failures.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, ensureCli, hasStackTrace, ledgerRecords, runCli, writeJson } from './cliHarness';
import { useEmulator, useTempHome } from './suiteHooks';

const EVAL = `
description: two cases
prompts: ["Label: {{t}}"]
providers: [openai:gpt-4o-mini]
tests:
  - vars: { t: "charged twice" }
    assert: [{ type: icontains, value: billing }]
  - vars: { t: "app crashes" }
    assert: [{ type: icontains, value: bug }]
`;

describe('the ledger and the cache fail soft (CLI)', function () {
  this.timeout(60_000);
  before(() => ensureCli());
  const emulator = useEmulator();
  const home = useTempHome();
  beforeEach(() => {
    emulator().rule({ promptIncludes: 'charged' }, { text: 'billing' });
    emulator().rule({ promptIncludes: 'crashes' }, { text: 'bug' });
  });

  const chat = (env: NodeJS.ProcessEnv, extra: { uid?: number; gid?: number } = {}) =>
    runCli(['chat', '--model', 'openai:gpt-4o-mini', 'hello'], { env, cwd: home(), ...extra });

  function assertOneWarning(stderr: string, path: string, why: RegExp): void {
    const warnings = stderr.split('\n').filter((line) => line.includes('warning: the call ledger'));
    assert.equal(warnings.length, 1, stderr);
    assert.ok(warnings[0].includes(path), `names the path: ${warnings[0]}`);
    assert.match(warnings[0], why);
    assert.ok(!hasStackTrace(stderr), stderr);
  }

  it('the ledger path is a directory: the answer, exit 0, one warning naming the path and the fix', async () => {
    const path = join(home(), 'wb', 'ledger.jsonl');
    mkdirSync(path, { recursive: true });
    const run = await chat(cliEnv(emulator(), home()));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Emulated answer from gpt-4o-mini: hello\n');
    assertOneWarning(run.stderr, path, /it is a directory — remove or rename that directory, or set LLM_WORKBENCH_HOME/);
    assert.match(run.stderr, /── openai:gpt-4o-mini/, 'the footer is still printed');
  });

  it('home is unwritable (no LLM_WORKBENCH_HOME): the answer and one permission warning', async () => {
    const run = await chat(cliEnv(emulator(), home(), { HOME: '/sys', LLM_WORKBENCH_HOME: undefined }));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Emulated answer from gpt-4o-mini: hello\n');
    assertOneWarning(run.stderr, '/sys/.llm-workbench/ledger.jsonl', /permission denied|read-only/);
  });

  it('the disk is full (/dev/full): the record is not dropped silently', async () => {
    mkdirSync(join(home(), 'wb'));
    symlinkSync('/dev/full', join(home(), 'wb', 'ledger.jsonl'));
    const run = await chat(cliEnv(emulator(), home()));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Emulated answer from gpt-4o-mini: hello\n');
    assertOneWarning(run.stderr, join(home(), 'wb', 'ledger.jsonl'), /the disk is full — free some space/);
  });

  it('a read-only ledger file (as an ordinary user): the answer and one warning', async function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to run the child as another user
    mkdirSync(join(home(), 'wb'));
    const path = join(home(), 'wb', 'ledger.jsonl');
    writeFileSync(path, '');
    chmodSync(path, 0o444);
    chmodSync(home(), 0o755);
    chmodSync(join(home(), 'wb'), 0o755);
    const run = await chat(cliEnv(emulator(), home()), { uid: 65534, gid: 65534 });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Emulated answer from gpt-4o-mini: hello\n');
    assertOneWarning(run.stderr, path, /permission denied — make the file and its folder writable/);
    assert.equal(readFileSync(path, 'utf8'), '');
  });

  it('eval with a full disk: the table, the JSONL and the JUnit report are written, one warning, the right exit code', async () => {
    mkdirSync(join(home(), 'wb'));
    symlinkSync('/dev/full', join(home(), 'wb', 'ledger.jsonl'));
    writeFileSync(join(home(), 'triage.eval.yaml'), EVAL);
    const settings = writeJson(join(home(), 'settings.json'), {
      'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl }],
    });
    const run = await runCli(
      ['eval', '--config', settings, '--junit', 'out/junit.xml', '--json', 'out/results.jsonl', 'triage.eval.yaml'],
      { env: cliEnv(emulator(), home()), cwd: home() },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2 passed/);
    assert.match(readFileSync(join(home(), 'out', 'junit.xml'), 'utf8'), /<testsuites name="llm-workbench eval" tests="2" failures="0"/);
    assert.equal(
      readFileSync(join(home(), 'out', 'results.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      2,
    );
    assertOneWarning(run.stderr, join(home(), 'wb', 'ledger.jsonl'), /disk is full/);
    assert.match(run.stderr, /2 call records of this run are not in the ledger/);
  });

  it('eval with an unwritable response cache: results as usual, one cache warning, and the ledger still records', async () => {
    mkdirSync(join(home(), 'wb'), { recursive: true });
    writeFileSync(join(home(), 'wb', 'cache'), 'a file where the cache folder should be');
    writeFileSync(join(home(), 'triage.eval.yaml'), EVAL);
    const settings = writeJson(join(home(), 'settings.json'), {
      'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl }],
    });
    const run = await runCli(['eval', '--config', settings, '--junit', 'junit.xml', 'triage.eval.yaml'], {
      env: cliEnv(emulator(), home()),
      cwd: home(),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2 passed/);
    assert.ok(existsSync(join(home(), 'junit.xml')));
    const warnings = run.stderr.split('\n').filter((l) => l.includes('response cache'));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(
      warnings[0],
      /cannot be written \(a file is in the way of its folders\): answers of this run are not cached — .*--no-cache/,
    );
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.equal(ledgerRecords(join(home(), 'wb', 'ledger.jsonl')).length, 2);
  });
});
