import { strict as assert } from 'node:assert';
import { formatSpendUsd, formatTotals, spendStatusView } from '../../../src/core/cost/spendSummary';
import { SpendTally, emptyTotals } from '../../../src/core/cost/spendTally';
import { callRecord, localIso } from './spendRecords';

describe('spend status view', () => {
  const now = new Date(2026, 2, 7, 15, 0);

  it('shows today in the status bar text the way the issue writes it', () => {
    const tally = new SpendTally(new Date(0));
    tally.add(callRecord({ at: localIso(2026, 3, 7), costUsd: 0.3 }));
    tally.add(callRecord({ at: localIso(2026, 3, 7), costUsd: 0.12 }));
    assert.equal(spendStatusView(tally, now, undefined).text, '$(credit-card) $0.42 today');
  });

  it('tooltip has window, today, month, the budget share and top models; unknown prices are named', () => {
    const tally = new SpendTally(new Date(2026, 2, 7, 12));
    tally.add(callRecord({ at: localIso(2026, 3, 1), costUsd: 2 }));
    tally.add(callRecord({ at: localIso(2026, 3, 7, 9), costUsd: 0.5, provider: 'anthropic', model: 'claude-haiku-4-5' }));
    tally.add(callRecord({ at: localIso(2026, 3, 7, 13), costUsd: 0.35 }));
    tally.add(callRecord({ at: localIso(2026, 3, 7, 14), costUsd: null, provider: 'ollama', model: 'llama3.1:8b' }));
    const view = spendStatusView(tally, now, 1);
    assert.equal(view.text, '$(credit-card) $0.85+ today');
    assert.equal(view.level, 'warning');
    assert.match(view.tooltip, /\| This window \| \$0\.35\+ \| 2 \|/);
    assert.match(view.tooltip, /\| Today \| \$0\.85\+ \| 3 \|/);
    assert.match(view.tooltip, /\| This month \| \$2\.85\+ \| 4 \|/);
    assert.match(view.tooltip, /Daily budget: \$0\.85 of \$1\.00 \(85%\)/);
    const order = ['anthropic:claude-haiku-4-5', 'openai:gpt-4o-mini', 'ollama:llama3.1:8b'].map((m) => view.tooltip.indexOf(m));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.match(view.tooltip, /ollama:llama3\.1:8b: unknown · 1 call \(1 call with unknown price\)/);
    assert.match(view.tooltip, /1 call today had no known price/);
  });

  it('turns to exceeded at the limit', () => {
    const tally = new SpendTally(new Date(0));
    tally.add(callRecord({ at: localIso(2026, 3, 7), costUsd: 1.01 }));
    assert.equal(spendStatusView(tally, now, 1).level, 'exceeded');
  });

  it('formats small amounts with significant digits and never shows unknown as $0', () => {
    assert.equal(formatSpendUsd(0), '$0.00');
    assert.equal(formatSpendUsd(0.0004), '$0.0004');
    assert.equal(formatSpendUsd(0.00123), '$0.0012');
    assert.equal(formatSpendUsd(1234.5), '$1,234.50');
    assert.equal(formatTotals({ ...emptyTotals(), calls: 2, unknownPriceCalls: 2 }), 'unknown');
  });
});
