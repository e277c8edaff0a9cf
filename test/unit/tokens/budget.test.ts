import { strict as assert } from 'node:assert';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { DEFAULT_BUCKET_TEMPLATE, evaluateBudget, UNKNOWN_MODEL_CONTEXT_WINDOW } from '../../../src/core/tokens/budget';

const catalog = new ModelCatalog();
const gpt4o = catalog.lookup('openai:gpt-4o')!;
const gpt5 = catalog.lookup('openai:gpt-5')!;
/** Gemini documents separate input and output limits: the prompt alone is measured against the input limit. */
const geminiPro = catalog.lookup('gemini:gemini-2.5-pro')!;
/** A window that prompt and answer share: an Ollama server's num_ctx. */
const llama = { ref: 'ollama:llama3.1:8b', displayName: 'Llama 3.1 8B', maxInputTokens: 8192, maxOutput: 8192, combinedWindow: 8192 };

describe('evaluateBudget', () => {
  it('is ok well inside the input limit and reports the numbers behind it', () => {
    assert.equal(geminiPro.maxInputTokens, 1_048_576);
    assert.equal(geminiPro.maxOutput, 65_535);
    assert.equal(geminiPro.combinedWindow, undefined);
    const report = evaluateBudget({ model: geminiPro, promptTokens: 4000, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'ok');
    assert.equal(report.limitKind, 'input');
    assert.equal(report.used, 4000, 'the prompt is measured against the input limit; the reserve against the output limit');
    assert.equal(report.contextWindow, 1_048_576);
    assert.equal(report.remaining, 1_044_576);
    assert.equal(report.share, 4000 / 1_048_576);
    assert.match(
      report.message,
      /4,000 prompt tokens of Gemini 2\.5 Pro's 1,048,576-token input limit \(0\.4%\): 1,044,576 tokens left\. The 1,000-token output reserve is checked against its 65,535-token output limit\./,
    );
  });

  it('GPT-4o: prompt and answer share its 128,000-token window, as OpenAI checks it (prompt + max_tokens)', () => {
    assert.equal(gpt4o.maxInputTokens, 128_000);
    assert.equal(gpt4o.maxOutput, 16_384);
    assert.equal(gpt4o.combinedWindow, 128_000);
    const ok = evaluateBudget({ model: gpt4o, promptTokens: 4000, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(ok.limitKind, 'combined');
    assert.equal(ok.used, 5000);
    assert.equal(ok.remaining, 123_000);
    // 125,000 + 4,000 reserved is the call OpenAI rejects ("125000 in the messages, 4000 in the completion").
    assert.equal(evaluateBudget({ model: gpt4o, promptTokens: 125_000, outputReserve: 4000, warnThreshold: 0.8 }).verdict, 'over');
  });

  it('warns past the threshold and says what to do', () => {
    const report = evaluateBudget({ model: gpt4o, promptTokens: 103_000, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'warn');
    // 103,000 + 1,000 of 128,000 shared: 24,000 left.
    assert.match(report.message, /past the 80% warning threshold, 24,000 tokens left/);
    assert.match(report.message, /Trim context/);
  });

  it('GPT-5: 272,000 input / 128,000 output — a 300,000-token prompt is over, whatever its 400,000 "window" says', () => {
    assert.equal(gpt5.maxInputTokens, 272_000);
    assert.equal(gpt5.maxOutput, 128_000);
    const over = evaluateBudget({ model: gpt5, promptTokens: 300_000, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(over.verdict, 'over');
    assert.equal(over.remaining, -28_000);
    assert.match(
      over.message,
      /300,000 prompt tokens of GPT-5's 272,000-token input limit \(110%\): 28,000 tokens over\. Cut at least 28,000 tokens/,
    );
    // The reserve does not eat into the input limit: 270,000 + 100,000 reserved is within both limits.
    assert.notEqual(evaluateBudget({ model: gpt5, promptTokens: 270_000, outputReserve: 100_000, warnThreshold: 0.8 }).verdict, 'over');
    assert.notEqual(
      evaluateBudget({ model: gpt5, promptTokens: 272_000, outputReserve: 1000, warnThreshold: 0.8 }).verdict,
      'over',
      'exactly full is not over',
    );
  });

  it('is over when the output reserve exceeds the output limit, and says so', () => {
    const report = evaluateBudget({ model: gpt4o, promptTokens: 1000, outputReserve: 20_000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'over');
    assert.match(
      report.message,
      /20,000 tokens reserved for the answer exceed GPT-4o's 16,384-token output limit: lower the output reserve to at most 16,384/,
    );
  });

  it('a combined window (Ollama num_ctx) counts prompt + reserve, even if the prompt alone fits', () => {
    const report = evaluateBudget({ model: llama, promptTokens: 7700, outputReserve: 1000, warnThreshold: 0.8 });
    assert.equal(report.verdict, 'over');
    assert.equal(report.limitKind, 'combined');
    assert.equal(report.remaining, -508);
    assert.match(
      report.message,
      /7,700 prompt \+ 1,000 reserved output = 8,700 of Llama 3\.1 8B's 8,192-token window \(106%\): 508 tokens over\. Cut at least 508 tokens .*lower the output reserve/,
    );
    assert.equal(
      evaluateBudget({ model: llama, promptTokens: 7192, outputReserve: 1000, warnThreshold: 0.8 }).verdict,
      'warn',
      'exactly full is not over',
    );
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
    assert.deepEqual(
      report.sections.map((s) => s.verdict),
      ['warn', 'over', 'over', 'ok', 'ok'],
    );
    assert.match(report.sections[1].message, /Retrieved context: 2,200 tokens in 2 sections of its 2,000-token budget \(110%\), 200 over/);
    assert.match(report.sections[0].message, /close to its limit, 50 left/);
    assert.match(report.sections[4].message, /no limit set/);
    assert.deepEqual(
      report.buckets.map((b) => [b.bucket, b.tokens, b.verdict]),
      [
        ['system', 450, 'warn'],
        ['context', 2200, 'over'],
        ['user', 100, 'ok'],
      ],
    );
  });

  it('exports the seeds/001 template (~5,000 tokens)', () => {
    assert.deepEqual(DEFAULT_BUCKET_TEMPLATE, { system: 500, context: 2000, history: 1000, user: 500, output: 1000 });
  });
});
