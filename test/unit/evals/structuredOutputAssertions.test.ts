/**
 * is-html / contains-html, is-sql / contains-sql, is-xml / contains-xml and perplexity(-score), as promptfoo 0.123.1
 * runs them (src/assertions/html.ts, sql.ts, xml.ts, perplexity.ts) with the same libraries at the same versions.
 * The expected reasons are promptfoo's own texts; test/compat/corpus/assertions/structured-output-edges runs the
 * same shapes through promptfoo itself.
 */
import * as assert from 'node:assert/strict';
import { runAssertion } from '../../../src/core/evals/assertions/runAssertions';
import { containsHtml, htmlProblem } from '../../../src/core/evals/assertions/structured/htmlChecks';
import { sqlCodeBlocks, stripIgnoredSql } from '../../../src/core/evals/assertions/structured/sqlChecks';
import { xmlCandidates } from '../../../src/core/evals/assertions/structured/xmlScanner';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';
import { answer, assertion } from './assertionBuilders';

const run = (type: string, output: string, fields: Parameters<typeof assertion>[1] = {}, extra = {}) =>
  runAssertion(assertion(type, fields), answer(output, extra), { allowCode: false });

describe('structured-output assertions (promptfoo parity)', () => {
  it('is-html: a fragment the author wrote passes; prose with inline tags, XML and empty output fail with the reason', async () => {
    assert.equal(htmlProblem('<div><p>The moon</p></div>'), undefined);
    assert.equal(htmlProblem('<!DOCTYPE html><html><body><p>Hi</p></body></html>'), undefined);
    assert.equal(htmlProblem('<my-widget></my-widget>'), undefined, 'custom elements count');
    assert.equal(htmlProblem('Use <b>bold</b> for emphasis.'), 'Output must be wrapped in HTML tags');
    assert.equal(htmlProblem('<?xml version="1.0"?><a/>'), 'Output appears to be XML, not HTML');
    assert.equal(htmlProblem('  '), 'Output is empty');
    assert.equal(htmlProblem('<foo>bar</foo>'), 'Output does not contain recognized HTML elements');
    assert.equal(htmlProblem('<html>'), undefined, 'a wrapper the author wrote counts');
    const negated = await run('not-is-html', '<div>x</div>');
    assert.deepEqual([negated.pass, negated.reason], [false, 'Output is valid HTML']);
  });

  it('contains-html: two points of evidence (tags, entities, attributes, common element names)', async () => {
    assert.equal(containsHtml('plain text'), false);
    assert.equal(containsHtml('Tom &amp; Jerry'), false, 'one entity alone is one point');
    assert.equal(containsHtml('see <div>'), true, 'a common element is two points');
    assert.equal(containsHtml('<foo>x</foo>'), true, 'an opening and a closing tag');
    const fail = await run('contains-html', 'no markup');
    assert.deepEqual([fail.pass, fail.reason], [false, 'Expected output to contain HTML content']);
  });

  it('is-sql: MySQL by default; node-sql-parser syntax errors, the missing-comma and odd-backtick heuristics fail', async () => {
    assert.equal((await run('is-sql', "SELECT name FROM moons WHERE planet = 'Earth'")).pass, true);
    const comma = await run('is-sql', 'SELECT id name FROM users');
    assert.deepEqual([comma.pass, comma.reason], [false, 'SQL statement does not conform to the provided MySQL database syntax.']);
    assert.equal((await run('is-sql', 'SELECT `id FROM users')).pass, false);
    assert.equal((await run('is-sql', 'SELEKT * FROM t')).pass, false);
    // generate_series is PostgreSQL: wrong in MySQL, fine when the value says PostgresQL.
    assert.equal((await run('is-sql', 'SELECT * FROM generate_series(1, 3)')).pass, false);
    assert.equal((await run('is-sql', 'SELECT * FROM generate_series(1, 3)', { value: { databaseType: 'PostgresQL' } })).pass, true);
    // A quoted 'a b' is not a missing comma: strings are blanked before the heuristics.
    assert.equal(stripIgnoredSql("SELECT 'a b' FROM t -- x y", 'MySQL'), 'SELECT  ?  FROM t  ');
    assert.equal((await run('not-is-sql', 'hello there')).pass, true);
    assert.equal((await run('not-is-sql', 'SELECT 1')).reason, 'The output SQL statement is valid');
  });

  it('is-sql allowedTables / allowedColumns: node-sql-parser whitelists, the reason lists what was found', async () => {
    const value = { databaseType: 'PostgresQL', allowedTables: ['select::null::users'], allowedColumns: ['select::users::name'] };
    assert.equal((await run('is-sql', 'SELECT name FROM users', { value })).pass, true);
    const joined = await run('is-sql', 'SELECT name, email FROM users JOIN orders ON orders.user_id = users.id', { value });
    assert.equal(joined.pass, false);
    assert.match(
      joined.reason,
      /^SQL references unauthorized table\(s\)\. Found: \[select::null::users, select::null::orders\]\. Allowed: \[select::null::users\]\./,
    );
    assert.match(joined.reason, /SQL references unauthorized column\(s\)/);
  });

  it('contains-sql: ```sql and unlabelled fences are tried in turn, else the whole output', async () => {
    const text = 'Try:\n```python\nprint(1)\n```\n```sql\nSELECT id, name FROM users;\n```\n';
    assert.deepEqual(sqlCodeBlocks(text), ['SELECT id, name FROM users;']);
    assert.deepEqual(sqlCodeBlocks('~~~~\nSELECT 1\n~~~\nstill inside\n~~~~\n'), ['SELECT 1\n~~~\nstill inside']);
    assert.equal((await run('contains-sql', text)).pass, true);
    assert.equal((await run('contains-sql', 'SELECT 1')).pass, true);
    const none = await run('contains-sql', 'no query here');
    assert.deepEqual([none.pass, none.reason], [false, 'SQL statement does not conform to the provided MySQL database syntax.']);
  });

  it('is-xml: saxes well-formedness, then requiredElements as dotted paths (text, list or {requiredElements})', async () => {
    const note = '<note><to>Tove</to><from>Jani</from></note>';
    assert.equal((await run('is-xml', note)).pass, true);
    assert.equal((await run('is-xml', note, { value: 'note.to, note.from' })).pass, true);
    const missing = await run('is-xml', note, { value: { requiredElements: ['note.body'] } });
    assert.deepEqual([missing.pass, missing.reason], [false, 'XML is missing required elements: note.body']);
    const broken = await run('is-xml', '<a><b></a>');
    assert.deepEqual([broken.pass, broken.reason], [false, 'XML parsing failed: 1:10: unexpected close tag.']);
    const dtd = await run('is-xml', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>');
    assert.equal(dtd.reason, 'DTD internal subsets are not supported by is-xml validation');
    // An external DTD may declare entities: they stay as written instead of failing.
    assert.equal((await run('is-xml', '<!DOCTYPE note SYSTEM "note.dtd"><note>&custom;</note>')).pass, true);
    assert.equal((await run('is-xml', 'Here: <a/>')).pass, false);
  });

  it('contains-xml: fragments in prose, sibling runs first, the first that satisfies requiredElements wins', async () => {
    const prose = 'The order is:\n<order><item>Book</item><total>12.5</total></order>\nThanks!';
    assert.equal((await run('contains-xml', prose, { value: ['order.item', 'order.total'] })).pass, true);
    assert.deepEqual(
      xmlCandidates('<a>1</a> and <b>2</b>').map((c) => [c.start, c.end]),
      [
        [0, 21],
        [0, 8],
        [13, 21],
      ],
    );
    const none = await run('contains-xml', 'no markup');
    assert.deepEqual([none.pass, none.reason], [false, 'No XML content found in the output']);
    const unmatched = await run('contains-xml', '<a>1</a>', { value: 'b' });
    assert.equal(unmatched.reason, 'No valid XML content found matching the requirements');
  });

  it('perplexity and perplexity-score from the answer logprobs; without logprobs the assertion cannot run', async () => {
    const logProbs = [-0.5, -1.5]; // mean -1: perplexity e ≈ 2.718, score 1/(1+e) ≈ 0.269
    assert.equal((await run('perplexity', 'x', { threshold: 3 }, { logProbs })).pass, true);
    const high = await run('perplexity', 'x', { threshold: 2 }, { logProbs });
    assert.deepEqual([high.pass, high.reason], [false, 'Perplexity 2.72 is greater than threshold 2']);
    const score = await run('perplexity-score', 'x', { threshold: 0.2 }, { logProbs });
    assert.equal(score.pass, true);
    assert.ok(Math.abs(score.score - 1 / (1 + Math.E)) < 1e-12);
    const none = await run('perplexity', 'x', { threshold: 100 });
    assert.equal(none.pass, false);
    assert.match(none.reason, /Perplexity assertion does not support providers that do not return logProbs/);
  });

  it('the parser checks values at their line: is-sql needs a mapping of known options, contains-xml a list or requiredElements', () => {
    const file = parseEvalText(
      [
        'prompts: ["q"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - assert:',
        '      - type: is-sql',
        '        value: MySQL',
        '      - type: contains-sql',
        '        value: { allowedTable: [a] }',
        '      - type: contains-xml',
        '        value: { elements: [a] }',
        '      - type: is-html',
        '',
      ].join('\n'),
      '/w/a.eval.yaml',
    );
    const errors = file.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      errors.map((e) => e.range.start.line),
      [5, 7, 9],
    );
    assert.match(errors[0].message, /must be a mapping such as \{databaseType/);
    assert.match(errors[1].message, /`value\.allowedTable` is not an is-sql option/);
    assert.match(errors[2].message, /requiredElements/);
  });
});
