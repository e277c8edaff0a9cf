import * as assert from 'node:assert/strict';
import { renderTemplate, templateVariables } from '../../../src/core/evals/template';
import { normalizeProviderRef } from '../../../src/core/evals/providerRef';
import { parseAssertionString, parseCsv } from '../../../src/core/evals/csvTests';
import { ASSERTION_TYPES } from '../../../src/core/evals/assertionTypes';

describe('{{ var }} templates', () => {
  const vars = { name: 'Ada', ticket: { customer: { name: 'Bob' }, lines: ['a', 'b'] }, tags: ['x', 'y'], n: 3, flag: false };

  it('fills {{var}} and {{ var }}, dotted and indexed paths', () => {
    assert.equal(renderTemplate('Hi {{name}} and {{ ticket.customer.name }} ({{ticket.lines[1]}})', vars).text, 'Hi Ada and Bob (b)');
  });

  it('renders lists and objects as Nunjucks does (promptfoo): a list joins with commas, an object is [object Object]', () => {
    assert.equal(renderTemplate('{{tags}} {{ticket.customer}} {{n}} {{flag}}', vars).text, 'x,y [object Object] 3 false');
    assert.equal(renderTemplate('{{ ticket.customer | dump }}', vars).text, '{"name":"Bob"}');
  });

  it('runs real Nunjucks: inline if, loops, env in scope, the load filter', () => {
    assert.equal(renderTemplate("{{ 'yes' if q else 'no' }}", { q: 1 }).text, 'yes');
    assert.equal(renderTemplate("{{ 'yes' if q else 'no' }}", { q: '' }).text, 'no');
    assert.equal(renderTemplate('{% for t in tags %}[{{ t }}]{% endfor %}', vars).text, '[x][y]');
    assert.equal(renderTemplate('{{ env.USER_NAME }}', {}, { env: { USER_NAME: 'Ada' } }).text, 'Ada');
    assert.equal(renderTemplate('{{ (s | load).a }}', { s: '{"a": 2}' }).text, '2');
  });

  it('applies the common filters', () => {
    assert.equal(
      renderTemplate(
        '{{ name | upper }} {{ name|lower }} {{ tags | join(", ") }} {{ missing | default("none") }} {{ tags | length }}',
        vars,
      ).text,
      'ADA ada x, y none 2',
    );
    assert.equal(renderTemplate('{{ ticket.customer | dump }}', vars).text, '{"name":"Bob"}');
  });

  it('renders an undefined variable as empty text and reports it', () => {
    const r = renderTemplate('[{{ nope }}] [{{ nope | default("d") }}]', vars);
    assert.equal(r.text, '[] [d]');
    assert.deepEqual(r.missing, ['nope']);
  });

  it('lists the variables a template reads', () => {
    assert.deepEqual(templateVariables('{{a}} {{ b.c }} {{ d | upper }} {{ "lit" }} {# {{e}} #}').sort(), ['a', 'b', 'd']);
  });
});

describe('provider ids', () => {
  it('maps promptfoo ids to provider:model and keeps ours', () => {
    assert.equal(normalizeProviderRef('openai:chat:gpt-4o-mini'), 'openai:gpt-4o-mini');
    assert.equal(normalizeProviderRef('anthropic:messages:claude-haiku-4-5'), 'anthropic:claude-haiku-4-5');
    assert.equal(normalizeProviderRef('ollama:chat:llama3.1:8b'), 'ollama:llama3.1:8b');
    assert.equal(normalizeProviderRef('ollama:llama3.1:8b'), 'ollama:llama3.1:8b');
    assert.equal(normalizeProviderRef('openai:gpt-4o'), 'openai:gpt-4o');
    assert.equal(normalizeProviderRef('gpt-4o'), undefined);
  });
});

describe('CSV tests', () => {
  it('parses quoted fields with commas, quotes and newlines', () => {
    const csv = parseCsv('a,b\n"x, y","say ""hi""\nthere"\nplain,2\n');
    assert.ok(!('error' in csv));
    if ('error' in csv) return;
    assert.deepEqual(csv.header, ['a', 'b']);
    assert.deepEqual(
      csv.rows.map((r) => [r.line, r.cells]),
      [
        [1, ['x, y', 'say "hi"\nthere']],
        [3, ['plain', '2']],
      ],
    );
  });

  it("reads promptfoo's compact assertion syntax; a plain value means equals", () => {
    assert.deepEqual(parseAssertionString('contains:Paris', ASSERTION_TYPES), { type: 'contains', value: 'Paris' });
    assert.deepEqual(parseAssertionString('not-icontains:error', ASSERTION_TYPES), { type: 'not-icontains', value: 'error' });
    assert.deepEqual(parseAssertionString('contains-any:Paris,London', ASSERTION_TYPES), {
      type: 'contains-any',
      value: ['Paris', 'London'],
    });
    assert.deepEqual(parseAssertionString('levenshtein(3):hello', ASSERTION_TYPES), { type: 'levenshtein', value: 'hello', threshold: 3 });
    assert.deepEqual(parseAssertionString('fn:output.length < 9', ASSERTION_TYPES), { type: 'javascript', value: 'output.length < 9' });
    assert.deepEqual(parseAssertionString('grade:is polite', ASSERTION_TYPES), { type: 'llm-rubric', value: 'is polite' });
    assert.deepEqual(parseAssertionString('is-json', ASSERTION_TYPES), { type: 'is-json', value: undefined });
    assert.deepEqual(parseAssertionString('Paris', ASSERTION_TYPES), { type: 'equals', value: 'Paris' });
    assert.deepEqual(parseAssertionString('note: not a type', ASSERTION_TYPES), { type: 'equals', value: 'note: not a type' });
  });
});
