import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ensureCli } from '../../emulator/cliHarness';

/** What `count` does with inputs that never end or never start: a clear refusal, at once, in bounded memory. */
function count(args: string[], stdin?: 'dev-zero'): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'count', ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    if (stdin) {
      // An endless stream of NUL bytes on standard input, as `count - < /dev/zero`.
      const zeros = Buffer.alloc(1 << 20);
      const pump = () => {
        while (child.stdin!.write(zeros));
      };
      child.stdin!.on('drain', pump);
      child.stdin!.on('error', () => undefined);
      pump();
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('llm-workbench count on inputs without end', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => ensureCli());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'count-bounds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('/dev/zero is refused as not a regular file, at once (it used 9 GB in 30 s)', async () => {
    const run = await count(['/dev/zero']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\/dev\/zero: is not a regular file \(a device, FIFO or socket\): only files are counted/);
    assert.ok(run.ms < 10_000, `${run.ms} ms`);
  });

  it('a FIFO nobody writes to is refused instead of hanging', async () => {
    const fifo = join(dir, 'prompt.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = await count([fifo]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /is not a regular file/);
  });

  it('a file over the size limit is refused with its size and the flag to raise it; the others are still counted', async () => {
    const big = join(dir, 'huge.txt');
    writeFileSync(big, '');
    truncateSync(big, 40 * 1024 * 1024); // sparse: 40 MB of NUL bytes without the disk cost
    const small = join(dir, 'small.txt');
    writeFileSync(small, 'hello world');
    const run = await count([big, small]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /huge\.txt: is 40 MB, which is over the 32 MB limit — pass --max-size with a larger size in MB to count it anyway/,
    );
    assert.match(run.stdout, /\n\s*2 {2}total/);
    const raised = await count(['--max-size', '1', small]);
    assert.equal(raised.code, 0, raised.stderr);
  });

  it('an endless standard input stops at the limit with a clear message (count - < /dev/zero)', async () => {
    const run = await count(['--max-size', '2', '-'], 'dev-zero');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /-: \(standard input\) is over the 2\.0 MB limit/);
  });

  it('a bad --max-size is a usage error', async () => {
    const run = await count(['--max-size', 'lots', 'x']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--max-size must be a size in MB/);
  });
});
