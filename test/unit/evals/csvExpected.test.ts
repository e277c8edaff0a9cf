/**
 * CSV test files as promptfoo 0.123.1 reads them (src/util/testCaseReader.ts `testCaseFromCsvRow` and
 * `assertionFromString`; docs "Loading tests from CSV": __expected prefixes, __threshold, __metric, __config).
 */
import * as assert from 'node:assert/strict';
import { assertionFromString, parseCsv, testFromCsvRow } from '../../../src/core/evals/csvTests';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

const files = (map: Record<string, string>) => (path: string) => {
  if (path in map) return map[path];
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('CSV __expected and special columns (promptfoo parity)', () => {
  it('maps every prefix promptfoo knows', () => {
    assert.deepEqual(assertionFromString('javascript: output.length > 2'), { type: 'javascript', value: 'output.length > 2' });
    assert.deepEqual(assertionFromString('eval:1 + 1'), { type: 'javascript', value: '1 + 1' });
    assert.deepEqual(assertionFromString('file://check.js'), { type: 'javascript', value: 'file://check.js' });
    assert.deepEqual(
      assertionFromString('llm-rubric: is polite'),
      { type: 'llm-rubric', value: ' is polite' },
      'promptfoo does not trim rubric values',
    );
    assert.deepEqual(assertionFromString('python: len(output) > 2'), { type: 'python', value: 'len(output) > 2' });
    assert.deepEqual(assertionFromString('similar:The sky is blue'), { type: 'similar', value: 'The sky is blue', threshold: 0.8 });
    assert.deepEqual(assertionFromString('similar(0.9):The sky'), { type: 'similar', value: 'The sky', threshold: 0.9 });
    assert.deepEqual(
      assertionFromString('levenshtein:hello'),
      { type: 'levenshtein', value: 'hello', threshold: 0.75 },
      'the compact form sets 0.75 even for levenshtein',
    );
    assert.deepEqual(assertionFromString('rouge-n:the cat'), { type: 'rouge-n', value: 'the cat', threshold: 0.75 });
    assert.deepEqual(assertionFromString('icontains-all:"a, b",c'), { type: 'icontains-all', value: ['a, b', 'c'] });
    assert.deepEqual(assertionFromString('not-contains:x'), { type: 'not-contains', value: 'x' });
    assert.deepEqual(assertionFromString('word-count:3'), { type: 'word-count', value: '3' });
    assert.deepEqual(
      assertionFromString('similar:cosine:x'),
      { type: 'similar', value: 'cosine:x', threshold: 0.8 },
      'the type alternation matches "similar" first',
    );
    assert.deepEqual(assertionFromString('Paris, France'), { type: 'equals', value: 'Paris, France' });
    assert.match((assertionFromString('file://check.py') as { error: string }).error, /python:file:\/\/check\.py/);
  });

  it('builds the test: vars, __description, __threshold, __metric on every assertion, __config thresholds', () => {
    const header = [
      'q',
      '__expected',
      '__expected2',
      '__description',
      '__threshold',
      '__metric',
      '__config:__expected2:threshold',
      '__metadata:tag',
    ];
    const { data, problems } = testFromCsvRow(header, ['hi', 'contains:a', 'similar:b', 'greeting', '0.5', 'quality', '0.9', 't']);
    assert.deepEqual(problems, []);
    assert.deepEqual(data, {
      vars: { q: 'hi' },
      assert: [
        { type: 'contains', value: 'a', metric: 'quality' },
        { type: 'similar', value: 'b', threshold: 0.9, metric: 'quality' },
      ],
      description: 'greeting',
      threshold: 0.5,
    });
  });

  it('refuses __prefix/__suffix/__providerOutput and bad __config columns at their column; warns about single underscores', () => {
    const { problems } = testFromCsvRow(['q', '__prefix', '__config:__expected:weight', '_expected'], ['x', 'Answer: ', '2', 'y']);
    assert.deepEqual(
      problems.map((p) => [p.severity, p.column]),
      [
        ['error', 1],
        ['error', 2],
        ['warning', 3],
      ],
    );
    assert.match(problems[0].message, /__prefix is not supported/);
    assert.match(problems[2].message, /Did you mean to use "__expected"/);
  });

  it('records where each cell starts, through quoted multi-line cells', () => {
    const csv = parseCsv('a,b\n"x\ny",z\nw,"v"\n');
    assert.ok(!('error' in csv));
    if ('error' in csv) return;
    assert.deepEqual(csv.rows[0].starts, [
      { line: 1, column: 0 },
      { line: 2, column: 3 },
    ]);
    assert.deepEqual(csv.rows[1].starts, [
      { line: 3, column: 0 },
      { line: 3, column: 2 },
    ]);
  });

  it('an eval file with CSV tests: assertions run with the cell as their location; a type we do not run is an error at its cell', () => {
    const csv = 'q,__expected,__expected2\nhi,similar:hello there,meteor\nyo,word-count:1,\n';
    const file = parseEvalText('prompts: ["{{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests: file://t.csv\n', '/w/a.eval.yaml', {
      readFile: files({ '/w/t.csv': csv }),
    });
    const error = file.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(error.file, '/w/t.csv');
    assert.deepEqual(error.range.start, { line: 1, column: 23 });
    assert.match(error.message, /'meteor' is a promptfoo type llm-workbench does not run natively/);
    // The row that needs promptfoo is kept for delegation but marked, so it never runs natively; the other runs.
    assert.deepEqual(
      file.tests.map((t) => Boolean(t.needsPromptfoo)),
      [true, false],
    );
    assert.equal(file.needsPromptfoo, 'tests');
    const [wc] = file.tests[1].assert;
    assert.deepEqual([wc.type, wc.value, wc.location.range.start], ['word-count', '1', { line: 2, column: 3 }]);
  });
});
