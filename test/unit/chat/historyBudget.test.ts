import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChatMessage } from '../../../src/core/providers/chat';
import { droppedHistoryNotice, fitHistory, MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS } from '../../../src/core/chat/historyBudget';

/** A window that prompt and answer share (an Ollama server's num_ctx). */
const shared = (tokens: number) => ({ maxInputTokens: tokens, maxOutput: tokens, combinedWindow: tokens });

/** One token per word: easy to reason about in expectations. */
const words = (text: string) => (text.trim() ? text.trim().split(/\s+/).length : 0);
const msg = (role: 'user' | 'assistant', n: number): ChatMessage => ({ role, content: Array(n).fill('w').join(' ') });

describe('history budget', () => {
  it('keeps the whole history when it fits, and counts system + history + message + framing + reserve', () => {
    const history = [msg('user', 10), msg('assistant', 20)];
    const fit = fitHistory({
      system: 'be brief',
      history,
      message: msg('user', 5),
      limits: shared(1000),
      outputReserve: 100,
      count: words,
    });
    const expectedInput = 2 + 10 + 20 + 5 + 4 * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMING_TOKENS;
    assert.equal(fit.dropped, 0);
    assert.equal(fit.messages.length, 3);
    assert.equal(fit.inputTokens, expectedInput);
    assert.equal(fit.check.used, expectedInput + 100);
    assert.equal(fit.overflow, false);
  });

  it('drops the oldest exchanges first, whole exchanges at a time', () => {
    const history = [msg('user', 100), msg('assistant', 100), msg('user', 10), msg('assistant', 10)];
    const fit = fitHistory({ system: '', history, message: msg('user', 5), limits: shared(200), outputReserve: 100, count: words });
    assert.equal(fit.dropped, 2);
    assert.deepEqual(
      fit.messages.map((m) => m.content.split(' ').length),
      [10, 10, 5],
    );
    assert.equal(fit.messages[0].role, 'user');
    assert.ok(fit.check.used <= 200);
  });

  it('never keeps an older exchange after skipping a newer one (the kept history is a recent tail)', () => {
    const history = [msg('user', 1), msg('assistant', 1), msg('user', 500), msg('assistant', 1), msg('user', 1), msg('assistant', 1)];
    const fit = fitHistory({ system: '', history, message: msg('user', 1), limits: shared(120), outputReserve: 50, count: words });
    assert.equal(fit.dropped, 4);
    assert.equal(fit.messages.length, 3);
  });

  it('reports overflow when the message and reserve alone exceed the window', () => {
    const fit = fitHistory({
      system: '',
      history: [msg('user', 1), msg('assistant', 1)],
      message: msg('user', 500),
      limits: shared(300),
      outputReserve: 10,
      count: words,
    });
    assert.equal(fit.overflow, true);
    assert.equal(fit.dropped, 2);
  });

  it('property: the result fits whenever it does not overflow, and dropped + kept = history', () => {
    const arbHistory = fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 })), { maxLength: 12 });
    fc.assert(
      fc.property(
        arbHistory,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 50, max: 4000 }),
        fc.integer({ min: 0, max: 500 }),
        (pairs, messageSize, window, reserve) => {
          const history = pairs.flatMap(([u, a]) => [msg('user', u), msg('assistant', a)]);
          const fit = fitHistory({
            system: 'sys',
            history,
            message: msg('user', messageSize),
            limits: shared(window),
            outputReserve: reserve,
            count: words,
          });
          assert.equal(fit.dropped + fit.messages.length - 1, history.length);
          if (!fit.overflow) assert.ok(fit.check.used <= window, `${fit.check.used} > ${window}`);
          // Kept history is the newest messages, in order.
          assert.deepEqual(fit.messages.slice(0, -1), history.slice(fit.dropped));
        },
      ),
    );
  });

  it('windows are input limits: the reserve does not eat into an input limit, only into a shared window', () => {
    // GPT-5: 272,000 input / 128,000 output. 270,000 prompt tokens + a 100,000 reserve is fine.
    const gpt5 = { maxInputTokens: 272_000, maxOutput: 128_000 };
    const history = [msg('user', 100_000), msg('assistant', 100_000), msg('user', 60_000), msg('assistant', 10_000)];
    const fit = fitHistory({ system: '', history, message: msg('user', 5), limits: gpt5, outputReserve: 100_000, count: words });
    assert.equal(fit.dropped, 0, 'prompt of ~270,000 fits the 272,000 input limit whatever the reserve');
    assert.equal(fit.check.limitKind, 'input');
    assert.equal(fit.check.used, fit.inputTokens);
    assert.equal(fit.overflow, false);
    // The same history against a 272,000 window shared with the reserve must drop the oldest exchange.
    const sharedFit = fitHistory({
      system: '',
      history,
      message: msg('user', 5),
      limits: shared(272_000),
      outputReserve: 100_000,
      count: words,
    });
    assert.equal(sharedFit.dropped, 2);
    // A reserve past the output limit cannot be sent at all.
    assert.equal(
      fitHistory({ system: '', history: [], message: msg('user', 5), limits: gpt5, outputReserve: 200_000, count: words }).overflow,
      true,
    );
  });

  it('says how many messages were left out and why', () => {
    assert.equal(
      droppedHistoryNotice(1, { limit: 4096, limitKind: 'combined' }, 'ollama:llama3.1:8b'),
      "1 earlier message was left out of this request to fit ollama:llama3.1:8b's 4,096-token window.",
    );
    assert.match(
      droppedHistoryNotice(4, { limit: 272000, limitKind: 'input' }, 'openai:gpt-5'),
      /^4 earlier messages were left out .*272,000-token input limit\.$/,
    );
  });
});
