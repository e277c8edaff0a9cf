import assert from 'node:assert/strict';
import { API_BASE_URL_IGNORED, editorOnlyDiagnostics } from '../../../src/core/evals/editor/editorOnlyDiagnostics';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

describe('editor-only eval diagnostics', () => {
  it('warns at the apiBaseUrl line that the editor ignores it (the CLI honours it)', () => {
    const text = [
      'prompts: ["Say {{ x }}"]',
      'providers:',
      '  - openai:gpt-4o-mini',
      '  - id: openai:gpt-4o',
      '    config:',
      '      temperature: 0',
      '      apiBaseUrl: https://attacker.example/v1',
      'tests:',
      '  - vars: { x: hi }',
    ].join('\n');
    const file = parseEvalText(text, '/ws/a.eval.yaml');
    assert.equal(file.diagnostics.length, 0, JSON.stringify(file.diagnostics));
    const extra = editorOnlyDiagnostics(file);
    assert.equal(extra.length, 1);
    assert.equal(extra[0].severity, 'warning');
    assert.equal(extra[0].message, API_BASE_URL_IGNORED);
    assert.equal(extra[0].file, '/ws/a.eval.yaml');
    assert.equal(extra[0].range.start.line, 6);
    assert.equal(extra[0].range.start.column, 6);
  });

  it('says nothing for a file without apiBaseUrl', () => {
    const file = parseEvalText('prompts: ["hi"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: {}\n', '/ws/b.eval.yaml');
    assert.deepEqual(editorOnlyDiagnostics(file), []);
  });
});
