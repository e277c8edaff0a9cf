import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { formatAxisUsd, layoutBarChart, niceCeiling } from '../../../media/costReport/barChartLayout';

describe('spend chart layout', () => {
  it('rounds the axis top up to 1/2/2.5/5 steps', () => {
    assert.equal(niceCeiling(0.42), 0.5);
    assert.equal(niceCeiling(0.0004), 0.0005);
    assert.equal(niceCeiling(1), 1);
    assert.equal(niceCeiling(1.01), 2);
    assert.equal(niceCeiling(2.2), 2.5);
    assert.equal(niceCeiling(0), 1);
  });

  it('axis labels tell every tick apart', () => {
    const layout = layoutBarChart([{ label: 'a', value: 0.0173 }], { width: 300, height: 200 });
    const labels = layout.ticks.map((t) => formatAxisUsd(t.value));
    assert.deepEqual(labels, ['$0', '$0.005', '$0.01', '$0.015', '$0.02']);
    assert.equal(new Set(labels).size, labels.length);
    assert.equal(formatAxisUsd(1250), '$1,250');
  });

  it('bar heights are proportional to values and sit on the baseline', () => {
    const layout = layoutBarChart(
      [
        { label: 'a', value: 0.25 },
        { label: 'b', value: 0.5 },
        { label: 'c', value: 0 },
      ],
      { width: 300, height: 200 },
    );
    const [a, b, c] = layout.bars;
    assert.equal(layout.max, 0.5);
    assert.ok(Math.abs(b.height - 2 * a.height) < 1e-9);
    assert.equal(c.height, 0);
    for (const bar of layout.bars) assert.ok(Math.abs(bar.y + bar.height - layout.plot.bottom) < 1e-9);
    assert.ok(a.x < b.x && b.x < c.x);
  });

  it('the budget line is inside the plot even when it is above every bar', () => {
    const layout = layoutBarChart([{ label: 'a', value: 0.1 }], { width: 300, height: 200, limit: 2 });
    assert.equal(layout.max, 2);
    assert.equal(layout.limitY, layout.plot.top);
  });

  it('every bar fits inside the plot for any data (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 120 }), (values) => {
        const layout = layoutBarChart(
          values.map((value, i) => ({ label: String(i), value })),
          { width: 720, height: 220 },
        );
        for (const bar of layout.bars) {
          assert.ok(bar.y >= layout.plot.top - 1e-9 && bar.y + bar.height <= layout.plot.bottom + 1e-9);
          assert.ok(bar.x >= layout.plot.left && bar.x + bar.width <= layout.plot.right + 1e-9);
        }
        assert.ok(Math.ceil(values.length / layout.labelEvery) <= 10);
      }),
    );
  });
});
