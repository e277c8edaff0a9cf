import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseEvalFile, parseEvalText } from '../../../src/core/evals/parseEvalFile';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'evals');

describe('parseEvalFile', () => {
  it('reads a promptfoo config with file:// prompts, defaultTest and tests from YAML and CSV', () => {
    const file = parseEvalFile(join(FIXTURES, 'promptfoo', 'promptfooconfig.yaml'));
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.fatal, false);
    assert.equal(file.description, 'Support ticket triage');
    assert.equal(file.prompts.length, 2);
    assert.match(file.prompts[0].raw, /Ticket: \{\{ ticket \}\}/);
    // promptfoo keeps a .json prompt file as compact JSON text; each provider parses it into messages.
    assert.deepEqual(
      (JSON.parse(file.prompts[1].raw) as { role: string }[]).map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(file.prompts[1].label, 'chat');
    assert.deepEqual(
      file.providers.map((p) => [p.ref, p.label]),
      [
        ['openai:gpt-4o-mini', 'openai:chat:gpt-4o-mini'],
        ['anthropic:claude-haiku-4-5', 'haiku'],
      ],
    );
    assert.equal(file.providers[1].temperature, 0);
    assert.equal(file.providers[1].maxTokens, 64);
    assert.deepEqual(
      file.tests.map((t) => t.description),
      ['refund request', 'login problem', 'ticket=The export button crashes the app', 'plan change', 'docs question'],
    );
  });

  it("merges defaultTest like promptfoo: vars under the test's, defaultTest's assertions first, grader inherited", () => {
    const file = parseEvalFile(join(FIXTURES, 'promptfoo', 'promptfooconfig.yaml'));
    const first = file.tests[0];
    assert.deepEqual(first.vars, { product: 'Acme Cloud', ticket: 'I was charged twice, please refund me' });
    assert.deepEqual(
      first.assert.map((a) => `${a.negate ? 'not-' : ''}${a.type}`),
      ['latency', 'icontains', 'not-icontains'],
    );
    assert.equal(first.grader, 'openai:gpt-4o-mini');
  });

  it('turns CSV __expected cells into assertions (plain text = equals)', () => {
    const file = parseEvalFile(join(FIXTURES, 'promptfoo', 'promptfooconfig.yaml'));
    const [plan, docs] = file.tests.slice(3);
    // defaultTest's latency assertion comes first (promptfoo prepends defaultTest.assert).
    assert.deepEqual([plan.assert[1].type, plan.assert[1].value], ['icontains', 'billing']);
    assert.deepEqual([docs.assert[1].type, docs.assert[1].value], ['equals', 'other']);
    assert.equal(plan.vars.ticket, 'Please change my plan, thanks');
    assert.equal(plan.location.range.start.line, 1);
    assert.match(plan.location.file, /tests\.csv$/);
  });

  it('keeps 0-based positions of every test and assertion, in the file they were written in', () => {
    const text = [
      'prompts: ["Say {{x}}"]',
      'providers: [openai:gpt-4o-mini]',
      'tests:',
      '  - vars: { x: 1 }',
      '    assert:',
      '      - type: contains',
      '        value: "1"',
      '      - type: assert-set',
      '        assert:',
      '          - type: equals',
      '            value: "1"',
    ].join('\n');
    const file = parseEvalText(text, '/w/a.eval.yaml');
    assert.deepEqual(file.diagnostics, []);
    const [test] = file.tests;
    assert.deepEqual(test.location.range.start, { line: 3, column: 4 });
    assert.deepEqual(test.assert[0].location.range.start, { line: 5, column: 8 });
    assert.deepEqual(test.assert[0].location.range.end, { line: 6, column: 18 });
    assert.deepEqual(test.assert[1].assert![0].location.range.start, { line: 9, column: 12 });
    assert.match(parseEvalFile(join(FIXTURES, 'promptfoo', 'promptfooconfig.yaml')).tests[1].location.file, /tests\.yaml$/);
  });

  it('normalizes promptfoo provider ids and keeps Ollama tags', () => {
    const text =
      'prompts: [hi]\nproviders:\n  - openai:chat:gpt-4o-mini\n  - anthropic:messages:claude-haiku-4-5\n  - ollama:chat:llama3\n  - ollama:chat:llama3.1:8b\n  - id: openai:gpt-4o\n    config: { apiBaseUrl: "http://127.0.0.1:9/v1" }\ntests: [{ vars: {} }]';
    const file = parseEvalText(text, '/w/a.eval.yaml');
    assert.deepEqual(
      file.providers.map((p) => p.ref),
      ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5', 'ollama:llama3', 'ollama:llama3.1:8b', 'openai:gpt-4o'],
    );
    assert.equal(file.providers[4].apiBaseUrl, 'http://127.0.0.1:9/v1');
  });

  it('routes by task when no provider is named', () => {
    const file = parseEvalText('task: classify\nprompts: [hi]\ntests: [{ vars: {} }]', '/w/a.eval.yaml');
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.task, 'classify');
    assert.deepEqual(file.providers, []);
  });

  it('accepts JSON eval files with the same positions', () => {
    const text =
      '{\n  "prompts": ["Q: {{q}}"],\n  "providers": ["openai:gpt-4o-mini"],\n  "tests": [\n    { "vars": { "q": "a" }, "assert": [{ "type": "equals", "value": "b" }] }\n  ]\n}';
    const file = parseEvalText(text, '/w/a.eval.json');
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(file.tests[0].location.range.start, { line: 4, column: 4 });
  });

  it('one bad test is reported and skipped; the others still run', () => {
    const text =
      'prompts: ["{{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { q: a }\n    assert: [{ type: containz, value: a }]\n  - vars: { q: b }\n    assert: [{ type: contains, value: b }]';
    const file = parseEvalText(text, '/w/a.eval.yaml');
    assert.equal(file.fatal, false);
    assert.deepEqual(
      file.tests.map((t) => t.index),
      [1],
    );
    assert.equal(file.diagnostics.length, 1);
    assert.equal(file.diagnostics[0].range.start.line, 4);
  });

  it('warns when a prompt variable is missing from a test', () => {
    const file = parseEvalText('prompts: ["{{question}}"]\ntests: [{ vars: { q: 1 } }]', '/w/a.eval.yaml');
    assert.equal(file.tests.length, 1);
    assert.equal(file.diagnostics[0].severity, 'warning');
    assert.match(file.diagnostics[0].message, /\{\{question\}\}.*no `question` var/);
  });
});
