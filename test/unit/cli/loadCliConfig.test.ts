import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import { ConfigError, editorSettings, loadCliConfig } from '../../../src/cli/loadCliConfig';

const fromText = (text: string) => () => text;

function load(settings: object | undefined, env: NodeJS.ProcessEnv = {}) {
  return loadCliConfig({ file: settings ? 'wb.json' : undefined, env, readFile: fromText(JSON.stringify(settings)) });
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
    assert.match(configError(() => load({ 'llmWorkbench.routes.chat': {} })), /unknown setting "llmWorkbench\.routes\.chat" \(did you mean "llmWorkbench\.routes"\?\)/);
    assert.match(configError(() => load({ 'llmWorkbench.gateway': { retries: 3 } })), /unknown setting "llmWorkbench\.gateway\.retries"/);
  });

  it('accepts editor-only settings it was told about, so a settings.json works as is', () => {
    const { config } = loadCliConfig({ file: 'x', env: {}, editorSettings: ['llmWorkbench.chat.fontSize'], readFile: fromText('{"llmWorkbench.chat.fontSize": 14}') });
    assert.ok(config);
  });

  it('an invalid value is an error naming the setting, not a silent default', () => {
    assert.match(configError(() => load({ 'llmWorkbench.budget.warnThreshold': 2 })), /llmWorkbench\.budget\.warnThreshold/);
    assert.match(configError(() => load({ 'llmWorkbench.gateway': { maxAttempts: 0 } })), /"llmWorkbench\.gateway\.maxAttempts" must be a number ≥ 1/);
  });

  it('invalid JSON says where; an unreadable file says why', () => {
    const message = configError(() => loadCliConfig({ file: 'wb.json', env: {}, readFile: fromText('{\n  "a": 1,\n  oops\n}') }));
    assert.match(message, /wb\.json is not valid JSON \(line 3, column 3\)/);
    assert.match(configError(() => loadCliConfig({ file: '/no/such/file.json', env: {} })), /Cannot read the config file \/no\/such\/file\.json/);
    assert.match(configError(() => loadCliConfig({ file: 'a', env: {}, readFile: fromText('[1]') })), /must hold a JSON object/);
  });

  it('environment base URLs create or re-point providers; a key alone creates one', () => {
    const { config } = load(undefined, {
      OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1',
      ANTHROPIC_API_KEY: 'sk-ant',
      OLLAMA_HOST: '127.0.0.1:4011',
    });
    assert.deepEqual(config.providers.map((p) => [p.id, p.kind, p.baseUrl]), [
      ['ollama', 'ollama', 'http://127.0.0.1:4011'],
      ['openai', 'openai', 'http://127.0.0.1:4010/v1'],
      ['anthropic', 'anthropic', undefined],
    ]);
  });

  it('keys come from the environment: the provider id’s own variable first, then the kind’s', async () => {
    const cli = load(
      { 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai' }, { id: 'azure-east', kind: 'openai', baseUrl: 'https://x.example/v1' }, { id: 'ollama', kind: 'ollama' }] },
      { OPENAI_API_KEY: ' sk-1 ', AZURE_EAST_API_KEY: 'az-2' },
    );
    assert.equal(await cli.keys('openai'), 'sk-1');
    assert.equal(await cli.keys('azure-east'), 'az-2');
    assert.equal(await cli.keys('ollama'), undefined);
    assert.equal(cli.keyHint('azure-east'), 'set AZURE_EAST_API_KEY in the environment');
    assert.equal(cli.keyHint('openai'), 'set OPENAI_API_KEY in the environment');
  });

  it('puts the ledger under LLM_WORKBENCH_HOME', () => {
    assert.equal(load(undefined, { LLM_WORKBENCH_HOME: '/srv/wb' }).ledgerPath, join('/srv/wb', 'ledger.jsonl'));
  });
  it('editorSettings() lists every setting package.json contributes, which chat and eval accept in --config', () => {
    const contributed = Object.keys((packageJson as { contributes: { configuration: { properties: Record<string, unknown> } } }).contributes.configuration.properties);
    assert.ok(contributed.length > 0);
    assert.deepEqual(editorSettings(), contributed);
  });
});
