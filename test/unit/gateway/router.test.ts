import { strict as assert } from 'node:assert';
import { defaultConfig, type WorkbenchConfig } from '../../../src/core/config/workbenchConfig';
import type { GatewayRequest } from '../../../src/core/gateway/gatewayApi';
import { globMatcher } from '../../../src/core/gateway/fileGlobs';
import { decideRoute, type RouterContext } from '../../../src/core/gateway/router';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { ProviderError } from '../../../src/core/providers/providerError';

function config(overrides: Partial<WorkbenchConfig> = {}): WorkbenchConfig {
  return {
    ...defaultConfig(),
    providers: [
      { id: 'openai', kind: 'openai' },
      { id: 'anthropic', kind: 'anthropic' },
      { id: 'ollama', kind: 'ollama' },
    ],
    routes: {
      chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] },
      code: { primary: 'openai:gpt-4o', fallbacks: ['anthropic:claude-sonnet-4-5', 'ollama:qwen2.5-coder:7b'] },
    },
    ...overrides,
  };
}

function context(cfg: WorkbenchConfig, extra: Partial<RouterContext> = {}): RouterContext & { classified: string[] } {
  const classified: string[] = [];
  return {
    config: cfg,
    catalog: new ModelCatalog(cfg.models),
    classified,
    classify: async (model) => {
      classified.push(model);
      return { label: 'COMPLEX' };
    },
    installedLocalModels: async () => [],
    ...extra,
  };
}

const ask = (extra: Partial<GatewayRequest> = {}): GatewayRequest => ({
  task: 'chat',
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});

async function routingFailure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, String(error));
    return error;
  }
  assert.fail('expected a routing error');
}

describe('router', () => {
  it('routes a task to its primary and fallbacks, saying which setting decided', async () => {
    const decision = await decideRoute(ask({ task: 'code' }), 10, context(config()));
    assert.equal(decision.route.primary, 'openai:gpt-4o');
    assert.deepEqual(decision.route.fallbacks, ['anthropic:claude-sonnet-4-5', 'ollama:qwen2.5-coder:7b']);
    assert.equal(decision.route.reason, 'task code -> primary openai:gpt-4o (routes.code)');
    assert.equal(decision.localOnly, false);
  });

  it('uses routes.chat for a task without its own route, and says so', async () => {
    const decision = await decideRoute(ask({ task: 'summarize' }), 10, context(config()));
    assert.equal(decision.route.primary, 'openai:gpt-4o-mini');
    assert.match(decision.route.reason, /no routes\.summarize, so routes\.chat/);
  });

  it('an explicit model bypasses rules and routes, with the reason "chosen by you"', async () => {
    const cfg = config({ routingRules: [{ when: {}, use: { primary: 'openai:o3' }, reason: 'everything to o3' }] });
    const decision = await decideRoute(ask({ model: 'anthropic:claude-opus-4-1', fallbacks: ['openai:gpt-4o'] }), 10, context(cfg));
    assert.deepEqual(decision.route, {
      primary: 'anthropic:claude-opus-4-1',
      fallbacks: ['openai:gpt-4o'],
      reason: 'anthropic:claude-opus-4-1 chosen by you',
    });
  });

  it('the first matching rule wins; a rule whose conditions fail is skipped', async () => {
    const cfg = config({
      routingRules: [
        { when: { task: 'reason' }, use: { primary: 'openai:o3' }, reason: 'reasoning to o3' },
        { when: { task: ['chat', 'code'] }, use: { primary: 'openai:gpt-4.1' }, reason: 'chat and code to 4.1' },
        { when: {}, use: { primary: 'openai:gpt-5' }, reason: 'catch-all' },
      ],
    });
    const decision = await decideRoute(ask(), 10, context(cfg));
    assert.equal(decision.route.primary, 'openai:gpt-4.1');
    assert.equal(decision.route.reason, "rule 2 'chat and code to 4.1' matched task chat -> openai:gpt-4.1");
    const other = await decideRoute(ask({ task: 'extract' }), 10, context(cfg));
    assert.equal(other.route.reason, "rule 3 'catch-all' matched every request -> openai:gpt-5");
  });

  it('matches estimated input tokens against min and max bounds (inclusive)', async () => {
    const cfg = config({
      routingRules: [
        { when: { maxInputTokens: 100 }, use: { primary: 'openai:gpt-4o-mini' }, reason: 'short' },
        { when: { minInputTokens: 100_000 }, use: { primary: 'openai:gpt-4.1' }, reason: 'long' },
      ],
    });
    assert.equal((await decideRoute(ask(), 100, context(cfg))).route.primary, 'openai:gpt-4o-mini');
    const long = await decideRoute(ask(), 100_000, context(cfg));
    assert.equal(long.route.primary, 'openai:gpt-4.1');
    assert.match(long.route.reason, /~100000 input tokens >= 100000/);
    const middle = await decideRoute(ask(), 5_000, context(cfg));
    assert.match(middle.route.reason, /^task chat -> primary/);
  });

  it('matches risk; a request without a risk does not match a risk rule', async () => {
    const cfg = config({
      routingRules: [{ when: { risk: ['high'] }, use: { primary: 'openai:o3' }, reason: 'high risk needs the strongest model' }],
    });
    const high = await decideRoute(ask({ risk: 'high' }), 10, context(cfg));
    assert.equal(high.route.reason, "rule 1 'high risk needs the strongest model' matched risk high -> openai:o3");
    assert.equal((await decideRoute(ask({ risk: 'low' }), 10, context(cfg))).route.primary, 'openai:gpt-4o-mini');
    assert.equal((await decideRoute(ask(), 10, context(cfg))).route.primary, 'openai:gpt-4o-mini');
  });

  it('matches file globs, anchored ones at the root and bare names in any folder', async () => {
    const cfg = config({ routingRules: [{ when: { files: ['infra/**', '*.sql'] }, use: { primary: 'openai:gpt-4.1' }, reason: 'infra' }] });
    assert.equal((await decideRoute(ask({ filePath: 'infra/k8s/deploy.yaml' }), 1, context(cfg))).route.primary, 'openai:gpt-4.1');
    assert.equal((await decideRoute(ask({ filePath: 'db/migrations/001.sql' }), 1, context(cfg))).route.primary, 'openai:gpt-4.1');
    assert.equal((await decideRoute(ask({ filePath: 'src/infra/x.ts' }), 1, context(cfg))).route.primary, 'openai:gpt-4o-mini');
    assert.equal((await decideRoute(ask(), 1, context(cfg))).route.primary, 'openai:gpt-4o-mini', 'no file, no match');
  });

  it('all conditions of a rule must hold', async () => {
    const cfg = config({
      routingRules: [{ when: { task: 'code', risk: 'high', files: ['src/**'] }, use: { primary: 'openai:o3' }, reason: 'risky code' }],
    });
    const all = await decideRoute(ask({ task: 'code', risk: 'high', filePath: 'src/a.ts' }), 1, context(cfg));
    assert.equal(all.route.reason, "rule 1 'risky code' matched task code, risk high, src/a.ts -> openai:o3");
    assert.equal(
      (await decideRoute(ask({ task: 'code', risk: 'low', filePath: 'src/a.ts' }), 1, context(cfg))).route.primary,
      'openai:gpt-4o',
    );
  });

  it('a localOnly rule keeps only local models of the route', async () => {
    const cfg = config({
      routingRules: [{ when: { files: ['src/secret.ts'] }, localOnly: true, reason: 'private files stay local' }],
    });
    const decision = await decideRoute(ask({ task: 'code', filePath: 'src/secret.ts' }), 1, context(cfg));
    assert.equal(decision.route.primary, 'ollama:qwen2.5-coder:7b');
    assert.deepEqual(decision.route.fallbacks, []);
    assert.equal(decision.localOnly, true);
    assert.equal(
      decision.route.reason,
      "rule 1 'private files stay local' matched src/secret.ts -> ollama:qwen2.5-coder:7b; hosted openai:gpt-4o, anthropic:claude-sonnet-4-5 skipped",
    );
  });

  it('privateFiles drop hosted models even from a matching rule, taking local models configured elsewhere', async () => {
    const cfg = config({
      privateFiles: ['**/.env', 'secrets/**'],
      routingRules: [{ when: { task: 'chat' }, use: { primary: 'openai:gpt-4.1' }, reason: 'chat to 4.1' }],
    });
    const decision = await decideRoute(ask({ filePath: 'app/.env' }), 1, context(cfg));
    assert.equal(decision.route.primary, 'ollama:qwen2.5-coder:7b');
    assert.match(
      decision.route.reason,
      /^app\/\.env is private \(privateFiles "\*\*\/\.env"\); rule 1 'chat to 4\.1' matched task chat -> ollama:qwen2\.5-coder:7b \(local only: from the local models in your settings\); hosted openai:gpt-4\.1 skipped$/,
    );
  });

  it('a private file with no local model anywhere fails clearly instead of going to a hosted model', async () => {
    const cfg = config({ privateFiles: ['secrets/**'], routes: { chat: { primary: 'openai:gpt-4o-mini' } } });
    const error = await routingFailure(decideRoute(ask({ filePath: 'secrets/prod.json' }), 1, context(cfg)));
    assert.equal(error.kind, 'bad_request');
    assert.match(error.message, /secrets\/prod\.json is private.*none is configured.*ollama:llama3\.1:8b.*Nothing was sent/);
  });

  it('an explicit hosted model for a private file is refused; an explicit local one is used', async () => {
    const cfg = config({ privateFiles: ['secrets/**'] });
    const error = await routingFailure(decideRoute(ask({ model: 'openai:gpt-4o', filePath: 'secrets/a' }), 1, context(cfg)));
    assert.match(error.message, /but you chose openai:gpt-4o: choose a local model/);
    const local = await decideRoute(ask({ model: 'ollama:llama3.2:3b', filePath: 'secrets/a' }), 1, context(cfg));
    assert.equal(local.route.primary, 'ollama:llama3.2:3b');
    assert.equal(local.localOnly, true);
  });

  it('a model served by an Ollama provider counts as local even when the catalog does not know it', async () => {
    const cfg = config({ privateFiles: ['*.key'], routes: { chat: { primary: 'openai:gpt-4o', fallbacks: ['ollama:my-finetune'] } } });
    const decision = await decideRoute(ask({ filePath: 'keys/server.key' }), 1, context(cfg));
    assert.equal(decision.route.primary, 'ollama:my-finetune');
  });

  it('classify-then-route asks the classifier model and takes the route of its label', async () => {
    const cfg = config({
      routingRules: [
        {
          when: { task: 'chat' },
          classify: {
            model: 'openai:gpt-4o-mini',
            simple: { primary: 'openai:gpt-4o-mini' },
            complex: { primary: 'anthropic:claude-sonnet-4-5', fallbacks: ['openai:gpt-4o'] },
          },
          reason: 'cheap first',
        },
      ],
    });
    const complex = context(cfg);
    const decision = await decideRoute(ask(), 10, complex);
    assert.deepEqual(complex.classified, ['openai:gpt-4o-mini']);
    assert.equal(decision.route.primary, 'anthropic:claude-sonnet-4-5');
    assert.deepEqual(decision.route.fallbacks, ['openai:gpt-4o']);
    assert.equal(
      decision.route.reason,
      "rule 1 'cheap first' matched task chat, openai:gpt-4o-mini labelled it COMPLEX -> anthropic:claude-sonnet-4-5",
    );
    const simple = await decideRoute(ask(), 10, context(cfg, { classify: async () => ({ label: 'SIMPLE' as const }) }));
    assert.equal(simple.route.primary, 'openai:gpt-4o-mini');
    assert.match(simple.route.reason, /labelled it SIMPLE/);
  });

  it('classification is not asked for when the rule does not match', async () => {
    const cfg = config({
      routingRules: [
        {
          when: { task: 'code' },
          classify: { model: 'openai:gpt-4o-mini', simple: { primary: 'a:b' }, complex: { primary: 'c:d' } },
          reason: 'x',
        },
      ],
    });
    const ctx = context(cfg);
    await decideRoute(ask(), 10, ctx);
    assert.deepEqual(ctx.classified, []);
  });

  it('carries the route validator through', async () => {
    const validator = { allowedLabels: ['invoice', 'other'] };
    const cfg = config({ routes: { classify: { primary: 'openai:gpt-4o-mini', validator } } });
    assert.deepEqual((await decideRoute(ask({ task: 'classify' }), 1, context(cfg))).validator, validator);
  });

  it('with nothing configured, uses the first model Ollama has installed and says why', async () => {
    const cfg = { ...defaultConfig() };
    const decision = await decideRoute(
      ask(),
      1,
      context(cfg, { installedLocalModels: async () => ['ollama:llama3.2:3b', 'ollama:mistral:7b'] }),
    );
    assert.equal(decision.route.primary, 'ollama:llama3.2:3b');
    assert.match(
      decision.route.reason,
      /no llmWorkbench\.routes\.chat configured; using ollama:llama3\.2:3b, the first model Ollama has installed/,
    );
  });

  it('with nothing configured and no Ollama, fails with the setting to add', async () => {
    const error = await routingFailure(decideRoute(ask({ task: 'code' }), 1, context({ ...defaultConfig() })));
    assert.equal(error.kind, 'bad_request');
    assert.match(error.message, /No model is configured for task "code": add llmWorkbench\.routes\.code/);
  });

  it('drops duplicate fallbacks', async () => {
    const cfg = config({
      routes: { chat: { primary: 'openai:gpt-4o', fallbacks: ['openai:gpt-4o', 'openai:gpt-4o-mini', 'openai:gpt-4o-mini'] } },
    });
    assert.deepEqual((await decideRoute(ask(), 1, context(cfg))).route.fallbacks, ['openai:gpt-4o-mini']);
  });
});

describe('globMatcher', () => {
  it('returns the glob that matched, normalizing Windows separators and leading ./', () => {
    const match = globMatcher(['src/secret/**', '*.pem']);
    assert.equal(match('src\\secret\\db.ts'), 'src/secret/**');
    assert.equal(match('./certs/server.pem'), '*.pem');
    assert.equal(match('src/public/a.ts'), undefined);
  });
});
