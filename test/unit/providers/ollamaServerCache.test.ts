import assert from 'node:assert/strict';
import { OllamaServerCache, type OllamaServerLookups } from '../../../src/core/providers/ollamaServerCache';
import type { OllamaContextWindow } from '../../../src/core/providers/ollamaAdapter';

/** Lookups answered by hand, so each test decides when (and whether) a server answers. */
function manualLookups() {
  const calls: string[] = [];
  const waiting: { resolve: (w: OllamaContextWindow) => void; reject: (e: unknown) => void }[] = [];
  const lookups: OllamaServerLookups = {
    contextWindow: (providerId, model) => {
      calls.push(`${providerId}/${model}`);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    listModels: async () => {
      calls.push('tags');
      return [{ id: 'llama3.1:8b', contextWindow: 4096 }];
    },
  };
  return { lookups, calls, waiting };
}

describe('OllamaServerCache', () => {
  it('answers pending at once, looks up once in the background, then reports the answer and fires onChange', async () => {
    const { lookups, calls, waiting } = manualLookups();
    let changes = 0;
    const cache = new OllamaServerCache(lookups, { onChange: () => changes++ });
    assert.deepEqual(cache.window('ollama', 'llama3.1:8b'), { state: 'pending' });
    assert.deepEqual(cache.window('ollama', 'llama3.1:8b'), { state: 'pending' });
    assert.deepEqual(calls, ['ollama/llama3.1:8b'], 'one lookup for repeated reads');
    waiting[0].resolve({ tokens: 8192, from: 'modelfile' });
    await cache.settled();
    assert.deepEqual(cache.window('ollama', 'llama3.1:8b'), { state: 'known', window: { tokens: 8192, from: 'modelfile' } });
    assert.equal(changes, 1);
    assert.equal(calls.length, 1, 'a known answer is not asked again');
  });

  it('caches per provider and model', () => {
    const { lookups, calls } = manualLookups();
    const cache = new OllamaServerCache(lookups, { onChange: () => undefined });
    cache.window('ollama', 'a');
    cache.window('ollama', 'b');
    cache.window('gpu-box', 'a');
    assert.deepEqual(calls, ['ollama/a', 'ollama/b', 'gpu-box/a']);
  });

  it('a failed lookup is unreachable, a 404 is missing; both are asked again after retryAfterMs', async () => {
    const { lookups, calls, waiting } = manualLookups();
    let now = 0;
    const cache = new OllamaServerCache(lookups, { onChange: () => undefined, retryAfterMs: 1000, now: () => now });
    cache.window('ollama', 'down');
    cache.window('ollama', 'not-pulled');
    waiting[0].reject(new Error('connect ECONNREFUSED'));
    waiting[1].reject(Object.assign(new Error('model not found'), { status: 404 }));
    await cache.settled();
    assert.deepEqual(cache.window('ollama', 'down'), { state: 'unreachable' });
    assert.deepEqual(cache.window('ollama', 'not-pulled'), { state: 'missing' });
    assert.equal(calls.length, 2, 'not asked again before retryAfterMs');
    now = 1000;
    assert.deepEqual(cache.window('ollama', 'down'), { state: 'unreachable' }, 'the old answer stands while asking again');
    assert.equal(calls.length, 3);
    waiting[2].resolve({ tokens: 4096, from: 'default' });
    await cache.settled();
    assert.equal(cache.window('ollama', 'down').state, 'known');
  });

  it('a server slower than timeoutMs counts as unreachable', async () => {
    const { lookups } = manualLookups();
    let changes = 0;
    const cache = new OllamaServerCache(lookups, { onChange: () => changes++, timeoutMs: 20 });
    cache.window('ollama', 'slow');
    await cache.settled();
    assert.deepEqual(cache.window('ollama', 'slow'), { state: 'unreachable' });
    assert.equal(changes, 1);
  });

  it('clear() forgets everything and ignores answers to lookups started before it', async () => {
    const { lookups, calls, waiting } = manualLookups();
    let changes = 0;
    const cache = new OllamaServerCache(lookups, { onChange: () => changes++ });
    cache.window('ollama', 'm');
    cache.clear();
    waiting[0].resolve({ tokens: 2048, from: 'modelfile' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(changes, 0, 'a stale answer changes nothing');
    assert.deepEqual(cache.window('ollama', 'm'), { state: 'pending' });
    assert.equal(calls.length, 2, 'asked again after clear()');
  });

  it('installed models: pending, then the listing', async () => {
    const { lookups } = manualLookups();
    const cache = new OllamaServerCache(lookups, { onChange: () => undefined });
    assert.deepEqual(cache.installed('ollama'), { state: 'pending' });
    await cache.settled();
    assert.deepEqual(cache.installed('ollama'), { state: 'known', models: [{ id: 'llama3.1:8b', contextWindow: 4096 }] });
  });
});
