import assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';
import { editorOnlyDiagnostics } from '../../../src/core/evals/editor/editorOnlyDiagnostics';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

describe('editor-only eval diagnostics', () => {
  const config = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' as const }] };

  it('warns at the apiBaseUrl line that the file-chosen endpoint does not get your key', () => {
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
    const extra = editorOnlyDiagnostics(file, config);
    assert.equal(extra.length, 1);
    assert.equal(extra[0].severity, 'warning');
    assert.match(extra[0].message, /your own key is not sent there/);
    assert.equal(extra[0].file, '/ws/a.eval.yaml');
    assert.deepEqual(extra[0].range.start, { line: 6, column: 6 });
  });

  it('apiKeyEnvar is an error in an untrusted workspace, and allowed (to confirm at run time) in a trusted one', () => {
    const file = parseEvalText(
      'prompts: [hi]\nproviders:\n  - id: openai:gpt-4o\n    config: { apiBaseUrl: "https://x.example/v1", apiKeyEnvar: MY_KEY }\n',
      '/ws/c.eval.yaml',
    );
    assert.match(editorOnlyDiagnostics(file, config, false)[0].message, /apiKeyEnvar: MY_KEY/);
    assert.deepEqual(editorOnlyDiagnostics(file, config, true), []);
  });

  it('says nothing for a file without apiBaseUrl', () => {
    const file = parseEvalText('prompts: ["hi"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: {}\n', '/ws/b.eval.yaml');
    assert.deepEqual(editorOnlyDiagnostics(file, config), []);
  });
});
