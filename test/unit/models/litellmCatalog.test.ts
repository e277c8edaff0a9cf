import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { costOfUsage } from '../../../src/core/cost/pricing';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { loadShippedCatalog } from '../../../src/core/models/catalogStore';
import { deprecatedRefsIn } from '../../../src/core/models/deprecatedRefs';
import { deprecationState, lineage, successorFor } from '../../../src/core/models/deprecation';
import { convertLitellmTable, TableError } from '../../../src/core/models/litellm/convertLitellmTable';
import { LITELLM_NOTICE } from '../../../src/core/models/litellm/catalogData';

/** shared/data/litellm beside the repository (a worktree sits one folder deeper than a clone). */
const raw = (() => {
  for (const up of [
    ['..', '..', '..', '..'],
    ['..', '..', '..', '..', '..'],
  ]) {
    try {
      return JSON.parse(
        readFileSync(join(__dirname, ...up, 'shared', 'data', 'litellm', 'model_prices_and_context_window.json'), 'utf8'),
      ) as Record<string, unknown>;
    } catch {
      // try the next place
    }
  }
  return undefined;
})();
const convert = (table: unknown) => convertLitellmTable(table, { url: 'test', retrieved: '2026-11-27T00:00:00Z' });
const TODAY = new Date('2026-11-27T12:00:00Z');

describe('the generated catalog', () => {
  const shipped = loadShippedCatalog();
  const catalog = new ModelCatalog();

  it("carries LiteLLM's MIT notice, the table's origin and date", () => {
    assert.equal(shipped.notice, LITELLM_NOTICE);
    assert.match(shipped.notice, /MIT License\n\nCopyright \(c\) 2023 Berri AI/);
    assert.equal(shipped.source.date, '2026-07-24');
    assert.match(shipped.source.url, /BerriAI\/litellm/);
  });

  it('has the prices the hand-kept table had wrong, and the models it lacked', () => {
    const perM = (ref: string) => {
      const p = catalog.lookup(ref)!.price!;
      return [p.input * 1e6, p.output * 1e6].map((n) => Number(n.toFixed(4)));
    };
    assert.deepEqual(perM('openai:o3'), [2, 8]);
    assert.deepEqual(perM('mistral:mistral-large-latest'), [0.5, 1.5]);
    assert.equal(catalog.lookup('mistral:mistral-large-latest')!.maxInputTokens, 262_144);
    assert.equal(catalog.lookup('gemini:gemini-2.5-flash')!.price!.cacheRead! * 1e6, 0.03);
    for (const ref of [
      'openai:gpt-5.1',
      'openai:gpt-5.6',
      'anthropic:claude-sonnet-4-6',
      'anthropic:claude-sonnet-5',
      'anthropic:claude-opus-4-5',
      'anthropic:claude-opus-5',
      'gemini:gemini-3.5-flash',
      'deepseek:deepseek-reasoner',
      'xai:grok-4.5',
      'groq:meta-llama/llama-4-scout-17b-16e-instruct',
      'together:meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
      'groq:openai/gpt-oss-120b',
      'together:Qwen/Qwen3.5-397B-A17B',
      'together:moonshotai/Kimi-K2.5',
    ]) {
      assert.ok(catalog.lookup(ref), `${ref} is in the catalog`);
    }
    assert.equal(catalog.lookup('anthropic:claude-3-5-haiku-latest'), undefined, 'retired: no longer offered');
  });

  it('GPT-5: 272,000 input / 128,000 output; capabilities for the Copilot provider', () => {
    const gpt5 = catalog.lookup('openai:gpt-5')!;
    assert.equal(gpt5.maxInputTokens, 272_000);
    assert.equal(gpt5.maxOutput, 128_000);
    assert.equal(gpt5.combinedWindow, undefined);
    assert.deepEqual(gpt5.supports, { vision: true, tools: true, promptCaching: true, reasoning: true });
  });

  it('a model whose limits the table lacks says so instead of inventing them', () => {
    const llama = catalog.lookup('together:meta-llama/Llama-3.3-70B-Instruct-Turbo')!;
    assert.equal(llama.limitsUnknown, true);
  });

  it('regenerating from the snapshot gives the committed file (the script is the only writer)', function () {
    if (!raw) this.skip();
    const again = convertLitellmTable(raw, {
      url: shipped.source.url,
      retrieved: shipped.source.retrieved,
      extraDeprecations: Object.fromEntries(
        shipped.models.filter((m) => m.deprecated?.source === 'anthropic-sdk').map((m) => [m.ref, m.deprecated!.date]),
      ),
    });
    assert.deepEqual(again, shipped);
  });
});

describe("converting LiteLLM's table", () => {
  const entry = (over: Record<string, unknown> = {}) => ({
    litellm_provider: 'openai',
    mode: 'chat',
    max_input_tokens: 1000,
    max_output_tokens: 100,
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
    ...over,
  });
  const table = (n = 25, extra: Record<string, unknown> = {}) => ({
    ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`gpt-test-${i}`, entry()])),
    ...extra,
  });

  it('reads chat models of our providers only, with per-1M prices, limits and tiers', () => {
    const data = convert(
      table(25, {
        'gemini/gemini-x': entry({
          litellm_provider: 'gemini',
          input_cost_per_token_above_200k_tokens: 2e-6,
          output_cost_per_token_above_200k_tokens: 3e-6,
          cache_read_input_token_cost: 1e-7,
        }),
        'bedrock/some-model': entry({ litellm_provider: 'bedrock' }),
        'text-embedding-x': entry({ mode: 'embedding' }),
        'ft:gpt-4o-2024-08-06': entry(),
      }),
    );
    assert.equal(data.models.length, 26);
    assert.deepEqual(
      data.models.find((m) => m.ref === 'gemini:gemini-x'),
      {
        ref: 'gemini:gemini-x',
        in: 1000,
        out: 100,
        price: { in: 1, out: 2, cacheRead: 0.1, tiers: [{ above: 200_000, in: 2, out: 3 }] },
      },
    );
  });

  it('refuses wrong types, insane numbers and gutted tables, naming the entry', () => {
    assert.throws(() => convert([1, 2]), TableError);
    assert.throws(
      () => convert(table(25, { 'gpt-bad': entry({ input_cost_per_token: '0.000001' }) })),
      /entry "gpt-bad": input_cost_per_token is "0.000001", not a number/,
    );
    assert.throws(() => convert(table(25, { 'gpt-bad': entry({ max_input_tokens: -5 }) })), /outside the sane range/);
    assert.throws(() => convert(table(25, { 'gpt-bad': entry({ output_cost_per_token: 5 }) })), /outside the sane range/);
    assert.throws(() => convert(table(25, { 'gpt-bad': entry({ supports_vision: 'yes' }) })), /not true\/false/);
    assert.throws(
      () => convert(table(25, { 'gpt-bad': entry({ deprecation_date: 'soon' }) })),
      /deprecation_date is not a YYYY-MM-DD date/,
    );
    assert.throws(() => convert(table(3)), /only 3 chat models/);
  });

  it("an alias takes the deprecation date of its one dated snapshot; the Anthropic SDK's list fills in what LiteLLM lacks", () => {
    const data = convertLitellmTable(
      table(25, {
        'claude-old-1': entry({ litellm_provider: 'anthropic' }),
        'claude-old-1-20250101': entry({ litellm_provider: 'anthropic', deprecation_date: '2026-01-01' }),
        'claude-sdk-2': entry({ litellm_provider: 'anthropic' }),
      }),
      { url: 'test', retrieved: '2026-11-27T00:00:00Z', extraDeprecations: { 'anthropic:claude-sdk-2': '2026-11-30' } },
    );
    assert.deepEqual(data.models.find((m) => m.ref === 'anthropic:claude-old-1')!.deprecated, { date: '2026-01-01', source: 'snapshot' });
    assert.deepEqual(data.models.find((m) => m.ref === 'anthropic:claude-sdk-2')!.deprecated, {
      date: '2026-11-30',
      source: 'anthropic-sdk',
    });
  });
});

describe('overrides merge field by field', () => {
  it("re-entering gpt-4o's input/output prices keeps its cache price: a cached call stays $0.0195, not $0.027", () => {
    const catalog = new ModelCatalog([{ ref: 'openai:gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10, displayName: 'My GPT-4o' }]);
    const model = catalog.lookup('openai:gpt-4o')!;
    assert.equal(model.displayName, 'My GPT-4o');
    assert.equal(model.maxInputTokens, 128_000, 'limits stay');
    // 4,000 × 2.50 + 6,000 × 1.25 (cached) + 200 × 10 = 19,500 µ$
    const cost = costOfUsage(model, { input: { total: 10_000, cacheRead: 6000 }, output: { total: 200 }, source: 'provider' })!;
    assert.ok(Math.abs(cost - 0.0195) < 1e-12, String(cost));
  });

  it('changing one price keeps the tiers and every other price', () => {
    const model = new ModelCatalog([{ ref: 'gemini:gemini-2.5-pro', outputPerMTok: 12 }]).lookup('gemini:gemini-2.5-pro')!;
    assert.equal(model.price!.output * 1e6, 12);
    assert.equal(Number((model.price!.input * 1e6).toFixed(6)), 1.25);
    assert.equal(model.price!.tiers![0].aboveInputTokens, 200_000);
  });

  it('a model the catalog lacks: priced only when both prices are given; a window setting is a combined limit', () => {
    const catalog = new ModelCatalog([
      { ref: 'vllm:half', inputPerMTok: 1 },
      { ref: 'vllm:full', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 32_768 },
    ]);
    assert.equal(catalog.lookup('vllm:half')!.price, undefined);
    const full = catalog.lookup('vllm:full')!;
    assert.deepEqual([full.price!.input * 1e6, full.price!.output * 1e6], [1, 2]);
    assert.equal(full.combinedWindow, 32_768);
  });

  it('local: true makes a model free; Ollama models are local and free unless *-cloud', () => {
    const catalog = new ModelCatalog([{ ref: 'openai:gpt-4o', local: true }], { providers: [{ id: 'box', kind: 'ollama' }] });
    assert.deepEqual(catalog.lookup('openai:gpt-4o')!.price, { input: 0, output: 0 });
    const installed = catalog.lookup('box:qwen3:30b')!;
    assert.equal(installed.local, true);
    assert.deepEqual(installed.price, { input: 0, output: 0 });
    const cloud = catalog.lookup('box:gpt-oss:120b-cloud')!;
    assert.equal(cloud.local, undefined, 'Ollama Cloud runs on ollama.com');
    assert.equal(cloud.price, undefined, 'and its price is unknown, not $0');
  });
});

describe('deprecation', () => {
  const catalog = new ModelCatalog();

  it("claude-opus-4-1 is past its date (its snapshot's) and claude-sonnet-4-5 retires in 3 days (the Anthropic SDK's list)", () => {
    assert.deepEqual(deprecationState(catalog.lookup('anthropic:claude-opus-4-1')!.deprecation, TODAY), {
      state: 'retired',
      date: '2026-08-05',
      days: 114,
      successor: 'anthropic:claude-opus-5',
    });
    assert.deepEqual(deprecationState(catalog.lookup('anthropic:claude-sonnet-4-5')!.deprecation, TODAY), {
      state: 'retiring',
      date: '2026-11-30',
      days: 3,
      successor: 'anthropic:claude-sonnet-5',
    });
    assert.equal(deprecationState(catalog.lookup('openai:gpt-5')!.deprecation, TODAY), undefined);
  });

  it('families and successors by rule', () => {
    assert.deepEqual(lineage('claude-3-7-sonnet-20250219'), { family: 'claude-sonnet', version: [3, 7], preview: false });
    assert.deepEqual(lineage('gemini-2.0-flash-001'), { family: 'gemini-flash', version: [2, 0, 1], preview: false });
    assert.equal(catalog.lookup('gemini:gemini-2.0-flash')!.deprecation?.successor, 'gemini:gemini-3.6-flash');
    assert.equal(successorFor({ provider: 'openai', id: 'o3' }, catalog.all()), undefined, 'no version: no guess');
  });

  it('a route in settings.json that names a deprecated model: a mention at its position with date and successor', () => {
    const text =
      '{\n  "llmWorkbench.routes": {\n    "chat": { "primary": "anthropic:claude-opus-4-1", "fallbacks": ["openai:gpt-5"] }\n  }\n}';
    const mentions = deprecatedRefsIn(text, catalog, TODAY);
    assert.equal(mentions.length, 1);
    assert.equal(text.slice(mentions[0].offset, mentions[0].offset + mentions[0].length), 'anthropic:claude-opus-4-1');
    assert.equal(
      mentions[0].message,
      'anthropic:claude-opus-4-1 (Claude Opus 4.1) is deprecated since 2026-08-05; suggested successor: anthropic:claude-opus-5.',
    );
    assert.deepEqual(
      deprecatedRefsIn('{ "other.setting": "anthropic:claude-opus-4-1" }', catalog, TODAY),
      [],
      'not our settings: left alone',
    );
  });
});
