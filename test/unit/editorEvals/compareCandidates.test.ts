import { strict as assert } from 'node:assert';
import { compareCandidates } from '../../../src/core/evals/editor/compareCandidates';
import { ModelCatalog } from '../../../src/core/models/catalog';

describe('compare candidates', () => {
  const catalog = new ModelCatalog([{ ref: 'ollama:llama3.1:8b', inputPerMTok: 0, outputPerMTok: 0 }]);
  const candidates = compareCandidates({
    fileProviders: ['openai:gpt-4o', 'custom:my-model'],
    routedModels: ['openai:gpt-4o-mini', 'openai:gpt-4o'],
    catalog: catalog.all(),
    configuredProviderIds: ['openai', 'ollama'],
    lookup: (ref) => catalog.lookup(ref),
  });

  it('lists the file providers first and preselected, then routes, then the configured providers catalog', () => {
    assert.deepEqual(
      candidates.slice(0, 3).map((c) => [c.ref, c.origin, c.picked]),
      [
        ['openai:gpt-4o', 'eval file', true],
        ['custom:my-model', 'eval file', true],
        ['openai:gpt-4o-mini', 'route', false],
      ],
    );
    assert.ok(candidates.slice(3).every((c) => c.origin === 'catalog' && !c.picked));
  });

  it('each model once; only providers the user configured come from the catalog', () => {
    const refs = candidates.map((c) => c.ref);
    assert.equal(new Set(refs).size, refs.length);
    assert.ok(refs.includes('ollama:llama3.1:8b'));
    assert.ok(!refs.some((r) => r.startsWith('anthropic:')));
  });

  it('catalog models cheapest first; unknown prices say so', () => {
    const fromCatalog = candidates.filter((c) => c.origin === 'catalog');
    // Local Ollama models cost $0: they come first (alphabetically among equals).
    assert.ok(fromCatalog[0].ref.startsWith('ollama:'), fromCatalog[0].ref);
    assert.match(fromCatalog[0].detail, /^\$0 in \/ \$0 out/);
    assert.equal(candidates.find((c) => c.ref === 'custom:my-model')!.detail, 'price unknown');
    assert.match(candidates.find((c) => c.ref === 'openai:gpt-4o-mini')!.detail, /^\$0\.15 in \/ \$0\.6 out per 1M tokens$/);
  });
});
