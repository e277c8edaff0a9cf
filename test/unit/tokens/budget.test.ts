import { strict as assert } from 'node:assert';
import { BUILTIN_MODELS } from '../../../src/core/models/builtinModels';
import { DEFAULT_BUCKET_TEMPLATE, evaluateBudget, UNKNOWN_MODEL_CONTEXT_WINDOW } from '../../../src/core/tokens/budget';

const gpt4o = BUILTIN_MODELS.find((m) => m.ref === 'openai:gpt-4o')!;

describe('evaluateBudget', () => {
  it('is ok well inside the window and reports the numbers behind it', () => {
    const report = evaluateBudget({ model: gpt4o, promptTokens: 4000, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'ok');
    assert.equal(report.used, 5000);
    assert.equal(report.contextWindow, 128_000);
    assert.equal(report.remaining, 123_000);
    assert.equal(report.share, 5000 / 128_000);
    assert.match(report.message, /4,000 prompt \+ 1,000 reserved output = 5,000 of GPT-4o's 128,000-token window \(3\.9%\): 123,000 tokens left/);
  });

  it('warns past the threshold and says what to do', () => {
    const report = evaluateBudget({ model: gpt4o, promptTokens: 102_000, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'warn');
    assert.match(report.message, /past the 80% warning threshold, 25,000 tokens left/);
    assert.match(report.message, /Trim context/);
  });

  it('is over when prompt + output reserve exceed the window, even if the prompt alone fits', () => {
    const report = evaluateBudget({ model: gpt4o, promptTokens: 127_500, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'over');
    assert.equal(report.remaining, -500);
    assert.match(report.message, /500 tokens over\. Cut at least 500 tokens/);
    assert.equal(evaluateBudget({ model: gpt4o, promptTokens: 127_000, outputReserve: 1000, warnThreshold: 0.8 }).verdict, 'warn', 'exactly full is not over');
  });

  it('budgets an unknown model against a stated default window', () => {
    const report = evaluateBudget({ model: undefined, promptTokens: 9000, outputReserve: 0, warnThreshold: 0.8 });
    assert.equal(report.contextWindow, UNKNOWN_MODEL_CONTEXT_WINDOW);
    assert.equal(report.verdict, 'over');
  });

  it('checks sections against their bucket limit, summing sections of one bucket', () => {
    const report = evaluateBudget({
      model: gpt4o,
      promptTokens: 4000,
      outputReserve: 1000,
      warnThreshold: 0.8,
      sections: [
        { heading: 'System', bucket: 'system', tokens: 450, limit: 500 },
        { heading: 'Context', bucket: 'context', tokens: 1500, limit: 2000 },
        { heading: 'More context', bucket: 'context', tokens: 700, limit: 2000 },
        { heading: 'User', bucket: 'user', tokens: 100, limit: 500 },
        { heading: 'Notes', tokens: 50 },
      ],
    });
    assert.deepEqual(report.sections.map((s) => s.verdict), ['warn', 'over', 'over', 'ok', 'ok']);
    assert.match(report.sections[1].message, /Retrieved context: 2,200 tokens in 2 sections of its 2,000-token budget \(110%\), 200 over/);
    assert.match(report.sections[0].message, /close to its limit, 50 left/);
    assert.match(report.sections[4].message, /no limit set/);
    assert.deepEqual(report.buckets.map((b) => [b.bucket, b.tokens, b.verdict]), [['system', 450, 'warn'], ['context', 2200, 'over'], ['user', 100, 'ok']]);
  });

  it('exports the seeds/001 template (~5,000 tokens)', () => {
    assert.deepEqual(DEFAULT_BUCKET_TEMPLATE, { system: 500, context: 2000, history: 1000, user: 500, output: 1000 });
  });
});
