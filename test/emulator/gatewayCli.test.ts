import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../../src/core/cost/callRecord';
import { startEmulator, type Emulator } from './emulator';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `llm-workbench chat` as a user runs it: the built dist/cli.js in its own process, talking HTTP to the emulator. */
describe('llm-workbench chat (dist/cli.js against the emulator)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let home: string;

  before(async () => {
    if (!existsSync(cli)) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: root });
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    home = mkdtempSync(join(tmpdir(), 'wb-cli-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: home,
      LLM_WORKBENCH_HOME: join(home, 'wb'),
      OPENAI_BASE_URL: emulator.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-emulator',
      ANTHROPIC_BASE_URL: emulator.anthropicBaseUrl,
      ANTHROPIC_API_KEY: 'sk-ant-emulator',
      OLLAMA_HOST: emulator.ollamaBaseUrl.replace('http://', ''),
      ...extra,
    };
  }

  function config(settings: Record<string, unknown>): string {
    const file = join(home, 'workbench.json');
    writeFileSync(file, JSON.stringify(settings));
    return file;
  }

  const FAST = { 'llmWorkbench.gateway': { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 2 } };
  const ROUTES = { 'llmWorkbench.routes': { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] } } };

  function chat(args: string[], environment = env()): Promise<CliRun> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [cli, 'chat', ...args], { env: environment }, (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      child.stdin?.end(); // nothing piped in
    });
  }

  const ledger = (): CallRecord[] =>
    readFileSync(join(home, 'wb', 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as CallRecord);

  it('streams the answer to stdout, the footer to stderr, records the call, exits 0', async () => {
    emulator.rule({ model: 'gpt-4o-mini' }, { text: 'A token is a piece of text.', usage: { input: 1000, output: 200 } });
    const run = await chat(['--config', config({ ...ROUTES, ...FAST }), 'What is a token?']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'A token is a piece of text.\n');
    assert.match(run.stderr, /── openai:gpt-4o-mini · task chat -> primary openai:gpt-4o-mini \(routes\.chat\)/);
    assert.match(run.stderr, /1,000 in \/ 200 out · \$0\.00027 · TTFT [\d.]+ m?s · total [\d.]+ m?s · 1 attempt/);
    const records = ledger();
    assert.equal(records.length, 1);
    assert.equal(records[0].source, 'cli');
    assert.ok(Math.abs((records[0].costUsd ?? NaN) - (1000 * 0.15 + 200 * 0.6) / 1e6) < 1e-12);
    assert.equal(records[0].prompt, undefined);
    const sent = emulator.requests[0].headers.authorization;
    assert.equal(sent, 'Bearer sk-emulator', 'the key came from OPENAI_API_KEY');
  });

  it('--json prints the call record with the answer', async () => {
    const run = await chat(['--json', '--model', 'anthropic:claude-haiku-4-5', 'hello']);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as CallRecord & { answer: string };
    assert.equal(printed.answer, 'Emulated answer from claude-haiku-4-5: hello');
    assert.equal(printed.reason, 'anthropic:claude-haiku-4-5 chosen by you');
    assert.equal(printed.provider, 'anthropic');
    assert.deepEqual(ledger()[0].requestId, printed.requestId);
  });

  it('says in the footer that a fallback was used and why', async () => {
    emulator.rule({ model: 'gpt-4o-mini' }, { fault: { kind: 'status', status: 503 } });
    const run = await chat(['--config', config({ ...ROUTES, ...FAST }), 'hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Emulated answer from claude-haiku-4-5: hi\n');
    assert.match(run.stderr, /retrying openai:gpt-4o-mini in \d+ ms/);
    assert.match(run.stderr, /falling back to anthropic:claude-haiku-4-5/);
    assert.match(run.stderr, /fallback used: openai:gpt-4o-mini: server error \(503\) after 2 attempts/);
  });

  it('exits 1 with each provider’s actionable message when every model fails', async () => {
    emulator.rule({}, { fault: { kind: 'status', status: 401 } });
    const run = await chat(['--config', config({ ...ROUTES, ...FAST }), 'hi']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /error: No model on the route could answer:/);
    assert.match(run.stderr, /OpenAI rejected the key — set OPENAI_API_KEY in the environment/);
    assert.match(run.stderr, /set ANTHROPIC_API_KEY in the environment/);
    assert.equal(ledger()[0].outcome, 'error');
  });

  it('exits 2 for a config file that is not JSON, naming the line', async () => {
    const file = join(home, 'broken.json');
    writeFileSync(file, '{\n  "llmWorkbench.routes": {,}\n}');
    const run = await chat(['--config', file, 'hi']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken\.json is not valid JSON \(line 2, column \d+\)/);
    assert.equal(emulator.requests.length, 0);
  });

  it('exits 2 for an unknown setting, naming it and the near miss', async () => {
    const run = await chat(['--config', config({ 'llmWorkbench.route': {} }), 'hi']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown setting "llmWorkbench\.route" \(did you mean "llmWorkbench\.routes"\?\)/);
  });

  it('exits 2 for an invalid value, naming the setting', async () => {
    const run = await chat(['--config', config({ 'llmWorkbench.routes': { chat: { primary: 'gpt-4o' } } }), 'hi']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /llmWorkbench\.routes/);
  });

  it('exits 2 for an unknown task or a missing prompt', async () => {
    const task = await chat(['--task', 'poem', 'hi']);
    assert.equal(task.code, 2);
    assert.match(task.stderr, /Unknown task "poem": use one of chat, code, classify, extract, summarize, reason/);
    const none = await chat([]);
    assert.equal(none.code, 2);
  });

  it('exits 2 when nothing is configured, saying which setting to add', async () => {
    const run = await chat(['hi'], {
      PATH: process.env.PATH,
      HOME: home,
      LLM_WORKBENCH_HOME: join(home, 'wb'),
      OLLAMA_HOST: '127.0.0.1:9',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No model is configured for task "chat": add llmWorkbench\.routes\.chat/);
  });

  it('a private file goes to the local model only', async () => {
    const file = config({
      'llmWorkbench.routes': { code: { primary: 'openai:gpt-4o', fallbacks: ['ollama:qwen2.5-coder:7b'] } },
      'llmWorkbench.privateFiles': ['secrets/**'],
    });
    const run = await chat(['--config', file, '--task', 'code', '--file', 'secrets/keys.ts', 'explain this']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /secrets\/keys\.ts is private/);
    assert.deepEqual(
      emulator.requests.filter((r) => r.path === '/api/chat' || r.path.endsWith('/completions')).map((r) => r.protocol),
      ['ollama'],
    );
  });
  it('top-level --help lists the commands and exits 0; an unknown command exits 2; each command has --help', async () => {
    const run = (args: string[]) =>
      new Promise<CliRun>((resolve) => {
        execFile(process.execPath, [cli, ...args], { env: env() }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        );
      });
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /count .*\n\s+chat .*\n\s+eval /);
    assert.match(help.stdout, /llm-workbench <command> --help/);
    const unknown = await run(['cout']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^llm-workbench: unknown command "cout"/);
    for (const command of ['count', 'chat', 'eval']) {
      const own = await run([command, '--help']);
      assert.equal(own.code, 0, command);
      assert.match(own.stdout, new RegExp(`^Usage: llm-workbench ${command} `));
    }
  });

  it('reports an unknown option as "llm-workbench chat: ..." with the usage, exit 2', async () => {
    const run = await chat(['--modle', 'openai:gpt-4o-mini', 'hi']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^llm-workbench chat: Unknown option '--modle'\.\n\nUsage: llm-workbench chat/);
  });
});
