import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { RetryBudget } from '../../../src/core/gateway/retryPolicy';
import { DEFAULT_RESILIENCE, type ResilienceSettings } from '../../../src/core/config/resilienceSettings';
import { ProviderError, type ErrorKind } from '../../../src/core/providers/providerError';
import { parseRetryAfterMs } from '../../../src/core/providers/retryAfter';

const settings = (over: Partial<ResilienceSettings> = {}): ResilienceSettings => ({ ...DEFAULT_RESILIENCE, ...over });
const error = (kind: ErrorKind, retryAfterMs?: number, status?: number) => new ProviderError({ kind, message: kind, retryAfterMs, status });

describe('retry policy', () => {
  it('never retries quota, auth, bad_request, context_overflow, aborted or invalid_output', () => {
    for (const kind of ['quota', 'auth', 'bad_request', 'context_overflow', 'aborted', 'invalid_output'] as const) {
      const decision = new RetryBudget(settings(), () => 0.5).decide(error(kind), 1);
      assert.equal(decision.retry, false, kind);
    }
  });

  it('retries rate limits, overload, server errors, timeouts, network errors and broken-off answers', () => {
    for (const kind of ['rate_limit', 'overloaded', 'server', 'timeout', 'network', 'incomplete'] as const) {
      assert.equal(new RetryBudget(settings(), () => 0.5).decide(error(kind), 1).retry, true, kind);
    }
  });

  it('stops after maxAttempts on one model, and a new model starts over', () => {
    const budget = new RetryBudget(settings({ maxAttempts: 3 }), () => 0);
    assert.equal(budget.decide(error('server'), 1).retry, true);
    assert.equal(budget.decide(error('server'), 2).retry, true);
    const last = budget.decide(error('server', undefined, 500), 3);
    assert.deepEqual(last, { retry: false, because: 'server error (500) after 3 attempts' });
    budget.startModel();
    assert.equal(budget.decide(error('server'), 1).retry, true);
  });

  it('honours Retry-After exactly instead of its own backoff', () => {
    const decision = new RetryBudget(settings(), () => 0.99).decide(error('rate_limit', 2_500), 1);
    assert.deepEqual(decision, { retry: true, delayMs: 2_500, basis: 'retry-after' });
  });

  it('goes to the fallback when Retry-After exceeds what is left of the cap', () => {
    const budget = new RetryBudget(settings({ maxTotalWaitMs: 10_000 }), () => 0.5);
    budget.waitedFor(4_000);
    const decision = budget.decide(error('rate_limit', 7_000, 429), 1);
    assert.equal(decision.retry, false);
    assert.match(
      (decision as { because: string }).because,
      /rate limited \(429\): the provider asked to wait 7 s, more than the 6 s left of the 10 s retry cap/,
    );
    assert.equal(budget.decide(error('rate_limit', 6_000), 1).retry, true, 'exactly the rest of the cap still fits');
  });

  it('backoff doubles per retry with equal jitter: each delay within [d/2, d], d capped at maxDelayMs', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 6, maxLength: 6 }), (randoms) => {
        let i = 0;
        const s = settings({ initialDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 10, maxTotalWaitMs: 1e9 });
        const budget = new RetryBudget(s, () => randoms[i++]);
        const ceilings = [100, 200, 400, 800, 1_000, 1_000];
        ceilings.forEach((ceiling, attempt) => {
          const decision = budget.decide(error('server'), attempt + 1);
          assert.ok(decision.retry);
          assert.ok(
            decision.delayMs >= ceiling / 2 && decision.delayMs <= ceiling,
            `attempt ${attempt + 1}: ${decision.delayMs} not in [${ceiling / 2}, ${ceiling}]`,
          );
          assert.equal(decision.basis, 'backoff');
        });
      }),
    );
  });

  it('jitter spreads delays: two random sources give different waits', () => {
    const low = new RetryBudget(settings({ initialDelayMs: 1_000 }), () => 0).decide(error('server'), 1);
    const high = new RetryBudget(settings({ initialDelayMs: 1_000 }), () => 0.999).decide(error('server'), 1);
    assert.ok(low.retry && high.retry);
    assert.equal(low.delayMs, 500);
    assert.equal(high.delayMs, 1_000);
  });

  it('stops when the next backoff would pass the total-wait cap', () => {
    const budget = new RetryBudget(settings({ initialDelayMs: 1_000, maxTotalWaitMs: 1_200, maxAttempts: 10 }), () => 0.999);
    const first = budget.decide(error('overloaded'), 1);
    assert.ok(first.retry);
    budget.waitedFor(first.delayMs);
    const second = budget.decide(error('overloaded', undefined, 529), 2);
    assert.equal(second.retry, false);
    assert.match((second as { because: string }).because, /overloaded \(529\): the next retry would pass the 1.2 s retry cap/);
  });
});

describe('Retry-After as the adapters read it, feeding the policy', () => {
  const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });
  it('retry-after-ms wins over retry-after', () => {
    assert.equal(parseRetryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '30' })), 1_500);
    assert.equal(parseRetryAfterMs(headers({ 'retry-after': '30' })), 30_000);
    const decision = new RetryBudget(settings(), () => 0).decide(
      error('rate_limit', parseRetryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '60' }))),
      1,
    );
    assert.deepEqual(decision, { retry: true, delayMs: 1_500, basis: 'retry-after' });
  });
});
