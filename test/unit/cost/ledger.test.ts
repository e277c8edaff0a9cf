import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultLedgerPath, JsonlLedger } from '../../../src/core/cost/ledger';
import { sampleRecord } from './ledgerRecords';

const run = promisify(execFile);

describe('ledger (JSONL file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives under $LLM_WORKBENCH_HOME, else ~/.llm-workbench', () => {
    assert.equal(defaultLedgerPath({ LLM_WORKBENCH_HOME: '/data/wb' }, '/home/ann'), join('/data/wb', 'ledger.jsonl'));
    assert.equal(defaultLedgerPath({}, '/home/ann'), join('/home/ann', '.llm-workbench', 'ledger.jsonl'));
  });

  it('appends one JSON line per record, creating the folder, and reads them back', async () => {
    const ledger = new JsonlLedger(join(dir, 'nested', 'ledger.jsonl'));
    await ledger.append(sampleRecord({ requestId: 'a' }));
    await ledger.append(sampleRecord({ requestId: 'b', costUsd: null }));
    const lines = readFileSync(ledger.path, 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.ok(lines[0].startsWith('{"at":'), 'records start with their time');
    const read = await ledger.read();
    assert.deepEqual(
      read.records.map((r) => r.requestId),
      ['a', 'b'],
    );
    assert.equal(read.records[1].costUsd, null, 'unknown cost stays null');
    assert.deepEqual(read.warnings, []);
    await ledger.close();
  });

  it('a missing file reads as empty', async () => {
    const read = await new JsonlLedger(join(dir, 'none.jsonl')).read();
    assert.deepEqual(read, { records: [], warnings: [], cursor: { offset: 0, line: 0 } });
  });

  it('reads incrementally: readSince(cursor) returns only what was appended after', async () => {
    const ledger = new JsonlLedger(join(dir, 'ledger.jsonl'));
    await ledger.append(sampleRecord({ requestId: 'a', prompt: 'naïve café ✓' }));
    const first = await ledger.read();
    assert.equal(first.records.length, 1);
    await ledger.append(sampleRecord({ requestId: 'b' }));
    await ledger.append(sampleRecord({ requestId: 'c' }));
    const next = await ledger.readSince(first.cursor);
    assert.deepEqual(
      next.records.map((r) => r.requestId),
      ['b', 'c'],
    );
    assert.equal(next.cursor.line, 3);
    assert.equal(next.cursor.offset, Buffer.byteLength(readFileSync(ledger.path, 'utf8')), 'offsets count bytes, not characters');
    assert.deepEqual((await ledger.readSince(next.cursor)).records, []);
    await ledger.close();
  });

  it('a torn last line (crash mid-write) is skipped with a warning naming its line; the next append starts a fresh line', async () => {
    const path = join(dir, 'ledger.jsonl');
    const good = JSON.stringify(sampleRecord({ requestId: 'good' }));
    writeFileSync(path, `${good}\n${good.slice(0, 57)}`);
    const ledger = new JsonlLedger(path);
    const torn = await ledger.read();
    assert.deepEqual(
      torn.records.map((r) => r.requestId),
      ['good'],
    );
    assert.equal(torn.warnings.length, 1);
    assert.equal(torn.warnings[0].line, 2);
    assert.match(torn.warnings[0].message, /line 2 is torn/);

    await ledger.append(sampleRecord({ requestId: 'after-crash' }));
    const after = await ledger.read();
    assert.deepEqual(
      after.records.map((r) => r.requestId),
      ['good', 'after-crash'],
    );
    assert.equal(after.warnings.length, 1);
    assert.equal(after.warnings[0].line, 2);
    assert.match(after.warnings[0].message, /line 2 is not a call record/);
    assert.deepEqual(
      (await ledger.readSince(torn.cursor)).records.map((r) => r.requestId),
      ['after-crash'],
    );
    await ledger.close();
  });

  it('recovers a record another writer glued onto a torn fragment', async () => {
    const path = join(dir, 'ledger.jsonl');
    const ledger = new JsonlLedger(path);
    await ledger.append(sampleRecord({ requestId: 'one' }));
    appendFileSync(path, '{"at":"2026-03-07T1'); // another process died mid-write after we opened the file
    await ledger.append(sampleRecord({ requestId: 'two' }));
    const read = await ledger.read();
    assert.deepEqual(
      read.records.map((r) => r.requestId),
      ['one', 'two'],
    );
    assert.match(read.warnings[0].message, /line 2 starts with a torn fragment; the record after it was recovered/);
    await ledger.close();
  });

  it('lines that are not records are skipped and reported, never fatal', async () => {
    const path = join(dir, 'ledger.jsonl');
    writeFileSync(path, `not json\n\n[1,2]\n${JSON.stringify(sampleRecord())}\n`);
    const read = await new JsonlLedger(path).read();
    assert.equal(read.records.length, 1);
    assert.deepEqual(
      read.warnings.map((w) => w.line),
      [1, 3],
    );
  });

  it('two processes appending hundreds of records each at once lose nothing and tear nothing', async function () {
    this.timeout(60_000);
    const path = join(dir, 'ledger.jsonl');
    const count = 400;
    const child = join(__dirname, 'ledgerWriterChild.ts');
    const spawnWriter = (writer: string) => run(process.execPath, ['--require', 'tsx/cjs', child, path, writer, String(count)]);
    await Promise.all([spawnWriter('alpha'), spawnWriter('beta')]);
    const read = await new JsonlLedger(path).read();
    assert.deepEqual(read.warnings, []);
    assert.equal(read.records.length, 2 * count);
    for (const writer of ['alpha', 'beta']) {
      const ids = new Set(read.records.filter((r) => r.requestId.startsWith(writer)).map((r) => r.requestId));
      assert.equal(ids.size, count, `${writer} lost records`);
    }
    for (const record of read.records) assert.ok(record.prompt?.endsWith(' ✓'), 'no record was cut or interleaved');
  });

  it('records appended while a write is in flight share the next write, in order, each resolved when written', async () => {
    const ledger = new JsonlLedger(join(dir, 'ledger.jsonl'));
    await ledger.append(sampleRecord({ requestId: 'first' }));
    const file = await (ledger as unknown as { handle: Promise<{ write: (...args: unknown[]) => Promise<unknown> }> }).handle;
    let writes = 0;
    const write = file.write.bind(file);
    file.write = (...args: unknown[]) => {
      writes++;
      return write(...args);
    };
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    await Promise.all(ids.map((requestId) => ledger.append(sampleRecord({ requestId }))));
    const read = await ledger.read();
    assert.deepEqual(
      read.records.map((r) => r.requestId),
      ['first', ...ids],
    );
    assert.ok(writes >= 1 && writes < 10, `${writes} writes for 100 records appended at once`);
    await ledger.close();
  });

  it('a crash (SIGKILL) mid-run loses no record whose append had resolved, and tears at most the last line', async function () {
    this.timeout(60_000);
    const path = join(dir, 'ledger.jsonl');
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'ledgerCrashChild.ts'), path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        acknowledged.push(...lines);
        if (acknowledged.length >= 300 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
    const read = await new JsonlLedger(path).read();
    const written = new Set(read.records.map((r) => r.requestId));
    const lost = acknowledged.filter((id) => !written.has(id));
    assert.deepEqual(lost, [], 'records whose append had resolved are in the file');
    assert.ok(read.warnings.length <= 1 && read.warnings.every((w) => /torn/.test(w.message)), JSON.stringify(read.warnings));
  });
});
