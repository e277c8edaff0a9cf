import { strict as assert } from 'node:assert';
import { formatUsd } from '../../../src/core/cost/pricing';
import { ModelCatalog } from '../../../src/core/models/catalog';
import type { ModelInfo } from '../../../src/core/models/modelInfo';
import { costTable } from '../../../src/core/cost/promptCost';

const catalog = new ModelCatalog();
const model = (ref: string) => catalog.lookup(ref)!;

describe('costTable', () => {
  it('prices one call and a month per model (seeds/001 formula)', () => {
    const [row] = costTable(5000, 1000, [model('openai:gpt-4o')], 1000);
    // GPT-4o: $2.50 / 1M input, $10 / 1M output.
    assert.ok(Math.abs(row.perCall! - (5000 * 2.5 + 1000 * 10) / 1e6) < 1e-12);
    assert.ok(Math.abs(row.monthly! - row.perCall! * 1000 * 30) < 1e-9);
    assert.equal(row.exact, true);
    assert.equal(row.inputTokens, 5000);
  });

  it('keeps an unknown price unknown, never $0', () => {
    const unpriced: ModelInfo = {
      ref: 'vllm:my-model',
      provider: 'vllm',
      id: 'my-model',
      displayName: 'My model',
      maxInputTokens: 8192,
      maxOutput: 1024,
      tokenizer: { kind: 'estimate', encoding: 'o200k_base' },
    };
    const [row] = costTable(5000, 1000, [unpriced], 100);
    assert.equal(row.perCall, null);
    assert.equal(row.monthly, null);
    assert.equal(formatUsd(row.perCall), 'unknown');
  });

  it('marks estimates: Claude (no public tokenizer) and models counted with another encoding', () => {
    const rows = costTable(1200, 0, [model('openai:gpt-4o'), model('anthropic:claude-sonnet-4-5'), model('openai:gpt-4-turbo')], 10);
    assert.deepEqual(
      rows.map((r) => r.exact),
      [true, false, false],
    );
  });

  it('uses each model its own encoding count when several are given', () => {
    const rows = costTable({ o200k_base: 1000, cl100k_base: 1100 }, 0, [model('openai:gpt-4o'), model('openai:gpt-4-turbo')], 10);
    assert.deepEqual(
      rows.map((r) => [r.inputTokens, r.exact]),
      [
        [1000, true],
        [1100, true],
      ],
    );
  });
});
