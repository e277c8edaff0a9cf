import assert from 'node:assert/strict';
import { effectiveContextWindow, effectiveLimits } from '../../../src/core/providers/effectiveContextWindow';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { evaluateBudget } from '../../../src/core/tokens/budget';
import { sectionHoverMarkdown } from '../../../src/features/tokens/promptSectionFormat';
import { tooltipMarkdown } from '../../../src/features/tokens/tokenStatusFormat';

describe('the Ollama window note in the tooltip and the hover', () => {
  const qwen = new ModelCatalog().lookup('ollama:qwen2.5-coder:7b')!;
  const window = effectiveContextWindow({
    ref: qwen.ref,
    info: qwen,
    provider: { id: 'ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434' },
    server: { state: 'known', window: { tokens: 8192, from: 'modelfile' } },
  });
  const evaluation = evaluateBudget({
    model: { ...qwen, ...effectiveLimits(qwen, window) },
    promptTokens: 5000,
    outputReserve: 1000,
    warnThreshold: 0.8,
  });

  it("the status bar tooltip measures against the server's num_ctx and says so, as text (not markdown)", () => {
    const markdown = tooltipMarkdown({
      fileName: 'a.prompt.md',
      total: 5000,
      tokenizer: qwen.tokenizer,
      modelName: qwen.displayName,
      evaluation,
      windowNote: window.note,
      costs: [],
      callsPerDay: 100,
    });
    assert.match(markdown, /8,192-token window/);
    assert.ok(
      markdown.includes('Window 8,192 = num\\_ctx of qwen2.5-coder:7b from the Ollama server at http://127.0.0.1:11434.'),
      markdown,
    );
  });

  it('the hover says it too; no note, no line', () => {
    const input = {
      heading: 'System',
      tokens: 300,
      contextWindow: 8192,
      modelName: qwen.displayName,
      tokenizer: qwen.tokenizer,
      promptTokens: 5000,
      outputReserve: 1000,
      callsPerDay: 100,
      costs: [],
    };
    assert.match(sectionHoverMarkdown({ ...input, windowNote: window.note }), /Window 8,192 = num\\_ctx/);
    assert.doesNotMatch(sectionHoverMarkdown(input), /Window/);
  });
});
