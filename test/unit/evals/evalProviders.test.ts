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

  it("gives an apiBaseUrl entry a provider of its own; the user's key goes there only with --allow-file-endpoints, else the line is refused (issue 12: never keyless)", async () => {
    const config = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' as const }] };
    const result = withEvalProviders(config, [file]);
    const derived = result.config.providers.find((p) => p.baseUrl === 'http://127.0.0.1:4000/v1')!;
    assert.equal(derived.id, 'openai-eval-1');
    assert.equal(result.refFor(file.providers[1]), 'openai-eval-1:gpt-4o');
    assert.equal(result.refFor(file.providers[0]), 'openai:gpt-4o-mini');
    assert.equal(result.sourceOf('openai-eval-1'), 'openai');
    const keys = result.keys(async (id) => (id === 'openai' ? 'sk-openai' : undefined));
    assert.equal(await keys('openai-eval-1'), undefined);
    assert.equal(await keys('openai'), 'sk-openai');
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0].severity, 'error');
    assert.equal(result.problems[0].range.start.line, 4, 'at the apiBaseUrl line');
    assert.match(
      result.problems[0].message,
      /apiBaseUrl: http:\/\/127\.0\.0\.1:4000\/v1.*your OPENAI_API_KEY.*config\.apiKey.*--allow-file-endpoints/,
    );
    assert.equal(config.providers.length, 1, 'the original configuration is untouched');
    const allowed = withEvalProviders(config, [file], [], { allowFileEndpoints: true });
    assert.deepEqual(allowed.problems, []);
    assert.equal(allowed.config.providers.find((p) => p.id === 'openai-eval-1')!.kind, 'openai');
    assert.equal(await allowed.keys(async (id) => (id === 'openai' ? 'sk-openai' : undefined))('openai-eval-1'), 'sk-openai');
  });

  it("a vendor at its own default host keeps the user's key; elsewhere it is refused without the flag; xai's apiBaseUrl is refused always (promptfoo ignores it)", async () => {
    const text = (id: string, url: string) => `prompts: [hi]\nproviders:\n  - id: ${id}\n    config: { apiBaseUrl: "${url}" }\n`;
    const run = (id: string, url: string, allow = false) =>
      withEvalProviders({ ...defaultConfig(), providers: [] }, [parseEvalText(text(id, url), '/w/a.eval.yaml')], [], {
        allowFileEndpoints: allow,
      });
    const ownFile = parseEvalText(text('mistral:mistral-small-latest', 'https://api.mistral.ai/v1/'), '/w/a.eval.yaml');
    const own = withEvalProviders({ ...defaultConfig(), providers: [] }, [ownFile]);
    assert.deepEqual(own.problems, []);
    assert.equal(own.refFor(ownFile.providers[0]), 'mistral:mistral-small-latest', "the vendor's own provider, the user's key");
    for (const vendor of ['groq', 'mistral', 'togetherai', 'openrouter', 'fireworks', 'cerebras']) {
      const elsewhere = run(`${vendor}:some-model`, 'http://127.0.0.1:4000/v1');
      assert.equal(elsewhere.problems.length, 1, vendor);
      assert.match(elsewhere.problems[0].message, /endpoint chosen by the eval file.*_API_KEY.*--allow-file-endpoints/, vendor);
      const allowed = run(`${vendor}:some-model`, 'http://127.0.0.1:4000/v1', true);
      assert.deepEqual(allowed.problems, [], vendor);
      assert.equal(await allowed.keys(async (id) => `key-for-${id}`)(`${vendor}-eval-1`), `key-for-${vendor}`, vendor);
    }
    for (const allow of [false, true]) {
      const xai = run('xai:grok-3-mini', 'http://127.0.0.1:4000/v1', allow);
      assert.equal(xai.problems.length, 1);
      assert.equal(xai.problems[0].range.start.line, 3);
      assert.match(xai.problems[0].message, /ignored by promptfoo's xai provider.*api\.x\.ai/);
    }
    assert.deepEqual(run('xai:grok-3-mini', 'https://api.x.ai/v1').problems, []);
  });

  it('adds the well-known providers the file names (models and graders) that the settings lack', () => {
    const result = withEvalProviders({ ...defaultConfig(), providers: [] }, [file]);
    assert.deepEqual(result.config.providers.map((p) => `${p.id}:${p.kind}`).sort(), [
      'anthropic:anthropic',
      'ollama:ollama',
      'openai-eval-1:openai-compatible',
      'openai:openai',
    ]);
  });

  it("a key written in the file goes to the file's endpoint; a key variable the file names needs --allow-file-endpoints", async () => {
    const text = (key: string) =>
      `prompts: [hi]\nproviders:\n  - id: openai:gpt-4o\n    config: { apiBaseUrl: "http://127.0.0.1:4000/v1", ${key} }\n`;
    const config = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' as const }] };
    const withKey = withEvalProviders(config, [parseEvalText(text('apiKey: sk-file-key-1234'), '/w/a.eval.yaml')]);
    assert.equal(await withKey.keys(async () => 'sk-user')('openai-eval-1'), 'sk-file-key-1234');
    assert.deepEqual(withKey.problems, []);
    const envar = parseEvalText(text('apiKeyEnvar: OPENAI_API_KEY'), '/w/a.eval.yaml');
    const refused = withEvalProviders(config, [envar], [], { allowFileEndpoints: false, env: { OPENAI_API_KEY: 'sk-user' } });
    assert.match(refused.problems[0].message, /apiKeyEnvar: OPENAI_API_KEY.*--allow-file-endpoints/);
    assert.equal(refused.problems[0].range.start.line, 3);
    assert.equal(await refused.keys(async () => 'sk-user')('openai-eval-1'), undefined);
    const allowed = withEvalProviders(config, [envar], [], { allowFileEndpoints: true, env: { OPENAI_API_KEY: 'sk-user' } });
    assert.equal(await allowed.keys(async () => undefined)('openai-eval-1'), 'sk-user');
  });

  it("vendors by prefix: their default endpoint and key variable, the user's key allowed there", async () => {
    const file = parseEvalText(
      'prompts: [hi]\nproviders: [groq:llama-3.3-70b-versatile, mistral:mistral-small-latest]\n',
      '/w/a.eval.yaml',
    );
    const result = withEvalProviders({ ...defaultConfig(), providers: [] }, [file]);
    assert.deepEqual(
      result.config.providers.filter((p) => p.id !== 'ollama').map((p) => [p.id, p.kind, p.baseUrl]),
      [
        ['groq', 'openai-compatible', 'https://api.groq.com/openai/v1'],
        ['mistral', 'openai-compatible', 'https://api.mistral.ai/v1'],
      ],
    );
    assert.equal(result.refFor(file.providers[0]), 'groq:llama-3.3-70b-versatile');
    assert.equal(await result.keys(async (id) => `key-for-${id}`)('groq'), 'key-for-groq');
    assert.deepEqual(result.problems, []);
  });
});
