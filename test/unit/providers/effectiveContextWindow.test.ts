import assert from 'node:assert/strict';
import { effectiveContextWindow, type ServerWindowAnswer } from '../../../src/core/providers/effectiveContextWindow';
import type { ProviderConfig } from '../../../src/core/providers/adapter';

const OLLAMA: ProviderConfig = { id: 'ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' };
const LLAMA = { maxInputTokens: 131072, maxOutput: 131072 };

function window(
  server: ServerWindowAnswer | undefined,
  provider: ProviderConfig | undefined = OLLAMA,
  ref = 'ollama:llama3.1:8b',
  info: { maxInputTokens: number; maxOutput: number; combinedWindow?: number } | undefined = LLAMA,
) {
  return effectiveContextWindow({ ref, info, provider, server });
}

describe('effectiveContextWindow', () => {
  it('a cloud model keeps the catalog window, with no note', () => {
    const result = effectiveContextWindow({
      ref: 'openai:gpt-4o',
      info: { maxInputTokens: 128000, maxOutput: 16384 },
      provider: { id: 'openai', kind: 'openai' },
      server: undefined,
    });
    assert.deepEqual(result, { tokens: 128000, source: 'catalog' });
  });

  it('an unknown cloud model gets the unknown-model window', () => {
    assert.equal(
      effectiveContextWindow({ ref: 'openai:gpt-next', info: undefined, provider: { id: 'openai', kind: 'openai' }, server: undefined })
        .tokens,
      8192,
    );
  });

  it("the server's num_ctx wins over the catalog and names the server", () => {
    const result = window({ state: 'known', window: { tokens: 8192, from: 'modelfile' } });
    assert.equal(result.tokens, 8192);
    assert.equal(result.source, 'server');
    assert.equal(result.note, 'Window 8,192 = num_ctx of llama3.1:8b from the Ollama server at http://127.0.0.1:11434.');
  });

  it("a server whose model sets no num_ctx: Ollama's default, and how to raise it", () => {
    const result = window({ state: 'known', window: { tokens: 4096, from: 'default' } });
    assert.equal(result.tokens, 4096);
    assert.equal(result.source, 'server');
    assert.match(
      result.note!,
      /^Window 4,096 = Ollama's default: the Ollama server at http:\/\/127\.0\.0\.1:11434 sets no num_ctx for llama3\.1:8b; set numCtx/,
    );
  });

  it('numCtx from settings is the window before the server answers, and when it cannot', () => {
    const provider = { ...OLLAMA, numCtx: 16384 };
    for (const server of [{ state: 'pending' }, { state: 'unreachable' }, undefined] as const) {
      const result = window(server, provider);
      assert.equal(result.tokens, 16384);
      assert.equal(result.source, 'setting');
      assert.equal(result.note, "Window 16,384 = numCtx of provider 'ollama' in llmWorkbench.providers (sent with every call).");
    }
  });

  it("numCtx above the trained length: the server's capped number, saying so", () => {
    const result = window(
      { state: 'known', window: { tokens: 32768, from: 'setting', cappedAt: 32768 } },
      { ...OLLAMA, numCtx: 65536 },
      'ollama:qwen2.5-coder:7b',
    );
    assert.equal(result.tokens, 32768);
    assert.match(result.note!, /numCtx of provider 'ollama'.*capped at qwen2\.5-coder:7b's trained context length/);
  });

  it('server not reachable: the catalog default (4,096), never the family maximum, and says so', () => {
    const result = window({ state: 'unreachable' });
    assert.equal(result.tokens, 4096);
    assert.equal(result.source, 'fallback');
    assert.equal(result.note, "Window 4,096 = Ollama's default; the Ollama server at http://127.0.0.1:11434 was not reachable.");
  });

  it('an Ollama model the catalog does not know falls back to 4,096 too', () => {
    const result = window({ state: 'unreachable' }, OLLAMA, 'ollama:phi3:mini', undefined);
    assert.equal(result.tokens, 4096);
  });

  it('a catalog override (llmWorkbench.models) is the fallback, named as such', () => {
    const result = window({ state: 'unreachable' }, OLLAMA, 'ollama:llama3.1:8b', {
      maxInputTokens: 131072,
      maxOutput: 131072,
      combinedWindow: 32768,
    });
    assert.equal(result.tokens, 32768);
    assert.match(
      result.note!,
      /^Window 32,768 = the contextWindow of ollama:llama3\.1:8b in llmWorkbench\.models; .* was not reachable\.$/,
    );
  });

  it('while asking, and when the model is not installed, the fallback says why', () => {
    assert.match(
      window({ state: 'pending' }).note!,
      /4,096 = Ollama's default; asking the Ollama server at http:\/\/127\.0\.0\.1:11434 for llama3\.1:8b's num_ctx\.$/,
    );
    assert.match(window({ state: 'missing' }).note!, /does not have llama3\.1:8b \(ollama pull llama3\.1:8b\)/);
  });

  it('no provider with that id: the fallback, and no server asked', () => {
    const result = effectiveContextWindow({ ref: 'ollama:llama3.1:8b', info: LLAMA, provider: undefined, server: undefined });
    assert.equal(result.tokens, 4096);
    assert.match(result.note!, /no provider 'ollama' is configured in llmWorkbench\.providers/);
  });

  it('a provider id of kind ollama under another name is Ollama too; the default base URL is shown when none is set', () => {
    const result = window(
      { state: 'known', window: { tokens: 2048, from: 'modelfile' } },
      { id: 'gpu-box', kind: 'ollama' },
      'gpu-box:llama3.1:8b',
    );
    assert.equal(result.tokens, 2048);
    assert.match(result.note!, /from the Ollama server at http:\/\/localhost:11434\.$/);
  });
});
