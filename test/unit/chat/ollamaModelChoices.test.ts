import assert from 'node:assert/strict';
import { modelOptions } from '../../../src/core/chat/modelOptions';
import { ChatSession } from '../../../src/core/chat/chatSession';
import { requestBudget } from '../../../src/core/chat/requestBudget';
import { defaultConfig, type WorkbenchConfig } from '../../../src/core/config/workbenchConfig';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { effectiveContextWindow } from '../../../src/core/providers/effectiveContextWindow';
import { budgetModelRows, budgetModelTarget, formatPerMillion } from '../../../src/features/tokens/budgetModelItems';

function config(numCtx?: number): WorkbenchConfig {
  return {
    ...defaultConfig(),
    providers: [{ id: 'ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', ...(numCtx ? { numCtx } : {}) }],
  };
}
const catalog = new ModelCatalog();

describe('Ollama in the chat selector and the request budget', () => {
  it("installed models are listed, marked local, with the server's window; catalog Ollama models stay", () => {
    const options = modelOptions(config(), catalog, {
      installed: [
        { ref: 'ollama:phi3:mini', contextWindow: 2048 },
        { ref: 'ollama:llama3.1:8b', contextWindow: 8192 },
      ],
    });
    const phi = options.find((o) => o.ref === 'ollama:phi3:mini');
    assert.deepEqual(phi, {
      ref: 'ollama:phi3:mini',
      label: 'phi3:mini (Ollama) · ollama:phi3:mini · installed (local)',
      contextWindow: 2048,
      local: true,
    });
    const llama = options.find((o) => o.ref === 'ollama:llama3.1:8b');
    assert.equal(llama?.label, 'llama3.1:8b (Ollama) · ollama:llama3.1:8b · installed (local)');
    assert.equal(llama?.contextWindow, 8192);
    const mistral = options.find((o) => o.ref === 'ollama:mistral:7b');
    assert.equal(mistral?.local, undefined, 'a catalog model the server has not installed is not marked local');
    assert.equal(options.filter((o) => o.ref === 'ollama:llama3.1:8b').length, 1, 'listed once');
  });

  it('without a server answer no Ollama model is offered from the catalog: only what a server has installed can run', () => {
    const options = modelOptions(config(), catalog);
    assert.deepEqual(
      options.map((o) => o.ref),
      ['auto'],
    );
    const named = modelOptions({ ...config(), routes: { chat: { primary: 'ollama:llama3.1:8b', fallbacks: [] } } }, catalog);
    assert.ok(
      named.some((o) => o.ref === 'ollama:llama3.1:8b' && o.contextWindow === 4096),
      "a route names it: listed, at Ollama's default window",
    );
  });

  it("the request budget uses the injected window (the server's num_ctx) and carries its note", async () => {
    const budget = await requestBudget('ollama:llama3.1:8b', 'chat', config(), catalog, (ref, info) =>
      effectiveContextWindow({
        ref,
        info,
        provider: config().providers[0],
        server: { state: 'known', window: { tokens: 8192, from: 'modelfile' } },
      }),
    );
    assert.deepEqual(budget.limits, { maxInputTokens: 8192, maxOutput: 8192, combinedWindow: 8192 });
    assert.match(budget.windowNote!, /num_ctx of llama3\.1:8b from the Ollama server/);
  });

  it("the chat input's live count carries the window's note, so the webview can say where the number came from", async () => {
    const lookup = (ref: string, info: Parameters<typeof effectiveContextWindow>[0]['info']) =>
      effectiveContextWindow({
        ref,
        info,
        provider: config().providers[0],
        server: { state: 'known', window: { tokens: 8192, from: 'modelfile' } },
      });
    const session = new ChatSession({
      storage: { load: () => undefined, save: () => undefined },
      post: () => undefined,
      gateway: () => ({ error: 'not used' }),
      models: () => [],
      budgetFor: (model, task) => requestBudget(model, task, config(), catalog, lookup),
      host: { copy: async () => undefined, insert: async () => undefined, apply: async () => undefined, action: async () => undefined },
    });
    const count = await session.countDraft('Hello', 'ollama:llama3.1:8b', 'chat');
    assert.equal(count?.window, 8192);
    assert.match(count!.windowNote!, /num_ctx of llama3\.1:8b from the Ollama server/);
    session.dispose();
  });

  it("without a lookup: numCtx from settings, else Ollama's 4,096; catalog models keep their catalog limits", async () => {
    assert.equal((await requestBudget('ollama:llama3.1:8b', 'chat', config(16384), catalog)).limits.combinedWindow, 16384);
    assert.equal((await requestBudget('ollama:llama3.1:8b', 'chat', config(), catalog)).limits.combinedWindow, 4096);
    assert.deepEqual((await requestBudget('openai:gpt-4o', 'chat', config(), catalog)).limits, {
      maxInputTokens: 128000,
      maxOutput: 16384,
      combinedWindow: 128000,
    });
    assert.deepEqual((await requestBudget('openai:gpt-5', 'chat', config(), catalog)).limits, {
      maxInputTokens: 272000,
      maxOutput: 128000,
    });
  });
});

describe('the chat count with nothing configured for chat', () => {
  it("is the budget model's, flagged unrouted, so the input does not name it as if it would answer", async () => {
    const budget = await requestBudget('auto', 'chat', defaultConfig(), catalog);
    assert.equal(budget.model, 'openai:gpt-4o');
    assert.equal(budget.unrouted, true);
    const routed: WorkbenchConfig = { ...defaultConfig(), routes: { chat: { primary: 'ollama:llama3.1:8b' } } };
    const chosen = await requestBudget('auto', 'chat', routed, catalog);
    assert.equal(chosen.model, 'ollama:llama3.1:8b');
    assert.equal(chosen.unrouted, undefined);
    assert.equal(
      (await requestBudget('openai:gpt-4o-mini', 'chat', defaultConfig(), catalog)).unrouted,
      undefined,
      'a chosen model is not unrouted',
    );
  });
});

describe('Pick Budget Model rows', () => {
  const base = {
    catalog: catalog.all(),
    userRefs: new Set<string>(),
    current: 'ollama:phi3:mini',
    lookup: (ref: string) => catalog.lookup(ref),
    windowFor: (ref: string, info: { maxInputTokens: number } | undefined) =>
      ref === 'ollama:phi3:mini' ? 2048 : (info?.maxInputTokens ?? 0),
  };

  it('the current model first and checked (Enter keeps it), then an "Installed" group, before the catalog groups', () => {
    const installed = {
      models: [{ ref: 'ollama:phi3:mini', contextWindow: 2048 }, { ref: 'ollama:qwen3:4b' }],
      pending: false,
      unreachable: [],
    };
    const rows = budgetModelRows({ ...base, installed });
    assert.deepEqual(rows[0], { separator: 'Current budget model' });
    assert.deepEqual(rows[1], {
      label: '$(check) $(vm) phi3:mini (Ollama)',
      description: 'ollama:phi3:mini',
      detail: 'local · 2K window · free · ≈ o200k_base estimate',
      ref: 'ollama:phi3:mini',
    });
    assert.deepEqual(rows[2], { separator: 'Installed on your Ollama server (local)' });
    assert.equal('ref' in rows[3] && rows[3].ref, 'ollama:qwen3:4b');
    assert.equal(rows.filter((r) => 'ref' in r && r.ref === 'ollama:phi3:mini').length, 1, 'the current model is listed once');
    assert.equal(rows.filter((r) => 'label' in r && r.label.startsWith('$(check)')).length, 1);
    assert.ok(rows.some((r) => 'separator' in r && r.separator === 'openai'));
  });

  it('a catalog model that is current moves out of its provider group to the top', () => {
    const rows = budgetModelRows({ ...base, current: 'openai:gpt-4o', installed: { models: [], pending: false, unreachable: [] } });
    assert.deepEqual(rows[0], { separator: 'Current budget model' });
    assert.equal('label' in rows[1] && rows[1].label, '$(check) GPT-4o');
    assert.equal(rows.filter((r) => 'ref' in r && r.ref === 'openai:gpt-4o').length, 1);
  });

  it('prices are written one way in every row: two decimals, up to four when the price has them', () => {
    assert.deepEqual([2.5, 10, 0.15, 0.6, 0.075, 1.25, 0.0375, 15].map(formatPerMillion), [
      '$2.50',
      '$10.00',
      '$0.15',
      '$0.60',
      '$0.075',
      '$1.25',
      '$0.0375',
      '$15.00',
    ]);
    const rows = budgetModelRows({ ...base, current: 'openai:gpt-4o', installed: { models: [], pending: false, unreachable: [] } });
    const mini = rows.find((r) => 'ref' in r && r.ref === 'openai:gpt-4o-mini');
    assert.match(mini && 'detail' in mini ? mini.detail : '', /· \$0\.15 \/ \$0\.60 per 1M in\/out ·/);
    assert.match('detail' in rows[1] ? rows[1].detail : '', /· \$2\.50 \/ \$10\.00 per 1M in\/out ·/);
  });

  it('says where the choice is saved: the workspace file when it sets the model, else the User settings', () => {
    assert.match(budgetModelTarget(true).placeholderNote, /\.vscode\/settings\.json/);
    assert.equal(budgetModelTarget(false).where, 'your User settings');
  });

  it('while asking, and when the server is down, the catalog is all there and the group says why', () => {
    const pending = budgetModelRows({ ...base, installed: { models: [], pending: true, unreachable: [] } });
    assert.deepEqual(pending[0], { separator: 'Current budget model' }, 'phi3:mini (current) is known to the catalog: listed first');
    assert.deepEqual(pending[2], { separator: 'Installed on your Ollama server (local) — asking the server…' });
    const down = budgetModelRows({ ...base, installed: { models: [], pending: false, unreachable: ['http://127.0.0.1:11434'] } });
    assert.deepEqual(down[2], { separator: 'Installed on your Ollama server (local) — not reachable: http://127.0.0.1:11434' });
    const refs = down.filter((r) => 'ref' in r).map((r) => ('ref' in r ? r.ref : ''));
    assert.deepEqual(
      catalog.all().filter((m) => !refs.includes(m.ref)),
      [],
      'every catalog model is offered',
    );
    // phi3:mini is known by lookup (an Ollama model) but not a catalog row: listed once, on top.
    assert.equal(refs.length, catalog.all().length + 1);
    assert.equal(refs.filter((ref) => ref === 'ollama:phi3:mini').length, 1);
  });
});
