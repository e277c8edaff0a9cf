import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUtf8, defaultCodeCacheDir } from '../../../src/core/runtime/codeCache';
import { startEmulator } from '../../emulator/emulator';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');

/** The built CLI with its cache under `cacheHome` (XDG_CACHE_HOME). */
function run(cacheHome: string, args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: cacheHome, XDG_CACHE_HOME: cacheHome },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cacheFiles = (cacheHome: string) => {
  const dir = join(cacheHome, 'llm-workbench', 'v8');
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
};

describe('CLI code cache (src/core/runtime/codeCache.ts, through the built dist/cli.js)', () => {
  let scratch: string;
  const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'wb-code-cache-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('decodes UTF-8 exactly as Buffer#toString does, ASCII stretches and non-ASCII runs alike', () => {
    const samples = ['', 'plain ascii', '’', 'a’b', '≤ 3 — ×', "/['′’]/g and 😀 and é\n", 'x'.repeat(1000) + '”' + 'y'.repeat(10)];
    for (const text of samples) assert.equal(decodeUtf8(Buffer.from(text, 'utf8')), text);
    const bundle = readFileSync(join(root, 'dist', 'cliMain.js'));
    assert.equal(decodeUtf8(bundle), bundle.toString('utf8'));
  });

  it('lives in $XDG_CACHE_HOME/llm-workbench/v8, else ~/.cache/llm-workbench/v8', () => {
    assert.equal(defaultCodeCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/u'), join('/x/cache', 'llm-workbench', 'v8'));
    assert.equal(defaultCodeCacheDir({}, '/home/u'), join('/home/u', '.cache', 'llm-workbench', 'v8'));
  });

  it('is written by the first run and used, not rewritten, by the next', function () {
    this.timeout(60_000);
    assert.deepEqual(run(scratch, ['--version']), { code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    const [file] = cacheFiles(scratch);
    assert.ok(file, 'a cache file after the first run');
    const written = statSync(file).mtimeMs;
    const bytes = readFileSync(file);
    assert.deepEqual(run(scratch, ['--version']), { code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    assert.equal(statSync(file).mtimeMs, written, 'an accepted cache is not written again');
    assert.ok(readFileSync(file).equals(bytes));
  });

  it('loads the OpenAI SDK file (dist/sdk/openai.js) through its own cache: written by the first call, taken by the next', async function () {
    this.timeout(120_000);
    const emulator = await startEmulator();
    try {
      emulator.rule({}, { text: 'cached hello' });
      const chat = () =>
        new Promise<{ code: number | null; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, [cli, 'chat', '--model', 'openai:gpt-4o-mini', 'hi'], {
            cwd: scratch,
            env: {
              PATH: process.env.PATH,
              HOME: scratch,
              XDG_CACHE_HOME: scratch,
              LLM_WORKBENCH_HOME: join(scratch, '.llm-workbench'),
              OPENAI_API_KEY: 'emu-openai-key',
              OPENAI_BASE_URL: `${emulator.url}/v1`,
            },
          });
          let stdout = '';
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
          child.on('close', (code) => resolve({ code, stdout }));
        });
      const first = await chat();
      assert.equal(first.code, 0);
      assert.match(first.stdout, /cached hello/);
      const sdkCache = cacheFiles(scratch).filter((f) => /sdk-openai-base-[0-9a-f]+\.v8cache$/.test(f));
      assert.equal(sdkCache.length, 1, cacheFiles(scratch).join(', '));
      const written = statSync(sdkCache[0]).mtimeMs;
      assert.deepEqual(await chat(), first);
      assert.equal(statSync(sdkCache[0]).mtimeMs, written, 'an accepted SDK cache is not written again');
      assert.equal(cacheFiles(scratch).length, 2, 'the CLI cache and the SDK cache, side by side');
    } finally {
      await emulator.close();
    }
  });

  it('ignores a corrupt cache (the run is unchanged) and writes a good one', function () {
    this.timeout(60_000);
    run(scratch, ['--version']);
    const [file] = cacheFiles(scratch);
    const good = readFileSync(file);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length >> 1] ^= 0xff;
    writeFileSync(file, corrupt);
    assert.deepEqual(run(scratch, ['--version']), { code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    assert.ok(!readFileSync(file).equals(corrupt), 'the corrupt file was replaced');
    writeFileSync(file, 'torn');
    assert.deepEqual(run(scratch, ['--version']), { code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    assert.ok(readFileSync(file).length > 1000, 'the torn file was replaced');
  });

  it('rewrites a cache V8 rejects (made under other V8 flags) and keeps one file per variant', function () {
    this.timeout(60_000);
    run(scratch, ['--version']);
    run(scratch, ['eval', '--help']);
    const files = cacheFiles(scratch);
    const base = files.find((f) => /cli-base-/.test(f))!;
    const evalCache = files.find((f) => /cli-eval-/.test(f))!;
    assert.ok(base && evalCache, `one cache per variant: ${files.join(', ')}`);
    // The base cache was made without the eval heap flag: its digest is right, V8's flag check is not.
    writeFileSync(evalCache, readFileSync(base));
    const rejected = readFileSync(evalCache);
    const help = run(scratch, ['eval', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: llm-workbench eval/);
    assert.ok(!readFileSync(evalCache).equals(rejected), 'the rejected cache was rewritten');
    assert.equal(cacheFiles(scratch).length, 2);
  });

  it('never fails a run when the cache cannot be written', function () {
    this.timeout(60_000);
    const notAFolder = join(scratch, 'file');
    writeFileSync(notAFolder, 'x');
    assert.deepEqual(run(notAFolder, ['--version']), { code: 0, stdout: `${packageVersion}\n`, stderr: '' });
    assert.deepEqual(
      readdirSync(scratch).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });
});
