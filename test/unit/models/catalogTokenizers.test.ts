import { strict as assert } from 'node:assert';
import { getEncodingNameForModel } from 'js-tiktoken/lite';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { tiktokenEncodingFor, tokenizerRule } from '../../../src/core/models/tokenizerRule';

/** js-tiktoken's own answer (the anchor), or undefined when its model map does not know the id. */
function anchor(id: string): string | undefined {
  try {
    return getEncodingNameForModel(id as Parameters<typeof getEncodingNameForModel>[0]);
  } catch {
    return undefined;
  }
}

describe("catalog tokenizers (js-tiktoken's model map is the anchor)", () => {
  const catalog = new ModelCatalog();
  const openai = catalog.all().filter((m) => m.provider === 'openai');

  it('every OpenAI model in the catalog gets the encoding js-tiktoken gives it; ids it does not know are estimates', () => {
    assert.ok(openai.length > 40, `${openai.length} OpenAI models`);
    let exact = 0;
    for (const model of openai) {
      const expected = anchor(model.id) ?? anchor(model.id.replace(/-\d{4}-\d{2}-\d{2}$/, ''));
      if (expected === 'o200k_base' || expected === 'cl100k_base') {
        assert.deepEqual(model.tokenizer, { kind: 'exact', encoding: expected }, model.ref);
        exact++;
      } else {
        assert.equal(model.tokenizer.kind, 'estimate', `${model.ref}: js-tiktoken does not know it, so it must not claim exact`);
      }
    }
    assert.ok(exact >= 30, `${exact} exact`);
  });

  it('dated ids and fine-tunes: gpt-4o-2024-08-06 is o200k, gpt-4-0613 cl100k, ft:gpt-4o-mini-2024-07-18:org::id o200k', () => {
    assert.deepEqual(catalog.lookup('openai:gpt-4o-2024-08-06')?.tokenizer, { kind: 'exact', encoding: 'o200k_base' });
    assert.deepEqual(catalog.lookup('openai:gpt-4')?.tokenizer, { kind: 'exact', encoding: 'cl100k_base' });
    assert.deepEqual(catalog.lookup('openai:gpt-4-0613')?.tokenizer, { kind: 'exact', encoding: 'cl100k_base' });
    assert.equal(tiktokenEncodingFor('ft:gpt-4o-mini-2024-07-18:my-org::abc123'), 'o200k_base');
    assert.equal(tiktokenEncodingFor('gpt-5.1'), undefined, "not in js-tiktoken's map: no guess");
  });

  it("Azure and OpenRouter's openai/ ids follow the same rule; other providers are estimates", () => {
    assert.deepEqual(tokenizerRule('azure', 'gpt-4o'), { kind: 'exact', encoding: 'o200k_base' });
    assert.deepEqual(tokenizerRule('openrouter', 'openai/gpt-4o'), { kind: 'exact', encoding: 'o200k_base' });
    assert.deepEqual(tokenizerRule('groq', 'openai/gpt-oss-120b'), { kind: 'estimate', encoding: 'o200k_base' });
    assert.deepEqual(tokenizerRule('anthropic', 'claude-sonnet-4-5'), { kind: 'estimate', encoding: 'o200k_base' });
  });
});
