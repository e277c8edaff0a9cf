import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';
import { withEvalProviders } from '../../../src/core/evals/evalProviders';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

describe('eval providers in the gateway configuration', () => {
  const file = parseEvalText(
    [
      'prompts: [hi]',
      'providers:',
      '  - openai:gpt-4o-mini',
      '  - id: openai:chat:gpt-4o',
      '    config: { apiBaseUrl: "http://127.0.0.1:4000/v1" }',
      '  - anthropic:messages:claude-haiku-4-5',
      'defaultTest:',
      '  options: { provider: ollama:llama3.1:8b }',
      'tests: [{ vars: {} }]',
    ].join('\n'),
    '/w/a.eval.yaml',
  );

  it('gives an apiBaseUrl entry a provider of its own, with the key of the provider it derives from', async () => {
    const config = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' as const }] };
    const result = withEvalProviders(config, [file]);
    const derived = result.config.providers.find((p) => p.baseUrl === 'http://127.0.0.1:4000/v1')!;
    assert.deepEqual(derived, { id: 'openai-eval-1', kind: 'openai', baseUrl: 'http://127.0.0.1:4000/v1' });
    assert.equal(result.refFor(file.providers[1]), 'openai-eval-1:gpt-4o');
    assert.equal(result.refFor(file.providers[0]), 'openai:gpt-4o-mini');
    assert.equal(result.sourceOf('openai-eval-1'), 'openai');
    const keys = result.keys(async (id) => (id === 'openai' ? 'sk-openai' : undefined));
    assert.equal(await keys('openai-eval-1'), 'sk-openai');
    assert.equal(config.providers.length, 1, 'the original configuration is untouched');
  });

  it('adds the well-known providers the file names (models and graders) that the settings lack', () => {
    const result = withEvalProviders({ ...defaultConfig(), providers: [] }, [file]);
    assert.deepEqual(
      result.config.providers.map((p) => `${p.id}:${p.kind}`).sort(),
      ['anthropic:anthropic', 'ollama:ollama', 'openai-eval-1:openai', 'openai:openai'],
    );
  });
});
