import assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';
import { editorOnlyDiagnostics } from '../../../src/core/evals/editor/editorOnlyDiagnostics';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

describe('editor-only eval diagnostics', () => {
  const config = { ...defaultConfig(), providers: [{ id: 'openai', kind: 'openai' as const }] };

  it('refuses at the apiBaseUrl line in an untrusted workspace (your key would go there); a trusted one confirms at run time', () => {
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
    assert.equal(extra[0].severity, 'error');
    assert.match(extra[0].message, /endpoint chosen by the eval file, where promptfoo would send your OPENAI_API_KEY.*trusted workspace/);
    assert.equal(extra[0].file, '/ws/a.eval.yaml');
    assert.deepEqual(extra[0].range.start, { line: 6, column: 6 });
    assert.deepEqual(editorOnlyDiagnostics(file, config, true), []);
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
