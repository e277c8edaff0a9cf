import { strict as assert } from 'node:assert';
import { buildCostReport, ORIGIN_OTHER_TOOLS, ORIGIN_OURS } from '../../../src/core/cost/costReportData';
import { spendStatusView } from '../../../src/core/cost/spendSummary';
import { SpendTally } from '../../../src/core/cost/spendTally';
import { callRecord, localIso } from './spendRecords';

/** Other tools' calls (received over OTLP) are shown beside ours, never added into our spend or the daily budget. */
describe('spend: ours and other tools side by side', () => {
  const now = new Date(2026, 2, 7, 18, 0);
  const records = [
    callRecord({ at: localIso(2026, 3, 7, 9), costUsd: 0.5 }),
    callRecord({
      at: localIso(2026, 3, 7, 10),
      costUsd: 0.25,
      origin: 'otlp',
      source: 'copilot-chat',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    }),
    callRecord({
      at: localIso(2026, 3, 7, 11),
      costUsd: null,
      origin: 'otlp',
      source: 'copilot-chat',
      provider: 'github',
      model: 'gpt-4.1',
    }),
    callRecord({ at: localIso(2026, 3, 2, 11), costUsd: 0.1, origin: 'otlp', source: 'promptfoo' }),
  ];

  it("the status bar amount and the budget are ours; the tooltip has the other tools' column", () => {
    const tally = new SpendTally(new Date(2026, 2, 7, 0, 0));
    tally.addAll(records);
    assert.equal(tally.today(now).usd, 0.5);
    assert.equal(tally.today(now).calls, 1);
    assert.deepEqual(
      {
        usd: tally.otherToolsToday(now).usd,
        calls: tally.otherToolsToday(now).calls,
        unknown: tally.otherToolsToday(now).unknownPriceCalls,
      },
      { usd: 0.25, calls: 2, unknown: 1 },
    );
    assert.ok(Math.abs(tally.otherToolsMonth(now).usd - 0.35) < 1e-12);
    const view = spendStatusView(tally, now, 0.6);
    assert.equal(view.text, '$(credit-card) $0.50 today');
    assert.equal(view.level, 'warning', '0.50 of 0.60: ours only');
    assert.match(view.tooltip, /\| \| ours \| calls \| other tools \| calls \|/);
    assert.match(view.tooltip, /\| Today \| \$0\.50 \| 1 \| \$0\.25\+ \| 2 \|/);
    assert.match(view.tooltip, /\| This month \| \$0\.50 \| 1 \| \$0\.35\+ \| 3 \|/);
    assert.match(view.tooltip, /Other tools: calls received by the OTLP receiver/);
  });

  it('without other tools the tooltip is as before', () => {
    const tally = new SpendTally(new Date(2026, 2, 7, 0, 0));
    tally.addAll(records.filter((r) => !r.origin));
    assert.doesNotMatch(spendStatusView(tally, now, undefined).tooltip, /other tools/);
  });

  it("the cost report has the split table and labels other tools' sources", () => {
    const report = buildCostReport(records, now, 7);
    assert.deepEqual(
      report.byOrigin.map((r) => [r.key, r.calls, r.unknownPriceCalls]),
      [
        [ORIGIN_OURS, 1, 0],
        [ORIGIN_OTHER_TOOLS, 3, 1],
      ],
    );
    assert.equal(report.todayByOrigin.ours.usd, 0.5);
    assert.equal(report.todayByOrigin.otherTools.calls, 2);
    assert.deepEqual(report.bySource.map((r) => r.key).sort(), ['chat', 'copilot-chat (other tool)', 'promptfoo (other tool)']);
  });
});
