import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { lastDayKeys, localDayKey } from '../../../src/core/cost/calendarDay';
import { SpendTally } from '../../../src/core/cost/spendTally';
import { newWindowId } from '../../../src/core/cost/windowId';
import { callRecord, localIso } from './spendRecords';

describe('SpendTally', () => {
  const now = new Date(2026, 2, 7, 15, 0);

  it('splits today, this month and earlier months by local calendar day', () => {
    const tally = new SpendTally(new Date(2026, 2, 7, 14, 0));
    tally.addAll([
      callRecord({ at: localIso(2026, 3, 7, 0, 5), costUsd: 0.1 }),
      callRecord({ at: localIso(2026, 3, 7, 23, 59), costUsd: 0.2 }),
      callRecord({ at: localIso(2026, 3, 6, 23, 59), costUsd: 0.4 }),
      callRecord({ at: localIso(2026, 2, 28, 12), costUsd: 0.8 }),
    ]);
    assert.equal(tally.today(now).calls, 2);
    assert.ok(Math.abs(tally.today(now).usd - 0.3) < 1e-12);
    assert.ok(Math.abs(tally.month(now).usd - 0.7) < 1e-12);
    assert.equal(tally.month(now).calls, 3);
    // session started 14:00 today: only the 23:59 call is after it
    assert.equal(tally.session().calls, 1);
    assert.ok(Math.abs(tally.session().usd - 0.2) < 1e-12);
  });

  it('counts unknown-price calls separately and never adds them as $0', () => {
    const tally = new SpendTally(new Date(0));
    tally.add(callRecord({ at: localIso(2026, 3, 7), costUsd: null, provider: 'acme', model: 'mystery' }));
    tally.add(callRecord({ at: localIso(2026, 3, 7), costUsd: 0.5 }));
    const today = tally.today(now);
    assert.equal(today.calls, 2);
    assert.equal(today.unknownPriceCalls, 1);
    assert.equal(today.usd, 0.5);
    const models = tally.modelsOn(localDayKey(now));
    assert.deepEqual(
      models.map((m) => [m.model, m.totals.unknownPriceCalls]),
      [
        ['openai:gpt-4o-mini', 0],
        ['acme:mystery', 1],
      ],
    );
  });

  it('counts a call in this session by its session id when it has one, else by time', () => {
    const tally = new SpendTally(new Date(2026, 2, 7, 14, 0), 'window-a');
    tally.addAll([
      callRecord({ at: localIso(2026, 3, 7, 15), costUsd: 0.1, sessionId: 'window-a' }),
      callRecord({ at: localIso(2026, 3, 7, 15), costUsd: 0.2, sessionId: 'window-b' }),
      callRecord({ at: localIso(2026, 3, 7, 15), costUsd: 0.4 }),
      callRecord({ at: localIso(2026, 3, 7, 9), costUsd: 0.8 }),
    ]);
    assert.ok(Math.abs(tally.session().usd - 0.5) < 1e-12);
    assert.ok(Math.abs(tally.today(now).usd - 1.5) < 1e-12);
  });

  it('window ids are ours and unique per window: a second window\'s calls are not "this window"', () => {
    const mine = newWindowId();
    const other = newWindowId();
    assert.notEqual(mine, other);
    assert.match(mine, /^window-[0-9a-f-]{36}$/);
    const tally = new SpendTally(new Date(2026, 2, 7, 0, 0), mine);
    tally.addAll([
      callRecord({ at: localIso(2026, 3, 7, 15), costUsd: 0.1, sessionId: mine }),
      callRecord({ at: localIso(2026, 3, 7, 15), costUsd: 0.2, sessionId: other }),
      callRecord({ at: localIso(2026, 3, 7, 15), costUsd: 0.4, sessionId: 'cli-1234' }),
    ]);
    assert.equal(tally.session().calls, 1);
    assert.ok(Math.abs(tally.session().usd - 0.1) < 1e-12);
    assert.equal(tally.today(now).calls, 3);
  });

  it('a call whose model broke off before a fallback answered: each model is charged its part, the known part is kept', () => {
    const tally = new SpendTally(new Date(2026, 2, 7, 0, 0));
    tally.add(
      callRecord({
        at: localIso(2026, 3, 7, 15),
        provider: 'emu',
        model: 'emu-ok',
        costUsd: null,
        costParts: [
          { model: 'emu:emu-cut', costUsd: null, inputTokens: 40, outputTokens: 5, usageSource: 'estimate' },
          { model: 'emu:emu-ok', costUsd: 0.25, inputTokens: 1000, outputTokens: 10, usageSource: 'provider' },
        ],
      }),
    );
    const today = tally.today(now);
    assert.equal(today.calls, 1);
    assert.equal(today.usd, 0.25);
    assert.equal(today.unknownPriceCalls, 1);
    const byModel = Object.fromEntries(tally.modelsOn(localDayKey(now)).map((m) => [m.model, m.totals]));
    assert.deepEqual(byModel['emu:emu-ok'], { usd: 0.25, calls: 1, unknownPriceCalls: 0, inputTokens: 1000, outputTokens: 10 });
    assert.deepEqual(byModel['emu:emu-cut'], { usd: 0, calls: 1, unknownPriceCalls: 1, inputTokens: 40, outputTokens: 5 });
  });

  it('skips records whose time cannot be read instead of placing them on a wrong day', () => {
    const tally = new SpendTally(new Date(0));
    tally.add(callRecord({ at: 'not a date', costUsd: 1 }));
    assert.equal(tally.session().calls, 0);
  });

  it('rolls over at midnight without re-reading: the same tally answers for the next day', () => {
    const tally = new SpendTally(new Date(0));
    tally.add(callRecord({ at: localIso(2026, 3, 7, 23, 0), costUsd: 0.25 }));
    assert.equal(tally.today(new Date(2026, 2, 7, 23, 30)).usd, 0.25);
    assert.equal(tally.today(new Date(2026, 2, 8, 0, 1)).usd, 0);
    assert.equal(tally.month(new Date(2026, 2, 8, 0, 1)).usd, 0.25);
  });

  it('month total equals the sum of its day totals for any set of records (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ day: fc.integer({ min: 1, max: 31 }), cents: fc.option(fc.integer({ min: 0, max: 500 })) }), {
          maxLength: 40,
        }),
        (calls) => {
          const tally = new SpendTally(new Date(0));
          for (const c of calls) tally.add(callRecord({ at: localIso(2026, 3, c.day), costUsd: c.cents === null ? null : c.cents / 100 }));
          const end = new Date(2026, 2, 31, 12);
          const days = lastDayKeys(end, 31).map((k) => tally.day(k));
          const sum = days.reduce((s, d) => s + d.usd, 0);
          const month = tally.month(end);
          assert.ok(Math.abs(month.usd - sum) < 1e-9);
          assert.equal(month.calls, calls.length);
          assert.equal(month.unknownPriceCalls, calls.filter((c) => c.cents === null).length);
        },
      ),
    );
  });
});

describe('calendar day keys', () => {
  it('lists consecutive local days, oldest first, across a month boundary', () => {
    assert.deepEqual(lastDayKeys(new Date(2026, 2, 2, 9), 4), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });
});
