import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadCliConfig } from '../../../src/cli/loadCliConfig';
import { MAX_TIMER_MS } from '../../../src/core/providers/timerDelay';

function load(text: string, file = 'settings.json') {
  return loadCliConfig({ file, env: {}, readFile: () => text });
}

function problem(text: string): string {
  try {
    load(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!/\n\s+at /.test(error.message), 'no stack in the message');
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

/** A settings.json as VS Code writes and people edit it. */
const REAL = `\ufeff// User settings
{
  "editor.fontSize": 14,              // another extension's setting: ignored
  "workbench.colorTheme": "Default Dark+",
  /* our settings, nested like the Settings editor writes objects */
  "llmWorkbench": {
    "providers": [{ "id": "groq", "kind": "openai-compatible", "baseUrl": "https://api.groq.com/openai/v1", },],
    "routes": { "chat": { "primary": "groq:llama-3.1-8b-instant" } },
    "routing": { "rules": [{ "when": { "task": "code" }, "use": { "primary": "groq:llama-3.3-70b-versatile" }, "reason": "code to the big one" }] },
    "budget": { "dailyUsd": 2 },
  },
  "llmWorkbench.budget.outputReserve": 512,
  "llmWorkbench.gateway": { "maxAttempts": 2 },
}
`;

describe('--config accepts a real VS Code settings.json', () => {
  it("JSONC comments, trailing commas, a BOM, nested and flat keys, other extensions' settings ignored", () => {
    const { config } = load(REAL);
    assert.equal(config.providers.find((p) => p.id === 'groq')?.baseUrl, 'https://api.groq.com/openai/v1');
    assert.equal(config.routes.chat?.primary, 'groq:llama-3.1-8b-instant');
    assert.equal(config.routingRules[0]?.reason, 'code to the big one');
    assert.equal(config.budget.dailyUsd, 2);
    assert.equal(config.budget.outputReserve, 512);
    assert.equal(config.resilience?.maxAttempts, 2);
  });

  it('a typo inside our namespace is still an error with a suggestion, nested or flat', () => {
    assert.match(
      problem('{ "llmWorkbench": { "route": {} } }'),
      /unknown setting "llmWorkbench\.route" \(did you mean "llmWorkbench\.routes"\?\)/,
    );
    assert.match(problem('{ "llmWorkbench.route": {} }'), /unknown setting "llmWorkbench\.route"/);
  });

  it('the same setting flat and nested is refused rather than one silently winning', () => {
    assert.match(
      problem('{ "llmWorkbench": { "logPrompts": true }, "llmWorkbench.logPrompts": false }'),
      /"llmWorkbench\.logPrompts" is set twice/,
    );
  });

  it('a syntax error names its line and column', () => {
    assert.match(problem('{\n  "llmWorkbench.routes": {,}\n}'), /settings\.json is not valid JSON \(line 2, column 27\): value expected/);
  });

  it('5,000 levels of nesting: a positioned error, no stack overflow', () => {
    const deep = `{ "llmWorkbench.models": ${'['.repeat(5000)}${']'.repeat(5000)} }`;
    assert.match(problem(deep), /settings\.json \(line 1, column \d+\): nested more than 64 levels deep/);
    const deepObjects = `{"a":${'{"a":'.repeat(100000)}1${'}'.repeat(100000)}}`;
    assert.match(problem(deepObjects), /nested more than 64 levels deep/);
  });

  it(`a gateway timeout above 2^31-1 ms is refused (Node would make it 1 ms)`, () => {
    assert.match(
      problem(`{ "llmWorkbench.gateway": { "firstByteTimeoutMs": ${MAX_TIMER_MS + 1} } }`),
      /more than the longest wait a timer can hold \(2147483647 ms/,
    );
    assert.equal(
      load(`{ "llmWorkbench.gateway": { "firstByteTimeoutMs": ${MAX_TIMER_MS} } }`).config.resilience?.firstByteTimeoutMs,
      MAX_TIMER_MS,
    );
  });

  describe('files that are not settings files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'settings-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a FIFO, a device and a huge file are refused at once, without reading them', function () {
      const fifo = join(dir, 'pipe.json');
      execFileSync('mkfifo', [fifo]);
      const started = Date.now();
      assert.throws(() => loadCliConfig({ file: fifo, env: {} }), /not a regular file/);
      assert.throws(() => loadCliConfig({ file: '/dev/zero', env: {} }), /not a regular file/);
      const big = join(dir, 'big.json');
      writeFileSync(big, `{"x":"${'a'.repeat(5 * 1024 * 1024)}"}`);
      assert.throws(() => loadCliConfig({ file: big, env: {} }), /a settings file is at most 4,194,304/);
      assert.ok(Date.now() - started < 5000);
    });
  });
});
