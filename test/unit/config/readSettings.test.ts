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
});
