import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlLedger } from '../../../src/core/cost/ledger';
import { LedgerFollower, type LedgerUpdate } from '../../../src/core/cost/ledgerFollower';
import { callRecord } from './spendRecords';

const line = (costUsd: number) => JSON.stringify(callRecord({ costUsd })) + '\n';

describe('ledger follower', () => {
  let dir: string;
  let updates: LedgerUpdate[];
  let follower: LedgerFollower;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-follow-'));
    updates = [];
  });
  afterEach(() => {
    follower?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (path: string) => {
    const ledger = new JsonlLedger(path);
    follower = new LedgerFollower(
      path,
      (cursor) => ledger.readSince(cursor),
      (u) => updates.push(u),
      { debounceMs: 10, pollMs: 50 },
    );
    await follower.start();
  };
  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(predicate(), 'timed out waiting for the follower');
  };

  it('reads existing lines once, then only what is appended', async () => {
    const path = join(dir, 'ledger.jsonl');
    writeFileSync(path, line(0.1) + line(0.2));
    await start(path);
    assert.deepEqual(
      updates.flatMap((u) => u.records.map((r) => r.costUsd)),
      [0.1, 0.2],
    );
    appendFileSync(path, line(0.4));
    await waitFor(() => updates.length === 2);
    assert.deepEqual(
      updates[1].records.map((r) => r.costUsd),
      [0.4],
    );
    await follower.refresh();
    assert.equal(updates.length, 2, 'no duplicate delivery');
  });

  it('waits for a torn last line to be completed instead of losing or duplicating it', async () => {
    const path = join(dir, 'ledger.jsonl');
    const whole = line(0.3);
    writeFileSync(path, line(0.1) + whole.slice(0, 20));
    await start(path);
    assert.equal(updates.flatMap((u) => u.records).length, 1);
    appendFileSync(path, whole.slice(20));
    await follower.refresh();
    assert.deepEqual(
      updates.flatMap((u) => u.records.map((r) => r.costUsd)),
      [0.1, 0.3],
    );
  });

  it('follows a ledger that does not exist yet (a fresh machine)', async () => {
    const path = join(dir, 'sub', 'ledger.jsonl');
    await start(path);
    assert.equal(updates.length, 0);
    appendFileSync(path, line(0.5));
    await waitFor(() => updates.length === 1);
    assert.equal(updates[0].records[0].costUsd, 0.5);
  });

  it('reports unreadable lines once, and records appended by the real ledger writer arrive', async () => {
    const path = join(dir, 'ledger.jsonl');
    writeFileSync(path, line(0.1) + 'garbage\n');
    await start(path);
    assert.equal(updates[0].skippedLines, 1);
    const writer = new JsonlLedger(path);
    await writer.append(callRecord({ costUsd: 0.9 }));
    await writer.close();
    await follower.refresh();
    const all = updates.flatMap((u) => u.records.map((r) => r.costUsd));
    assert.deepEqual(all, [0.1, 0.9]);
    assert.equal(
      updates.reduce((n, u) => n + u.skippedLines, 0),
      1,
    );
  });

  it('starts over when the file is replaced by a shorter one', async () => {
    const path = join(dir, 'ledger.jsonl');
    writeFileSync(path, line(0.1) + line(0.2));
    await start(path);
    writeFileSync(path, line(0.7));
    await follower.refresh();
    const last = updates[updates.length - 1];
    assert.equal(last.reset, true);
    assert.deepEqual(
      last.records.map((r) => r.costUsd),
      [0.7],
    );
  });
});
