import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailSoftLedger, ledgerProblem } from '../../../src/core/cost/failSoftLedger';
import { JsonlLedger } from '../../../src/core/cost/ledger';
import { aggregateLedger } from '../../../src/core/cost/ledgerAggregation';
import { sampleRecord } from './ledgerRecords';

describe('ledger records are checked on read; writes fail soft', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a line with "inputTokens": "12" (or a string cost, a NaN, a negative count) is skipped and labelled; totals stay numbers', async () => {
    const good = sampleRecord({ requestId: 'good', inputTokens: 34, outputTokens: 10, costUsd: 0.5 });
    const lines = [
      JSON.stringify(good),
      JSON.stringify({ ...good, requestId: 'string-tokens', inputTokens: '12' }),
      JSON.stringify({ ...good, requestId: 'string-cost', costUsd: '0.10' }),
      JSON.stringify({ ...good, requestId: 'missing-output', outputTokens: undefined }),
      JSON.stringify({ ...good, requestId: 'negative', totalMs: -5 }),
      JSON.stringify({ ...good, requestId: 'bad-time', at: 'yesterday' }),
      JSON.stringify({ ...good, requestId: 'unknown-price', costUsd: null }),
    ];
    const path = join(dir, 'ledger.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const read = await new JsonlLedger(path).read();
    assert.deepEqual(
      read.records.map((r) => r.requestId),
      ['good', 'unknown-price'],
    );
    assert.deepEqual(
      read.warnings.map((w) => w.line),
      [2, 3, 4, 5, 6],
    );
    assert.match(read.warnings[0].message, /line 2 is not a usable call record \("inputTokens" is "12", not a number\), skipped/);
    assert.match(read.warnings[1].message, /"costUsd" is "0\.10", not a number or null/);
    assert.match(read.warnings[2].message, /"outputTokens" is missing/);
    const totals = aggregateLedger(read.records, { now: new Date('2026-03-07T12:00:00Z') }).all;
    assert.equal(totals.inputTokens, 68);
    assert.equal(typeof totals.usd, 'number');
    assert.equal(totals.usd, 0.5);
    assert.equal(totals.unknownPriceCalls, 1);
  });

  it('FailSoftLedger never rejects: one warning per cause, every lost record counted', async () => {
    const path = join(dir, 'ledger.jsonl');
    mkdirSync(path);
    const warnings: string[] = [];
    const ledger = new FailSoftLedger(new JsonlLedger(path), path, (m) => warnings.push(m));
    await ledger.append(sampleRecord());
    await ledger.append(sampleRecord({ requestId: 'r2' }));
    await ledger.close();
    assert.equal(ledger.lostRecords, 2);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      new RegExp(`the call ledger ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be written: it is a directory`),
    );
  });

  it('a folder that becomes writable again is used again (the failed open is not remembered)', async () => {
    const path = join(dir, 'sub', 'ledger.jsonl');
    writeFileSync(join(dir, 'sub'), 'a file in the way');
    const ledger = new JsonlLedger(path);
    await assert.rejects(ledger.append(sampleRecord()), /ENOTDIR|EEXIST/);
    rmSync(join(dir, 'sub'));
    await ledger.append(sampleRecord({ requestId: 'later' }));
    await ledger.close();
    assert.deepEqual(
      (await ledger.read()).records.map((r) => r.requestId),
      ['later'],
    );
  });

  it('names the cause and the fix for each failure a user meets', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    assert.match(ledgerProblem('/p', err('ENOSPC')), /the disk is full — free some space/);
    assert.match(ledgerProblem('/p', err('EROFS')), /read-only — or set LLM_WORKBENCH_HOME/);
    assert.match(ledgerProblem('/p', err('EACCES')), /permission denied/);
    assert.match(ledgerProblem('/p', err('ENOTDIR')), /a folder on its path is a file/);
    assert.ok(!ledgerProblem('/p', new Error('weird\n    at x (y.js:1:2)')).includes('at x'), 'never a stack');
  });
});
