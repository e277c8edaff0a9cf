import { strict as assert } from 'node:assert';
import { defaultConfig, type WorkbenchConfig } from '../../../src/core/config/workbenchConfig';
import type { GatewayRequest } from '../../../src/core/gateway/gatewayApi';
import { prepareModel, type Prepared, type PrepareContext } from '../../../src/core/gateway/prepareModel';
import {
  estimatePromptTokens,
  promptTokenCounter,
  promptTokensUpperBound,
  type PromptTokens,
} from '../../../src/core/gateway/promptTokens';
import { decideRoute, type RouterContext } from '../../../src/core/gateway/router';
import { ModelCatalog } from '../../../src/core/models/catalog';
import type { ModelOverride } from '../../../src/core/models/modelInfo';
import type { ProviderAdapter } from '../../../src/core/providers/adapter';
import type { ProviderError } from '../../../src/core/providers/providerError';

/** Texts whose count and byte length differ most: CJK, emoji, special-token text, long runs, code. */
const TEXTS = [
  '',
  'hello world',
  'Label this ticket as billing, bug, account or feature. Ticket 7: ticket 7 about bug',
  '日本語のテキストと中文文本，还有한국어 텍스트.',
  '🙂🙃👩‍👩‍👧‍👦 emoji 🏳️‍🌈'.repeat(20),
  '<|endoftext|><|im_start|>user<|im_end|>',
  'x'.repeat(5000),
  '=-'.repeat(3000),
  'function f(a, b) {\n\treturn a + b; // sum\n}\n'.repeat(40),
];

const PNG_1x1 = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
);

function requests(): GatewayRequest[] {
  const out: GatewayRequest[] = TEXTS.map((text) => ({
    task: 'chat',
    system: text.slice(0, 40),
    messages: [{ role: 'user', content: text }],
  }));
  out.push({
    task: 'chat',
    messages: [
      {
        role: 'user',
        content: '',
        parts: [
          { type: 'text', text: TEXTS[3] },
          { type: 'image', mimeType: 'image/png', data: PNG_1x1 },
        ],
      },
      { role: 'assistant', content: '', parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', input: { q: TEXTS[4] } }] },
      { role: 'user', content: '', parts: [{ type: 'tool_result', callId: 'c1', content: [{ type: 'text', text: TEXTS[8] }] }] },
    ],
    tools: [{ name: 'lookup', description: 'Looks things up', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }],
  } as GatewayRequest);
  return out;
}

/** A PromptTokens that says how often it was asked for an exact count. */
function spied(request: GatewayRequest): PromptTokens & { exactCalls: number } {
  const real = promptTokenCounter(request);
  const spy = {
    exactCalls: 0,
    upperBound: () => real.upperBound(),
    exact: (encoding: Parameters<PromptTokens['exact']>[0]) => {
      spy.exactCalls++;
      return real.exact(encoding);
    },
  };
  return spy;
}

/** How prepareModel decided before the bound: every prompt counted exactly (the bound is the count). */
function countedFirst(request: GatewayRequest): PromptTokens {
  const real = promptTokenCounter(request);
  return { upperBound: () => real.exact('o200k_base'), exact: (encoding) => real.exact(encoding) };
}

function context(models: ModelOverride[], adapter: Partial<ProviderAdapter> = {}): PrepareContext {
  const config: WorkbenchConfig = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' }], models };
  const stub: ProviderAdapter = { id: 'openai', kind: 'openai', stream: () => (async function* () {})(), ...adapter };
  return { config, catalog: new ModelCatalog(models, { providers: config.providers }), adapterFor: () => stub };
}

const prepare = (ctx: PrepareContext, ref: string, request: GatewayRequest, tokens: PromptTokens) =>
  prepareModel(ctx, ref, request, { route: { primary: ref, fallbacks: [], reason: 'test' }, localOnly: false }, tokens);

/** What a call is sent with or refused with: everything a decision in prepareModel can change. */
function outcome(result: Prepared | { skip: ProviderError }) {
  if ('skip' in result) return { skip: result.skip.kind, message: result.skip.message };
  return { ref: result.ref, reserve: result.reserve, maxOutputTokens: result.maxOutputTokens };
}

const ask = (content: string): GatewayRequest => ({ task: 'chat', model: 'openai:tiny', messages: [{ role: 'user', content }] });

describe('prompt tokens: a bound first, the exact count where a decision needs it', () => {
  it('the UTF-8 bound is never below the count of either encoding (texts, images, tool calls, tools)', async () => {
    for (const request of requests()) {
      const bound = await promptTokensUpperBound(request);
      for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
        const exact = await estimatePromptTokens(request, encoding);
        assert.ok(bound >= exact, `${encoding}: bound ${bound} < count ${exact} for ${JSON.stringify(request).slice(0, 80)}`);
      }
    }
  });

  it('a prompt far from its model’s limits is not counted: its bound goes through, the exact count stays on demand', async () => {
    const request = ask('Label this ticket as billing, bug, account or feature. Ticket 7: ticket 7 about bug');
    const tokens = spied(request);
    const prepared = await prepare(
      context([{ ref: 'openai:tiny', maxInputTokens: 128_000, maxOutput: 16_384 }]),
      'openai:tiny',
      request,
      tokens,
    );
    assert.ok(!('skip' in prepared));
    assert.equal(tokens.exactCalls, 0);
    assert.equal(prepared.inputTokensExact, false);
    assert.equal(prepared.inputTokens, await promptTokensUpperBound(request));
    assert.equal(await prepared.exactInputTokens(), await estimatePromptTokens(request, 'o200k_base'));
    assert.deepEqual(
      outcome(prepared),
      outcome(
        await prepare(
          context([{ ref: 'openai:tiny', maxInputTokens: 128_000, maxOutput: 16_384 }]),
          'openai:tiny',
          request,
          countedFirst(request),
        ),
      ),
    );
  });

  it('a bound over the input limit is counted exactly: a prompt that fits is sent, one that does not is refused with its count', async () => {
    const ctx = context([{ ref: 'openai:tiny', maxInputTokens: 400, maxOutput: 100 }]);
    const fits = ask('hello world '.repeat(60)); // 720 bytes, ~120 tokens
    const tokens = spied(fits);
    const prepared = await prepare(ctx, 'openai:tiny', fits, tokens);
    assert.ok(!('skip' in prepared), 'the exact count fits');
    assert.ok(tokens.exactCalls > 0 && prepared.inputTokensExact);
    assert.equal(prepared.inputTokens, await estimatePromptTokens(fits, 'o200k_base'));

    const over = ask('hello world '.repeat(300));
    const refused = await prepare(ctx, 'openai:tiny', over, spied(over));
    assert.ok('skip' in refused);
    assert.equal(refused.skip.kind, 'context_overflow');
    assert.match(refused.skip.message, new RegExp(`~${(await estimatePromptTokens(over, 'o200k_base')).toLocaleString('en-US')} tokens`));
  });

  it('a shared window is counted only where the prompt changes the answer’s room, which is then exact', async () => {
    const roomy = ask('short prompt');
    const notCounted = spied(roomy);
    const big = context([{ ref: 'openai:tiny', contextWindow: 128_000, maxOutput: 16_384 }]); // gpt-4o-mini's catalog shape
    const sent = await prepare(big, 'openai:tiny', roomy, notCounted);
    assert.ok(!('skip' in sent));
    assert.equal(notCounted.exactCalls, 0);
    assert.equal(sent.maxOutputTokens, 16_384);

    const request = ask('short prompt');
    const tokens = spied(request);
    const ctx = context([{ ref: 'openai:tiny', contextWindow: 8192, maxOutput: 8192 }]);
    const prepared = await prepare(ctx, 'openai:tiny', request, tokens);
    assert.ok(!('skip' in prepared));
    assert.ok(prepared.inputTokensExact && tokens.exactCalls > 0);
    assert.equal(prepared.inputTokens, await estimatePromptTokens(request, 'o200k_base'));
  });

  it('decides exactly as counting every prompt first did, for prompts on both sides of each limit', async () => {
    const models: ModelOverride[][] = [
      [{ ref: 'openai:tiny', maxInputTokens: 300, maxOutput: 100 }],
      [{ ref: 'openai:tiny', contextWindow: 600, maxOutput: 400 }],
      [{ ref: 'openai:tiny', maxInputTokens: 300, maxOutput: 100, tokenizer: 'cl100k_base' }],
    ];
    for (const override of models) {
      for (const repeat of [1, 20, 45, 50, 55, 60, 80, 120, 400]) {
        for (const unit of ['word ', '日本 ', '🙂 ']) {
          const request = ask(unit.repeat(repeat));
          const lazy = await prepare(context(override), 'openai:tiny', request, spied(request));
          const counted = await prepare(context(override), 'openai:tiny', request, countedFirst(request));
          assert.deepEqual(outcome(lazy), outcome(counted), `${JSON.stringify(override)} ${unit} x ${repeat}`);
        }
      }
    }
  });

  it('an Ollama model asked in promptfoo’s shape is checked against its server window only when the prompt may not fit', async () => {
    let asked = 0;
    const adapter = { kind: 'ollama' as const, contextWindowFor: async () => (asked++, 2048) };
    const small = { ...ask('hi'), native: {} } as GatewayRequest;
    const tokens = spied(small);
    await prepare(context([], adapter), 'openai:tiny', small, tokens);
    assert.equal(asked, 0);
    assert.equal(tokens.exactCalls, 0);
    const large = { ...ask('word '.repeat(1000)), native: {} } as GatewayRequest; // 5000 bytes, ~1000 tokens: counted
    const counted = spied(large);
    await prepare(context([], adapter), 'openai:tiny', large, counted);
    assert.ok(counted.exactCalls > 0);
    assert.equal(asked, 0, '~1000 tokens fit any Ollama window');
  });

  it('routing counts the prompt only for a rule with a token condition', async () => {
    let counts = 0;
    const count = async () => (counts++, 5000);
    const config: WorkbenchConfig = {
      ...defaultConfig(),
      providers: [{ id: 'openai', kind: 'openai' }],
      routes: { chat: { primary: 'openai:gpt-4o-mini' } },
      routingRules: [{ when: { task: 'code' }, use: { primary: 'openai:gpt-4o' }, reason: 'code' }],
    };
    const ctx: RouterContext = {
      config,
      catalog: new ModelCatalog([]),
      classify: async () => ({ label: 'SIMPLE' }),
      installedLocalModels: async () => [],
    };
    await decideRoute({ task: 'chat', messages: [{ role: 'user', content: 'x' }] }, count, ctx);
    assert.equal(counts, 0);
    config.routingRules.push({ when: { minInputTokens: 4000 }, use: { primary: 'openai:gpt-4.1' }, reason: 'long' });
    const decision = await decideRoute({ task: 'chat', messages: [{ role: 'user', content: 'x' }] }, count, ctx);
    assert.equal(counts, 1);
    assert.equal(decision.route.primary, 'openai:gpt-4.1');
  });
});
