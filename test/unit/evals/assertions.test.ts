/**
 * Each case checks one behaviour promptfoo documents (site/docs/configuration/expected-outputs/deterministic.md,
 * javascript.md, index.md); the doc section is named in the test title.
 */
import * as assert from 'node:assert/strict';
import { runAssertion } from '../../../src/core/evals/assertions/runAssertions';
import type { AssertionRuntime } from '../../../src/core/evals/assertions/assertionOutcome';
import { answer, assertion } from './assertionBuilders';

const runtime: AssertionRuntime = { allowCode: true };
const verdict = async (type: string, output: string, fields: Parameters<typeof assertion>[1] = {}, extra = {}, rt = runtime) =>
  (await runAssertion(assertion(type, fields), answer(output, extra), rt)).pass;

describe('assertions (promptfoo semantics)', () => {
  it('equals: output matches exactly ("Equality")', async () => {
    assert.equal(await verdict('equals', 'Hello, World!', { value: 'Hello, World!' }), true);
    assert.equal(await verdict('equals', 'Hello, World! ', { value: 'Hello, World!' }), false);
    assert.equal(await verdict('not-equals', 'Hello', { value: 'Hello, World!' }), true);
  });

  it('equals with an object value compares the output as JSON ("Equality": expected JSON format)', async () => {
    assert.equal(await verdict('equals', '{"b": 2, "a": 1}', { value: { a: 1, b: 2 } }), true);
    assert.equal(await verdict('equals', '{"a": 1}', { value: { a: 1, b: 2 } }), false);
    assert.equal(await verdict('equals', 'not json', { value: { a: 1 } }), false);
  });

  it('contains / icontains; numbers are converted to text ("Contains")', async () => {
    assert.equal(await verdict('contains', 'The answer is 0.', { value: 0 }), true);
    assert.equal(await verdict('contains', 'Paris is nice', { value: 'paris' }), false);
    assert.equal(await verdict('icontains', 'Paris is nice', { value: 'paris' }), true);
    assert.equal(await verdict('not-contains', 'all good', { value: 'error' }), true);
    assert.equal(await verdict('not-icontains', 'ERROR here', { value: 'error' }), false);
  });

  it('contains-any / contains-all / icontains-* over a list ("Contains-Any", "Contains-All")', async () => {
    const value = ['Value 1', 'Value 2'];
    assert.equal(await verdict('contains-any', 'has Value 2 only', { value }), true);
    assert.equal(await verdict('contains-any', 'nothing', { value }), false);
    assert.equal(await verdict('contains-all', 'Value 1 and Value 2', { value }), true);
    assert.equal(await verdict('contains-all', 'Value 1 only', { value }), false);
    assert.equal(await verdict('icontains-all', 'value 1, VALUE 2', { value }), true);
    assert.equal(await verdict('icontains-any', 'VALUE 1', { value }), true);
    assert.equal(await verdict('not-contains-any', 'Value 1', { value }), false);
  });

  it('contains-all reads a plain string as comma-separated values (compact syntax)', async () => {
    assert.equal(await verdict('contains-all', 'red and blue', { value: 'red, blue' }), true);
    assert.equal(await verdict('contains-all', 'red only', { value: 'red, blue' }), false);
  });

  it('starts-with ("Starts-With")', async () => {
    assert.equal(await verdict('starts-with', 'Yes, of course', { value: 'Yes' }), true);
    assert.equal(await verdict('starts-with', 'Well, yes', { value: 'Yes' }), false);
    assert.equal(await verdict('not-starts-with', 'Well, yes', { value: 'Yes' }), true);
  });

  it('regex ("Regex": \\\\d{4} matches a 4-digit number)', async () => {
    assert.equal(await verdict('regex', 'in 2024', { value: '\\d{4}' }), true);
    assert.equal(await verdict('regex', 'in 24', { value: '\\d{4}' }), false);
    assert.equal(await verdict('not-regex', 'in 24', { value: '\\d{4}' }), true);
  });

  it('is-json: valid JSON, optionally conforming to a schema ("Is-JSON")', async () => {
    const schema = {
      type: 'object',
      required: ['latitude', 'longitude'],
      properties: { latitude: { type: 'number', minimum: -90, maximum: 90 } },
    };
    assert.equal(await verdict('is-json', '{"a": 1}'), true);
    assert.equal(await verdict('is-json', 'Sure! {"a": 1}'), false);
    assert.equal(await verdict('is-json', '{"latitude": 10, "longitude": 20}', { value: schema }), true);
    assert.equal(await verdict('is-json', '{"latitude": 100, "longitude": 20}', { value: schema }), false);
    assert.equal(await verdict('not-is-json', 'plain text'), true);
  });

  it('contains-json: JSON inside other text, optionally with a schema ("Contains-JSON")', async () => {
    const schema = { type: 'object', required: ['label'] };
    assert.equal(await verdict('contains-json', 'Here you go:\n```json\n{"label": "billing"}\n```'), true);
    assert.equal(await verdict('contains-json', 'no json at all {oops}'), false);
    assert.equal(await verdict('contains-json', 'a {"x": 1} then {"label": "ok"}', { value: schema }), true);
    assert.equal(await verdict('contains-json', 'only {"x": 1}', { value: schema }), false);
    assert.equal(await verdict('not-contains-json', 'plain'), true);
  });

  it('javascript: boolean, number (score > 0 without threshold, >= threshold with one) and GradingResult ("Javascript assertions")', async () => {
    assert.equal(await verdict('javascript', 'Hello, World!', { value: "output.includes('Hello, World!')" }), true);
    assert.equal(await verdict('javascript', 'Bye', { value: "output.includes('Hello, World!')" }), false);
    assert.equal(await verdict('javascript', 'abc', { value: 'output.length / 10' }), true); // 0.3 > 0
    assert.equal(await verdict('javascript', '', { value: 'output.length / 10' }), false); // 0 is a fail
    assert.equal(await verdict('javascript', 'abc', { value: 'output.length / 10', threshold: 0.5 }), false);
    assert.equal(await verdict('javascript', 'abcdef', { value: 'output.length / 10', threshold: 0.5 }), true);
    const body =
      "if (output === 'Expected output') {\n  return { pass: true, score: 0.5 };\n}\nreturn { pass: false, score: 0, reason: 'Assertion failed' };";
    assert.equal(await verdict('javascript', 'Expected output', { value: body }), true);
    const failed = await runAssertion(assertion('javascript', { value: body }), answer('other'), runtime);
    assert.equal(failed.reason, 'Assertion failed');
  });

  it('javascript sees context.vars and context.prompt ("Using test context")', async () => {
    assert.equal(
      await verdict(
        'javascript',
        'Example text here',
        { value: 'output.includes(context.vars.example)' },
        { vars: { example: 'Example text' } },
      ),
      true,
    );
    assert.equal(
      await verdict('javascript', 'abcdefghijk', { value: 'output.length >= context.vars.min_length' }, { vars: { min_length: 10 } }),
      true,
    );
    assert.equal(await verdict('javascript', 'x', { value: "context.prompt === 'prompt'" }), true);
  });

  it('javascript: a single line starting with a declaration returns its last expression', async () => {
    assert.equal(await verdict('javascript', '{"score": 0.9}', { value: 'const s = JSON.parse(output).score; s > 0.5' }), true);
  });

  it('javascript that throws fails with the error in the reason', async () => {
    const outcome = await runAssertion(
      assertion('javascript', { value: "if (output) {\n  throw new Error('boom');\n}\nreturn true" }),
      answer('x'),
      runtime,
    );
    assert.equal(outcome.pass, false);
    assert.match(outcome.reason, /boom/);
  });

  it('javascript that loops forever is stopped by the timeout', async () => {
    const outcome = await runAssertion(assertion('javascript', { value: 'while (true) {}\nreturn true' }), answer('x'), {
      allowCode: true,
      codeTimeoutMs: 50,
    });
    assert.equal(outcome.pass, false);
    assert.match(outcome.reason, /timed out after 50 ms/);
  });

  it('javascript is skipped, not run, when code execution is disabled', async () => {
    const outcome = await runAssertion(assertion('javascript', { value: 'globalThis.ran = true' }), answer('x'), { allowCode: false });
    assert.equal(outcome.skipped, true);
    assert.match(outcome.reason, /code execution is disabled/);
    assert.equal((globalThis as { ran?: boolean }).ran, undefined);
  });

  it('levenshtein: distance <= threshold, default 5 ("Levenshtein distance": kitten/sitting = 3)', async () => {
    assert.equal(await verdict('levenshtein', 'sitting', { value: 'kitten', threshold: 3 }), true);
    assert.equal(await verdict('levenshtein', 'sitting', { value: 'kitten', threshold: 2 }), false);
    assert.equal(await verdict('levenshtein', 'hello wrld', { value: 'hello world' }), true); // default 5
    assert.equal(await verdict('levenshtein', 'goodbye moon', { value: 'hello world' }), false);
  });

  it('levenshtein value can use template vars ("value can reference other variables")', async () => {
    assert.equal(await verdict('levenshtein', 'fooba', { value: '{{expected}}', threshold: 2 }, { vars: { expected: 'foobar' } }), true);
  });

  it('latency: fails when the call took longer than threshold ms ("Latency")', async () => {
    assert.equal(await verdict('latency', 'x', { threshold: 5000 }, { latencyMs: 4999 }), true);
    assert.equal(await verdict('latency', 'x', { threshold: 5000 }, { latencyMs: 5001 }), false);
    assert.equal(await verdict('not-latency', 'x', { threshold: 5000 }, { latencyMs: 5001 }), true);
  });

  it('cost: passes at or below the threshold; unknown cost cannot be checked and fails ("Cost")', async () => {
    assert.equal(await verdict('cost', 'x', { threshold: 0.001 }, { costUsd: 0.001 }), true);
    assert.equal(await verdict('cost', 'x', { threshold: 0.001 }, { costUsd: 0.002 }), false);
    const unknown = await runAssertion(assertion('cost', { threshold: 0.001 }), answer('x', { costUsd: null }), runtime);
    assert.equal(unknown.pass, false);
    assert.match(unknown.reason, /unknown/);
  });

  it('assertion values render {{vars}} before comparing', async () => {
    assert.equal(await verdict('contains', 'Bonjour Alice', { value: '{{name}}' }, { vars: { name: 'Alice' } }), true);
  });
});
