import * as assert from 'node:assert/strict';
import { readSettings } from '../../../src/core/config/readSettings';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';

/** Settings as a flat map keyed below `llmWorkbench.`, like VS Code's `getConfiguration('llmWorkbench').get(key)`. */
function from(values: Record<string, unknown>) {
  return readSettings((key) => values[key]);
}

describe('readSettings', () => {
  it('gives the defaults when nothing is set', () => {
    const { config, problems } = from({});
    assert.deepEqual(config, defaultConfig());
    assert.deepEqual(problems, []);
  });

  it('reads valid budget settings', () => {
    const { config, problems } = from({
      'budget.model': 'anthropic:claude-sonnet-4-5',
      'budget.warnThreshold': 0.5,
      'budget.outputReserve': 4096,
      'budget.dailyUsd': 2.5,
      'budget.callsPerDay': 300,
      'budget.include': ['prompts/**/*.txt'],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.budget, {
      model: 'anthropic:claude-sonnet-4-5',
      warnThreshold: 0.5,
      outputReserve: 4096,
      dailyUsd: 2.5,
      callsPerDay: 300,
      include: ['prompts/**/*.txt'],
    });
  });

  it('names the setting, the value found and the fallback used when a value is invalid', () => {
    const { config, problems } = from({ 'budget.warnThreshold': 1.5, 'budget.model': 'gpt-4o' });
    assert.equal(config.budget.warnThreshold, 0.8);
    assert.equal(config.budget.model, 'openai:gpt-4o');
    assert.deepEqual(
      problems.map((p) => p.setting),
      ['llmWorkbench.budget.model', 'llmWorkbench.budget.warnThreshold'],
    );
    assert.match(problems[1].message, /"llmWorkbench\.budget\.warnThreshold" must be a number between 0 and 1 \(found 1\.5\); using 0\.8/);
    assert.match(problems[0].message, /provider:model.*found "gpt-4o"/);
  });

  it('rejects fractional token counts', () => {
    const { config, problems } = from({ 'budget.outputReserve': 10.5 });
    assert.equal(config.budget.outputReserve, 1000);
    assert.match(problems[0].message, /whole number ≥ 0/);
  });

  it('keeps the good entries of a list and reports the bad ones by position', () => {
    const { config, problems } = from({
      providers: [
        { id: 'openai', kind: 'openai' },
        { id: 'x', kind: 'grpc' },
        { id: 'local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' },
      ],
      models: [{ ref: 'ollama:phi3', contextWindow: 8192 }, { ref: 'nocolon' }],
    });
    assert.deepEqual(
      config.providers.map((p) => p.id),
      ['openai', 'local'],
    );
    assert.deepEqual(config.models, [{ ref: 'ollama:phi3', contextWindow: 8192 }]);
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /"llmWorkbench\.providers" entry 2 is ignored/);
    assert.match(problems[1].message, /"llmWorkbench\.models" entry 2 is ignored/);
  });

  it('keeps numCtx on an Ollama provider (the README example), refuses a bad one, and says when another kind sets it', () => {
    const { config, problems } = from({
      providers: [
        { id: 'ollama', kind: 'ollama', baseUrl: 'http://localhost:11434', numCtx: 8192 },
        { id: 'big', kind: 'ollama', numCtx: 8192.5 },
        { id: 'openai', kind: 'openai', numCtx: 4096 },
      ],
    });
    assert.deepEqual(config.providers, [
      { id: 'ollama', kind: 'ollama', baseUrl: 'http://localhost:11434', numCtx: 8192 },
      { id: 'openai', kind: 'openai' },
    ]);
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /"llmWorkbench\.providers" entry 2 is ignored: it must be .*"numCtx": a whole number/);
    assert.match(
      problems[1].message,
      /"llmWorkbench\.providers" entry 3 sets numCtx, which only Ollama providers use \(kind "openai"\): it is ignored/,
    );
  });

  it('reads routes per task and reports unknown tasks and malformed routes', () => {
    const { config, problems } = from({
      routes: {
        chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] },
        poetry: { primary: 'openai:gpt-4o' },
        code: { primary: 42 },
      },
    });
    assert.deepEqual(config.routes, { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] } });
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /unknown task "poetry"/);
    assert.match(problems[1].message, /"code" is ignored/);
  });

  it('reads booleans strictly', () => {
    assert.equal(from({ logPrompts: true }).config.logPrompts, true);
    const { config, problems } = from({ logPrompts: 'yes' });
    assert.equal(config.logPrompts, false);
    assert.match(problems[0].message, /must be true or false/);
  });

  describe('invalid values, checked with the schema package.json contributes', () => {
    it('a route: the task, the field and the expected shape are named; the other routes are kept', () => {
      const { config, problems } = from({
        routes: {
          chat: { primary: 'openai:gpt-4o-mini' },
          code: { primary: 'openai:gpt-4o', fallbacks: ['gpt-4o-mini'] },
          extract: { primary: 'openai:gpt-4o', fallback: ['openai:gpt-4o-mini'] },
        },
      });
      assert.deepEqual(config.routes, { chat: { primary: 'openai:gpt-4o-mini' } });
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          'Setting "llmWorkbench.routes" "code" is ignored: it must be an object with "fallbacks.0": a model reference as provider:model, e.g. openai:gpt-4o-mini or ollama:llama3.1:8b (found "gpt-4o-mini").',
          'Setting "llmWorkbench.routes" "extract" is ignored: it has an unknown key "fallback" (known: primary, fallbacks, validator).',
        ],
      );
    });

    it('a provider: numCtx below 1, an unknown kind, a missing id, a misspelt key — each entry dropped, the rest kept', () => {
      const { config, problems } = from({
        providers: [
          { id: 'ollama', kind: 'ollama', numCtx: 0 },
          { id: 'x', kind: 'grpc' },
          { kind: 'openai' },
          { id: 'proxy', kind: 'openai-compatible', baseURL: 'https://proxy.example/v1' },
          { id: 'openai', kind: 'openai' },
        ],
      });
      assert.deepEqual(config.providers, [{ id: 'openai', kind: 'openai' }]);
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          'Setting "llmWorkbench.providers" entry 1 is ignored: it must be an object with "numCtx": a whole number ≥ 1 (found 0).',
          'Setting "llmWorkbench.providers" entry 2 is ignored: it must be an object with "kind": one of "openai", "anthropic", "openai-compatible", "ollama", "azure" (found "grpc").',
          'Setting "llmWorkbench.providers" entry 3 is ignored: it must have "id": a string matching /^[A-Za-z0-9_.-]+$/.',
          'Setting "llmWorkbench.providers" entry 4 is ignored: it has an unknown key "baseURL" (known: id, kind, baseUrl, ollamaApi, numCtx, apiVersion).',
        ],
      );
      // A misspelt baseUrl is not silently ignored (which would send the key to the default endpoint).
      assert.equal(problems[3].setting, 'llmWorkbench.providers');
    });

    it('resilience numbers (llmWorkbench.gateway): a bad or unknown field is dropped, the valid ones are kept', () => {
      const { config, problems } = from({
        gateway: { maxAttempts: 0, breakerThreshold: 2.5, retries: 3, firstByteTimeoutMs: 2 ** 31, idleTimeoutMs: 10_000 },
      });
      assert.deepEqual(config.resilience, { idleTimeoutMs: 10_000 });
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          'Setting "llmWorkbench.gateway" has an unknown setting "retries": use one of maxAttempts, initialDelayMs, maxDelayMs, maxTotalWaitMs, firstByteTimeoutMs, idleTimeoutMs, breakerThreshold, breakerCooldownMs.',
          'Setting "llmWorkbench.gateway" "maxAttempts" is ignored: it must be a whole number ≥ 1 (found 0).',
          'Setting "llmWorkbench.gateway" "breakerThreshold" is ignored: it must be a whole number ≥ 1 (found 2.5).',
          'Setting "llmWorkbench.gateway" "firstByteTimeoutMs" is ignored: 2147483648 ms is more than the longest wait a timer can hold (2147483647 ms, about 24.8 days).',
        ],
      );
      assert.equal(from({ gateway: {} }).config.resilience, undefined);
      assert.deepEqual(from({ gateway: { maxAttempts: 5 } }).config.resilience, { maxAttempts: 5 });
    });

    it('a routing rule and a model override: the nested field that is wrong', () => {
      const { config, problems } = from({
        'routing.rules': [
          { when: { task: 'chatty' }, reason: 'typo' },
          { when: { minInputTokens: 8000 }, use: { primary: 'anthropic:claude-sonnet-4-5' }, reason: 'long prompts' },
          { when: { maxInputTokens: -1 }, reason: 'negative' },
        ],
        models: [{ ref: 'ollama:phi3', contextWindow: 0 }, { ref: 'openai:x', tokenizer: 'p50k_base' }, { ref: 'ollama:llama3' }],
      });
      assert.deepEqual(
        config.routingRules.map((r) => r.reason),
        ['long prompts'],
      );
      assert.deepEqual(config.models, [{ ref: 'ollama:llama3' }]);
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          'Setting "llmWorkbench.routing.rules" entry 1 is ignored: it must be an object with "when.task": one of "chat", "code", "classify", "extract", "summarize", "reason" or a list, each entry one of "chat", "code", "classify", "extract", "summarize", "reason" (found "chatty").',
          'Setting "llmWorkbench.routing.rules" entry 3 is ignored: it must be an object with "when.maxInputTokens": a whole number ≥ 0 (found -1).',
          'Setting "llmWorkbench.models" entry 1 is ignored: it must be an object with "contextWindow": a whole number ≥ 1 (found 0).',
          'Setting "llmWorkbench.models" entry 2 is ignored: it must be an object with "tokenizer": one of "o200k_base", "cl100k_base", "estimate" (found "p50k_base").',
        ],
      );
    });

    it('budget numbers, a list that is not a list, and an object that is not an object', () => {
      const { config, problems } = from({ 'budget.dailyUsd': -1, 'budget.callsPerDay': '300', privateFiles: '*.env', routes: [] });
      assert.equal(config.budget.dailyUsd, undefined);
      assert.equal(config.budget.callsPerDay, 1000);
      assert.deepEqual(config.privateFiles, []);
      assert.deepEqual(config.routes, {});
      assert.deepEqual(
        problems.map((p) => p.message),
        [
          'Setting "llmWorkbench.budget.callsPerDay" must be a whole number ≥ 0 (found "300"); using 1000.',
          'Setting "llmWorkbench.budget.dailyUsd" must be a number ≥ 0 (found -1); using 0.',
          'Setting "llmWorkbench.routes" must be an object keyed by task (found []); using none.',
          'Setting "llmWorkbench.privateFiles" must be a list (found "*.env"); using the default.',
        ],
      );
    });
  });
});
