import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../../../src/core/tokens/encodings';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const PROMPT = 'test/fixtures/tokens/mixed.prompt.md';
const GO = 'test/fixtures/tokens/comments.go';

function run(args: string[], options: { input?: string | Buffer; cwd?: string; script?: string } = {}) {
  const result = spawnSync(process.execPath, [options.script ?? cli, ...args], {
    cwd: options.cwd ?? root,
    input: options.input,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function expected(path: string, encoding: 'o200k_base' | 'cl100k_base' = 'o200k_base'): Promise<number> {
  return (await loadTokenizer(encoding)).count(readFileSync(join(root, path), 'utf8'));
}

describe('llm-workbench count (the built dist/cli.js)', () => {
  let scratch: string;

  before(function () {
    this.timeout(120_000);
    const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, encoding: 'utf8' });
    if (!existsSync(cli) || !existsSync(join(root, 'dist', 'ranks', 'o200k_base.json'))) {
      throw new Error(`build failed:\n${build.stderr}`);
    }
    scratch = mkdtempSync(join(tmpdir(), 'llmw-count-'));
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('prints per-file and total tokens, the encoding and that GPT-4o counts are exact (default model)', async () => {
    const { code, stdout, stderr } = run(['count', PROMPT, GO]);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const [a, b] = [await expected(PROMPT), await expected(GO)];
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], new RegExp(`^\\s*${a.toLocaleString('en-US')}  ${PROMPT}$`));
    assert.match(lines[1], new RegExp(`^\\s*${b.toLocaleString('en-US')}  ${GO}$`));
    assert.match(lines[2], new RegExp(`^\\s*${(a + b).toLocaleString('en-US')}  total$`));
    assert.equal(lines[3], 'o200k_base, exact for GPT-4o (openai:gpt-4o)');
  });

  it('--json prints {"files":[{"path","tokens","encoding","exact"}],"total"}', async () => {
    const { code, stdout } = run(['count', '--json', PROMPT, GO]);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.deepEqual(report, {
      files: [
        { path: PROMPT, tokens: await expected(PROMPT), encoding: 'o200k_base', exact: true },
        { path: GO, tokens: await expected(GO), encoding: 'o200k_base', exact: true },
      ],
      total: (await expected(PROMPT)) + (await expected(GO)),
      model: 'openai:gpt-4o',
    });
  });

  it('marks a Claude count as an o200k estimate (≈, "exact": false)', async () => {
    const human = run(['count', '--model', 'anthropic:claude-sonnet-4-5', PROMPT]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`≈${(await expected(PROMPT)).toLocaleString('en-US')}  ${PROMPT}`));
    assert.match(human.stdout, /o200k_base, estimate \(≈\) for Claude Sonnet 4\.5/);
    const json = JSON.parse(run(['count', '--json', '--model', 'claude-sonnet-4-5', PROMPT]).stdout);
    assert.deepEqual(json.files[0], { path: PROMPT, tokens: await expected(PROMPT), encoding: 'o200k_base', exact: false });
  });

  it("counts with an encoding given directly, or the model's own (cl100k for GPT-4 Turbo)", async () => {
    const byEncoding = JSON.parse(run(['count', '--json', '--encoding', 'cl100k_base', PROMPT]).stdout);
    assert.deepEqual(byEncoding.files[0], {
      path: PROMPT,
      tokens: await expected(PROMPT, 'cl100k_base'),
      encoding: 'cl100k_base',
      exact: true,
    });
    const byModel = JSON.parse(run(['count', '--json', '--model=openai:gpt-4-turbo', PROMPT]).stdout);
    assert.equal(byModel.files[0].encoding, 'cl100k_base');
    assert.notEqual(byEncoding.files[0].tokens, await expected(PROMPT), 'the encodings really differ on this file');
  });

  it('reports a missing file, a directory, a binary file and invalid UTF-8 on one line each, and still counts the rest', async () => {
    const binary = join(scratch, 'image.png');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    const latin1 = join(scratch, 'latin1.txt');
    writeFileSync(latin1, Buffer.from('caf\xe9 cr\xe8me', 'latin1'));
    const missing = join(scratch, 'missing.md');
    const { code, stdout, stderr } = run(['count', '--json', missing, PROMPT, scratch, binary, latin1]);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(
      report.files.map((f: { path: string }) => f.path),
      [PROMPT],
    );
    assert.equal(report.total, await expected(PROMPT));
    const lines = stderr.trimEnd().split('\n');
    assert.deepEqual(lines, [
      `llm-workbench count: ${missing}: no such file`,
      `llm-workbench count: ${scratch}: is a directory (pass the files inside it, e.g. dir/*.md)`,
      `llm-workbench count: ${binary}: is a binary file (NUL byte at offset 8); only text files are counted`,
      `llm-workbench count: ${latin1}: is not valid UTF-8 (first bad byte at offset 3); convert it to UTF-8 first`,
    ]);
  });

  it('counts for any model js-tiktoken knows: --model openai:gpt-4 is exact cl100k (issue 13)', () => {
    const { code, stdout } = run(['count', '--model', 'openai:gpt-4', '--json', PROMPT]);
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.files[0].encoding, 'cl100k_base');
    assert.equal(result.files[0].exact, true);
  });

  it('exits 2 with a clear message on bad usage', () => {
    const cases: [string[], RegExp][] = [
      [['count'], /no files given/],
      [
        ['count', '--model', 'openai:gpt-9', PROMPT],
        /unknown model "openai:gpt-9"\. Similar models: openai:gpt-3\.5-turbo, .*llm-workbench models --search/,
      ],
      [['count', '--encoding', 'p50k_base', PROMPT], /unknown encoding "p50k_base": use o200k_base or cl100k_base/],
      [['count', '--model', 'openai:gpt-4o', '--encoding', 'o200k_base', PROMPT], /either --model or --encoding/],
      [['count', '--frobnicate', PROMPT], /Unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = run(args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.match(stderr, /Usage: llm-workbench count/);
    }
  });

  it('reads standard input for -', async () => {
    const text = 'Count me: 退款政策 😀\n';
    const { code, stdout } = run(['count', '--json', '-'], { input: text });
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).total, (await loadTokenizer('o200k_base')).count(text));
  });

  it('ships the ranks as separate files that the bundle finds on its own (not inlined, not from node_modules)', () => {
    const rankMarker = 'IQ== Ig== Iw=='; // the first entries of every rank table
    for (const bundle of ['cli.js', 'cliMain.js', 'extension.js']) {
      const path = join(root, 'dist', bundle);
      if (existsSync(path)) assert.ok(!readFileSync(path, 'utf8').includes(rankMarker), `${bundle} inlines a rank table`);
    }
    // A copy of just cli.js (the launcher), cliMain.js (the CLI) + ranks/ outside the repository, where no
    // node_modules can be found.
    const alone = join(scratch, 'alone');
    mkdirSync(join(alone, 'ranks'), { recursive: true });
    copyFileSync(cli, join(alone, 'cli.js'));
    copyFileSync(join(root, 'dist', 'cliMain.js'), join(alone, 'cliMain.js'));
    for (const name of ['o200k_base', 'cl100k_base'])
      copyFileSync(join(root, 'dist', 'ranks', `${name}.json`), join(alone, 'ranks', `${name}.json`));
    const file = join(scratch, 'note.txt');
    writeFileSync(file, 'hello world');
    const { code, stdout, stderr } = run(['count', '--json', '--encoding', 'cl100k_base', file], {
      cwd: scratch,
      script: join(alone, 'cli.js'),
    });
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).total, 2);
  });
});
