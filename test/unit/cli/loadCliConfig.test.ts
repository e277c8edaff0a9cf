import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import { ConfigError, editorSettings, isLoopbackUrl, loadCliConfig } from '../../../src/cli/loadCliConfig';

const fromText = (text: string) => () => text;

function load(settings: object | undefined, env: NodeJS.ProcessEnv = {}, allowConfigEndpoints = false) {
  return loadCliConfig({ file: settings ? 'wb.json' : undefined, env, readFile: fromText(JSON.stringify(settings)), allowConfigEndpoints });
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('CLI configuration', () => {
  it('reads the settings keys of the editor, flat or with budget as an object', () => {
    const { config } = load({
      'llmWorkbench.providers': [{ id: 'groq', kind: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1' }],
      'llmWorkbench.routes': { code: { primary: 'groq:llama-3.3-70b-versatile' } },
      'llmWorkbench.routing.rules': [{ when: { task: 'chat' }, use: { primary: 'groq:llama-3.1-8b-instant' }, reason: 'cheap chat' }],
      'llmWorkbench.models': [{ ref: 'groq:my-model', contextWindow: 8192 }],
      'llmWorkbench.budget': { outputReserve: 256 },
      'llmWorkbench.budget.dailyUsd': 3,
      'llmWorkbench.gateway': { maxTotalWaitMs: 5000 },
    });
    assert.equal(config.providers[0].id, 'groq');
    assert.equal(config.routes.code?.primary, 'groq:llama-3.3-70b-versatile');
    assert.equal(config.routingRules[0].reason, 'cheap chat');
    assert.equal(config.models[0].contextWindow, 8192);
    assert.equal(config.budget.outputReserve, 256);
    assert.equal(config.budget.dailyUsd, 3);
    assert.deepEqual(config.resilience, { maxTotalWaitMs: 5000 });
  });

  it('names an unknown key, with the near miss', () => {
    assert.match(
      configError(() => load({ 'llmWorkbench.routes.chat': {} })),
      /unknown setting "llmWorkbench\.routes\.chat" \(did you mean "llmWorkbench\.routes"\?\)/,
    );
    assert.match(
      configError(() => load({ 'llmWorkbench.gateway': { retries: 3 } })),
      /unknown setting "llmWorkbench\.gateway\.retries"/,
    );
  });

  it('accepts editor-only settings it was told about, so a settings.json works as is', () => {
    const { config } = loadCliConfig({
      file: 'x',
      env: {},
      editorSettings: ['llmWorkbench.chat.fontSize'],
      readFile: fromText('{"llmWorkbench.chat.fontSize": 14}'),
    });
    assert.ok(config);
  });

  it('an invalid value is an error naming the setting, not a silent default', () => {
    assert.match(
      configError(() => load({ 'llmWorkbench.budget.warnThreshold': 2 })),
      /llmWorkbench\.budget\.warnThreshold/,
    );
    assert.match(
      configError(() => load({ 'llmWorkbench.gateway': { maxAttempts: 0 } })),
      /"llmWorkbench\.gateway\.maxAttempts" must be a number ≥ 1/,
    );
  });

  it('invalid JSON says where; an unreadable file says why', () => {
    const message = configError(() => loadCliConfig({ file: 'wb.json', env: {}, readFile: fromText('{\n  "a": 1,\n  oops\n}') }));
    assert.match(message, /wb\.json is not valid JSON \(line 3, column 3\)/);
    assert.match(
      configError(() => loadCliConfig({ file: '/no/such/file.json', env: {} })),
      /Cannot read the config file \/no\/such\/file\.json/,
    );
    assert.match(
      configError(() => loadCliConfig({ file: 'a', env: {}, readFile: fromText('[1]') })),
      /must hold a JSON object/,
    );
  });

  it('environment base URLs create or re-point providers; a key alone creates one', () => {
    const { config } = load(undefined, {
      OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1',
      ANTHROPIC_API_KEY: 'sk-ant',
      OLLAMA_HOST: '127.0.0.1:4011',
    });
    assert.deepEqual(
      config.providers.map((p) => [p.id, p.kind, p.baseUrl]),
      [
        ['ollama', 'ollama', 'http://127.0.0.1:4011'],
        ['openai', 'openai', 'http://127.0.0.1:4010/v1'],
        ['anthropic', 'anthropic', undefined],
      ],
    );
  });

  it('keys come from the environment: the provider id’s own variable first, then the kind’s', async () => {
    const cli = load(
      {
        'llmWorkbench.providers': [
          { id: 'openai', kind: 'openai' },
          { id: 'azure-east', kind: 'openai', baseUrl: 'https://x.example/v1' },
          { id: 'ollama', kind: 'ollama' },
        ],
      },
      { OPENAI_API_KEY: ' sk-1 ', AZURE_EAST_API_KEY: 'az-2' },
      true, // azure-east's base URL comes from the file: vouched for with --allow-config-endpoints
    );
    assert.equal(await cli.keys('openai'), 'sk-1');
    assert.equal(await cli.keys('azure-east'), 'az-2');
    assert.equal(await cli.keys('ollama'), undefined);
    assert.equal(cli.keyHint('azure-east'), 'set AZURE_EAST_API_KEY in the environment');
    assert.equal(cli.keyHint('openai'), 'set OPENAI_API_KEY in the environment');
  });

  it('a vendor an eval file names by prefix, absent from the settings, takes its usual variable (TOGETHER_API_KEY for togetherai)', async () => {
    const cli = load(undefined, { MISTRAL_API_KEY: 'mk-1', TOGETHER_API_KEY: 'tg-2' });
    assert.equal(await cli.keys('mistral'), 'mk-1');
    assert.equal(await cli.keys('togetherai'), 'tg-2');
    assert.equal(await cli.keys('groq'), undefined);
    assert.equal(cli.keyHint('groq'), 'set GROQ_API_KEY in the environment');
    assert.equal(await cli.keys('not-a-vendor'), undefined);
  });

  describe("a base URL from the --config file never receives the environment's keys unless allowed", () => {
    const attacker = {
      'llmWorkbench.providers': [
        { id: 'openai', kind: 'openai', baseUrl: 'https://collector.example/v1' },
        { id: 'groq', kind: 'openai-compatible', baseUrl: 'https://collector.example/groq' },
      ],
    };
    const env = { OPENAI_API_KEY: 'sk-user-1', GROQ_API_KEY: 'gsk-user-2' };

    it("the kind's variable and the id's own variable both stay home; the hint says why and what to do", async () => {
      const cli = load(attacker, env);
      assert.equal(await cli.keys('openai'), undefined);
      assert.equal(await cli.keys('groq'), undefined);
      assert.equal(
        cli.keyHint('openai'),
        "its base URL https://collector.example/v1 comes from wb.json, and keys from the environment are sent only to endpoints your environment names (or the provider's default): pass --allow-config-endpoints if you trust that file, or set OPENAI_BASE_URL to that URL",
      );
      assert.doesNotMatch(cli.keyHint('groq'), /GROQ_BASE_URL/, 'no variable that does not exist is suggested');
    });

    it('--allow-config-endpoints sends them', async () => {
      const cli = load(attacker, env, true);
      assert.equal(await cli.keys('openai'), 'sk-user-1');
      assert.equal(await cli.keys('groq'), 'gsk-user-2');
    });

    it("the environment's own base URL, the default endpoint and loopback addresses get the key", async () => {
      assert.equal(await load(attacker, { ...env, OPENAI_BASE_URL: 'https://proxy.corp.example/v1' }).keys('openai'), 'sk-user-1');
      assert.equal(
        load(attacker, { ...env, OPENAI_BASE_URL: 'https://proxy.corp.example/v1' }).config.providers.find((p) => p.id === 'openai')
          ?.baseUrl,
        'https://proxy.corp.example/v1',
      );
      assert.equal(await load({ 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai' }] }, env).keys('openai'), 'sk-user-1');
      for (const url of [
        'http://127.0.0.1:4010/v1',
        'http://localhost:8080/v1',
        'http://127.9.0.1/v1',
        'http://[::1]:4010/v1',
        'http://api.localhost/v1',
      ]) {
        assert.equal(
          await load({ 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: url }] }, env).keys('openai'),
          'sk-user-1',
          url,
        );
      }
    });

    it('loopback is judged on the URL as the client parses it: look-alike names are remote, numeric forms of 127.0.0.1 are local', () => {
      for (const url of [
        'http://127.0.0.1.collector.example/v1',
        'http://localhost.collector.example/v1',
        'http://[::ffff:8.8.8.8]/v1',
        'http://10.0.0.1/v1',
        'not a url',
      ]) {
        assert.equal(isLoopbackUrl(url), false, url);
      }
      for (const url of ['http://0x7f.1/v1', 'http://2130706433/v1', 'http://127.1/v1', 'HTTP://LOCALHOST:1/'])
        assert.equal(isLoopbackUrl(url), true, url);
    });
  });

  it('puts the ledger under LLM_WORKBENCH_HOME', () => {
    assert.equal(load(undefined, { LLM_WORKBENCH_HOME: '/srv/wb' }).ledgerPath, join('/srv/wb', 'ledger.jsonl'));
  });
  it('editorSettings() lists every setting package.json contributes, which chat and eval accept in --config', () => {
    const contributed = Object.keys(
      (packageJson as { contributes: { configuration: { properties: Record<string, unknown> } } }).contributes.configuration.properties,
    );
    assert.ok(contributed.length > 0);
    assert.deepEqual(editorSettings(), contributed);
  });
});
