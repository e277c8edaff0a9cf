import { strict as assert } from 'node:assert';
import { budgetLevel, checkDailyBudget } from '../../../src/core/cost/dailyBudget';

describe('daily budget', () => {
  it('colours: ok below 80%, warning from 80%, exceeded from 100%, none without a limit', () => {
    assert.equal(budgetLevel(0.79, 1), 'ok');
    assert.equal(budgetLevel(0.8, 1), 'warning');
    assert.equal(budgetLevel(0.99, 1), 'warning');
    assert.equal(budgetLevel(1, 1), 'exceeded');
    assert.equal(budgetLevel(5, undefined), 'none');
    assert.equal(budgetLevel(5, 0), 'none');
  });

  it('asks for confirmation only when the estimate would cross the limit', () => {
    assert.equal(checkDailyBudget(0.5, 0.4, 1).needsConfirmation, false);
    const over = checkDailyBudget(0.5, 0.6, 1);
    assert.equal(over.needsConfirmation, true);
    assert.ok(Math.abs(over.projectedUsd - 1.1) < 1e-12);
    assert.match(over.reason, /\$1\.10.*daily budget of \$1\.00/);
  });

  it('an unknown estimate asks only once the limit is already reached', () => {
    assert.equal(checkDailyBudget(0.9, null, 1).needsConfirmation, false);
    assert.equal(checkDailyBudget(1, null, 1).needsConfirmation, true);
  });

  it('never asks without a limit', () => {
    assert.equal(checkDailyBudget(100, 100, undefined).needsConfirmation, false);
  });
});
