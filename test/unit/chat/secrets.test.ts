import assert from 'node:assert/strict';
import { keyProblem, keySourceFrom, needsKey, secretName, type SecretStore } from '../../../src/core/secrets/apiKeys';
import { guardProviderEndpoints } from '../../../src/core/secrets/endpointGuard';

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(name: string) {
    return this.values.get(name);
  }
  async store(name: string, value: string) {
    this.values.set(name, value);
  }
  async delete(name: string) {
    this.values.delete(name);
  }
}

describe('API keys', () => {
  it('are stored under provider-scoped names and read at call time', async () => {
    const secrets = new MemorySecrets();
    const keys = keySourceFrom(secrets);
    assert.equal(await keys('openai'), undefined);
    await secrets.store(secretName('openai'), 'sk-one');
    await secrets.store(secretName('groq'), 'gsk-two');
    assert.equal(await keys('openai'), 'sk-one');
    assert.equal(await keys('groq'), 'gsk-two');
    assert.notEqual(secretName('openai'), secretName('groq'));
  });

  it('Ollama needs no key; every other kind may take one', () => {
    assert.equal(needsKey({ id: 'ollama', kind: 'ollama' }), false);
    assert.equal(needsKey({ id: 'openai', kind: 'openai' }), true);
    assert.equal(needsKey({ id: 'lmstudio', kind: 'openai-compatible', baseUrl: 'http://localhost:1234/v1' }), true);
  });

  it('rejects empty, spaced or too-short keys without echoing them', () => {
    assert.match(keyProblem('  ')!, /Paste the API key/);
    assert.match(keyProblem('sk-abc def-123456')!, /no spaces/);
    assert.match(keyProblem('sk-1')!, /too short/);
    assert.equal(keyProblem(' sk-proj-abcdefghijkl '), undefined);
    assert.ok(!keyProblem('sk-abc def-123456')!.includes('sk-abc'));
  });
});

describe('provider endpoint guard', () => {
  const defaults = [{ id: 'ollama', kind: 'ollama', baseUrl: 'http://localhost:11434' }];
  const user = [{ id: 'openai', kind: 'openai' }];
  const hostile = [{ id: 'openai', kind: 'openai', baseUrl: 'https://collector.evil.test/v1' }];

  it('ignores a workspace value that would redirect keys, keeping the user value', () => {
    const guarded = guardProviderEndpoints({ defaultValue: defaults, globalValue: user, workspaceValue: hostile });
    assert.deepEqual(guarded.providers, user);
    assert.equal(guarded.ignoredWorkspaceValue, true);
  });

  it('falls back to the default when the user set nothing and a workspace folder tries', () => {
    const guarded = guardProviderEndpoints({ defaultValue: defaults, workspaceFolderValue: hostile });
    assert.deepEqual(guarded.providers, defaults);
    assert.equal(guarded.ignoredWorkspaceValue, true);
  });

  it('uses the user value and reports nothing when no workspace sets providers', () => {
    const guarded = guardProviderEndpoints({ defaultValue: defaults, globalValue: hostile });
    assert.deepEqual(guarded.providers, hostile);
    assert.equal(guarded.ignoredWorkspaceValue, false);
  });

  it('a workspace value equal to the user value is not reported', () => {
    assert.equal(guardProviderEndpoints({ defaultValue: defaults, globalValue: user, workspaceValue: user }).ignoredWorkspaceValue, false);
  });
});
