import { strict as assert } from 'node:assert';
import { costOfUsage } from '../../../src/core/cost/pricing';
import type { Usage } from '../../../src/core/providers/usage';
import { ModelCatalog } from '../../../src/core/models/catalog';
import type { ModelInfo } from '../../../src/core/models/modelInfo';

/** Prices come from the generated catalog (LiteLLM's table of 2026-07-24); each test writes the bill out by hand. */
const catalog = new ModelCatalog();
const model = (ref: string) => {
  const info = catalog.lookup(ref);
  assert.ok(info, `${ref} is in the catalog`);
  return info;
};
const usage = (input: Usage['input'], output: Usage['output']): Usage => ({ input, output, source: 'provider' });
const near = (actual: number | null, expected: number) => {
  assert.ok(actual !== null, 'a price is known');
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
};

describe('cost arithmetic (hand calculations against the catalog)', () => {
  it('OpenAI gpt-4o: cached input at half price', () => {
    // $2.50/M input, $1.25/M cached, $10/M output. 10,000 input of which 6,000 cached, 200 output:
    // 4,000 × 2.50 + 6,000 × 1.25 + 200 × 10 = 10,000 + 7,500 + 2,000 = 19,500 µ$ = $0.0195
    near(costOfUsage(model('openai:gpt-4o'), usage({ total: 10_000, cacheRead: 6000 }, { total: 200 })), 0.0195);
  });

  it('Anthropic claude-sonnet-4-5: cache reads, 5-minute and 1-hour cache writes each at their own rate', () => {
    // $3/M input, $0.30/M read, $3.75/M 5-minute write, $6/M 1-hour write, $15/M output.
    // 50,000 input = 10,000 uncached + 20,000 read + 20,000 written (15,000 to the 1-hour cache), 2,000 output:
    // 10,000 × 3 + 20,000 × 0.30 + 5,000 × 3.75 + 15,000 × 6 + 2,000 × 15 = 30,000 + 6,000 + 18,750 + 90,000 + 30,000 µ$ = $0.17475
    const claude = model('anthropic:claude-sonnet-4-5');
    const bill = usage({ total: 50_000, cacheRead: 20_000, cacheWrite: 20_000, cacheWrite1h: 15_000 }, { total: 2000 });
    near(costOfUsage(claude, bill), 0.17475);
    // Billed as 5-minute writes (the old behaviour) it would be 20,000 × 3.75 = 75,000 instead of 108,750 µ$: $0.141, 19% low.
    near(costOfUsage(claude, usage({ total: 50_000, cacheRead: 20_000, cacheWrite: 20_000 }, { total: 2000 })), 0.141);
  });

  it('Gemini 2.5 Pro: cached input (the bill says $0.045, not $0.135)', () => {
    // $1.25/M input, $0.125/M cached, $10/M output. 100,000 input of which 80,000 cached, 1,000 output:
    // 20,000 × 1.25 + 80,000 × 0.125 + 1,000 × 10 = 25,000 + 10,000 + 10,000 µ$ = $0.045
    near(costOfUsage(model('gemini:gemini-2.5-pro'), usage({ total: 100_000, cacheRead: 80_000 }, { total: 1000 })), 0.045);
  });

  it('Gemini 2.5 Pro above 200,000 input tokens: the tier prices the whole call, cache reads included', () => {
    // Above 200K: $2.50/M input, $0.25/M cached, $15/M output. 250,000 input of which 50,000 cached, 1,000 output:
    // 200,000 × 2.50 + 50,000 × 0.25 + 1,000 × 15 = 500,000 + 12,500 + 15,000 µ$ = $0.5275
    near(costOfUsage(model('gemini:gemini-2.5-pro'), usage({ total: 250_000, cacheRead: 50_000 }, { total: 1000 })), 0.5275);
    // Exactly 200,000 is not above: 200,000 × 1.25 + 1,000 × 10 = 260,000 µ$
    near(costOfUsage(model('gemini:gemini-2.5-pro'), usage({ total: 200_000 }, { total: 1000 })), 0.26);
  });

  it('Anthropic above 200,000 input tokens: the tier has its own 1-hour write price', () => {
    // claude-sonnet-4-5 above 200K: $6/M input, $22.50/M output, $12/M 1-hour write.
    // 210,000 input = 200,000 uncached + 10,000 written to the 1-hour cache, 1,000 output:
    // 200,000 × 6 + 10,000 × 12 + 1,000 × 22.50 = 1,200,000 + 120,000 + 22,500 µ$ = $1.3425
    near(
      costOfUsage(
        model('anthropic:claude-sonnet-4-5'),
        usage({ total: 210_000, cacheWrite: 10_000, cacheWrite1h: 10_000 }, { total: 1000 }),
      ),
      1.3425,
    );
  });

  it('DeepSeek: cache hits at a tenth of the input price', () => {
    // deepseek-chat: $0.28/M input, $0.028/M cache hit, $0.42/M output. 10,000 input (8,000 hits), 1,000 output:
    // 2,000 × 0.28 + 8,000 × 0.028 + 1,000 × 0.42 = 560 + 224 + 420 µ$ = $0.001204
    near(costOfUsage(model('deepseek:deepseek-chat'), usage({ total: 10_000, cacheRead: 8000 }, { total: 1000 })), 0.001204);
  });

  it('OpenAI o3 at $2/$8 (was $10/$40): reasoning tokens are output tokens', () => {
    // 1,000 input, 1,000 output of which 800 reasoning: 1,000 × 2 + 1,000 × 8 = 10,000 µ$ = $0.01
    near(costOfUsage(model('openai:o3'), usage({ total: 1000 }, { total: 1000, reasoning: 800 })), 0.01);
  });

  it('reasoning billed at its own rate where a model has one', () => {
    const priced: ModelInfo = {
      ...model('openai:o3'),
      price: { input: 1e-6, output: 4e-6, reasoning: 2e-6 },
    };
    // 1,000 input × 1 + 400 answer tokens × 4 + 600 reasoning × 2 = 1,000 + 1,600 + 1,200 µ$ = $0.0038
    near(costOfUsage(priced, usage({ total: 1000 }, { total: 1000, reasoning: 600 })), 0.0038);
  });

  it('an unknown price is unknown, never $0', () => {
    assert.equal(costOfUsage(undefined, usage({ total: 1000 }, { total: 10 })), null);
    assert.equal(
      costOfUsage(model('ollama:gpt-oss:120b-cloud'), usage({ total: 1000 }, { total: 10 })),
      null,
      'Ollama Cloud is billed by ollama.com',
    );
    // 1-hour writes on a model with no 1-hour price: billing them as 5-minute writes would be a confident wrong number.
    const no1h: ModelInfo = { ...model('openai:gpt-4o'), price: { input: 3e-6, output: 15e-6, cacheWrite: 3.75e-6 } };
    assert.equal(costOfUsage(no1h, usage({ total: 1000, cacheWrite: 500, cacheWrite1h: 500 }, { total: 10 })), null);
  });

  it('local models cost $0: Ollama models (in the table or not), and `local: true` overrides', () => {
    assert.equal(costOfUsage(model('ollama:llama3.1'), usage({ total: 5000 }, { total: 500 })), 0);
    assert.equal(
      costOfUsage(model('ollama:qwen3:30b-a3b'), usage({ total: 5000 }, { total: 500 })),
      0,
      'installed, not in the table: $0 by rule',
    );
    const withOverride = new ModelCatalog([{ ref: 'vllm:my-model', local: true }]);
    assert.equal(costOfUsage(withOverride.lookup('vllm:my-model'), usage({ total: 5000 }, { total: 500 })), 0);
  });
});
