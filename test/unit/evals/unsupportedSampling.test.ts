import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';
import { withEvalProviders } from '../../../src/core/evals/evalProviders';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';
import { ignoredTemperatureWarnings } from '../../../src/core/evals/unsupportedSampling';

describe('config.temperature on Anthropic models', () => {
  const file = parseEvalText(
    [
      'prompts: [hi]',
      'providers:',
      '  - id: openai:chat:gpt-4o-mini',
      '    config: { temperature: 0 }',
      '  - id: anthropic:messages:claude-haiku-4-5',
      '    config: { temperature: 0 }',
      '  - id: claude:claude-sonnet-4-5',
      '    config: { temperature: 0.7 }',
      '  - anthropic:claude-opus-4-1',
      'tests: [{ vars: {} }]',
    ].join('\n'),
    '/w/a.eval.yaml',
  );

  it("warns only at our own Anthropic refs: promptfoo ids get promptfoo's exact body, temperature included", () => {
    const config = { ...defaultConfig(), providers: [{ id: 'claude', kind: 'anthropic' as const, baseUrl: 'http://127.0.0.1:1' }] };
    const { config: withProviders, refFor } = withEvalProviders(config, [file]);
    const warnings = ignoredTemperatureWarnings([file], withProviders, refFor);
    assert.deepEqual(
      warnings.map((w) => [w.severity, w.range.start.line]),
      [['warning', 6]],
    );
    assert.match(warnings[0].message, /`config\.temperature: 0\.7` has no effect on claude:claude-sonnet-4-5/);
    assert.equal(warnings[0].file, '/w/a.eval.yaml');
  });

  it('says nothing for OpenAI (which receives it) or an Anthropic entry without a temperature', () => {
    const openaiOnly = parseEvalText(
      'prompts: [hi]\nproviders:\n  - id: openai:gpt-4o\n    config: { temperature: 0 }\n  - anthropic:claude-haiku-4-5\ntests: [{ vars: {} }]',
      '/w/b.eval.yaml',
    );
    assert.deepEqual(ignoredTemperatureWarnings([openaiOnly], withEvalProviders(defaultConfig(), [openaiOnly]).config), []);
  });
});
