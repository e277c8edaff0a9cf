import assert from 'node:assert/strict';
import { effectiveContextWindow } from '../../src/core/providers/effectiveContextWindow';
import { OllamaServerCache } from '../../src/core/providers/ollamaServerCache';
import type { ProviderConfig } from '../../src/core/providers/adapter';
import { createAdapter } from '../../src/core/providers/createAdapter';
import type { OllamaAdapter } from '../../src/core/providers/ollamaAdapter';
import { closedPort, keys } from './adapterHarness';
import { startEmulator, type Emulator } from './emulator';

/** The editor's wiring in miniature: the cache asks real Ollama adapters over HTTP, the pure rule reads the cache. */
function budgetWindows(providers: ProviderConfig[]) {
  const adapters = new Map(providers.map((p) => [p.id, createAdapter(p, keys({}), { timeoutMs: 2000 }) as OllamaAdapter]));
  let changes = 0;
  const cache = new OllamaServerCache(
    {
      contextWindow: (id, model) => adapters.get(id)!.contextWindowDetail(model),
      listModels: (id) => adapters.get(id)!.listModels(),
    },
    { onChange: () => changes++ },
  );
  const windowFor = (ref: string) => {
    const colon = ref.indexOf(':');
    const provider = providers.find((p) => p.id === ref.slice(0, colon));
    return effectiveContextWindow({
      ref,
      info: { maxInputTokens: 131072, maxOutput: 131072 },
      provider,
      server: cache.window(provider!.id, ref.slice(colon + 1)),
    });
  };
  return { cache, windowFor, changes: () => changes };
}

describe('Ollama context windows through the adapter (emulator)', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it("num_ctx from /api/show once the server answered; Ollama's default for a model that sets none", async () => {
    const { cache, windowFor, changes } = budgetWindows([{ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }]);
    assert.equal(windowFor('ollama:qwen2.5-coder:7b').source, 'fallback', 'first read does not wait on the network');
    windowFor('ollama:llama3.1:8b');
    await cache.settled();
    const qwen = windowFor('ollama:qwen2.5-coder:7b');
    assert.equal(qwen.tokens, 8192);
    assert.equal(qwen.note, `Window 8,192 = num_ctx of qwen2.5-coder:7b from the Ollama server at ${emu.ollamaBaseUrl}.`);
    const llama = windowFor('ollama:llama3.1:8b');
    assert.equal(llama.tokens, 4096, 'not the 131,072 llama3.1 is trained for');
    assert.match(llama.note!, /Ollama's default: .* sets no num_ctx for llama3\.1:8b/);
    assert.equal(changes(), 2);
    assert.equal(emu.requests.filter((r) => r.path === '/api/show').length >= 2, true);
  });

  it('numCtx from settings, capped at the trained length the server reports', async () => {
    const { cache, windowFor } = budgetWindows([{ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl, numCtx: 65536 }]);
    assert.equal(windowFor('ollama:qwen2.5-coder:7b').tokens, 65536, 'the setting stands before the server answers');
    await cache.settled();
    const qwen = windowFor('ollama:qwen2.5-coder:7b');
    assert.equal(qwen.tokens, 32768);
    assert.match(qwen.note!, /capped at qwen2\.5-coder:7b's trained context length/);
  });

  it('a model the server does not have: the fallback, with the pull command', async () => {
    const { cache, windowFor } = budgetWindows([{ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }]);
    windowFor('ollama:mistral:7b');
    await cache.settled();
    const result = windowFor('ollama:mistral:7b');
    assert.equal(result.tokens, 4096);
    assert.match(result.note!, /does not have mistral:7b \(ollama pull mistral:7b\)/);
  });

  it('nothing listening: the fallback, saying the server was not reachable; installed models unreachable', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const { cache, windowFor } = budgetWindows([{ id: 'ollama', kind: 'ollama', baseUrl }]);
    windowFor('ollama:llama3.1:8b');
    cache.installed('ollama');
    await cache.settled();
    assert.equal(
      windowFor('ollama:llama3.1:8b').note,
      `Window 4,096 = Ollama's default; the Ollama server at ${baseUrl} was not reachable.`,
    );
    assert.deepEqual(cache.installed('ollama'), { state: 'unreachable' });
  });

  it('installed models come from /api/tags with their num_ctx', async () => {
    const { cache } = budgetWindows([{ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }]);
    cache.installed('ollama');
    await cache.settled();
    assert.deepEqual(cache.installed('ollama'), {
      state: 'known',
      models: [
        { id: 'llama3.1:8b', contextWindow: 4096 },
        { id: 'qwen2.5-coder:7b', contextWindow: 8192 },
      ],
    });
  });
});
