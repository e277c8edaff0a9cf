/**
 * The assertion types added for promptfoo parity. Each case cites the promptfoo 0.123.1 source it mirrors
 * (src/assertions/*.ts, src/matchers/*.ts) or the doc page (site/docs/configuration/expected-outputs/...).
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAssertion } from '../../../src/core/evals/assertions/runAssertions';
import type { AssertionRuntime } from '../../../src/core/evals/assertions/assertionOutcome';
import { bleu, rougeN } from '../../../src/core/evals/assertions/overlapMetrics';
import { countWords } from '../../../src/core/evals/assertions/outputChecks';
import { isBasicRefusal } from '../../../src/core/evals/assertions/refusalPhrases';
import { RegexRunner } from '../../../src/core/evals/assertions/regexRunner';
import { renderGradingPrompt } from '../../../src/core/evals/assertions/grading/gradingTemplate';
import { DEFAULT_GRADING_PROMPT } from '../../../src/core/evals/assertions/grading/gradingPrompts';
import { answer, assertion } from './assertionBuilders';

const runtime: AssertionRuntime = { allowCode: true };
const run = (type: string, output: string, fields: Parameters<typeof assertion>[1] = {}, extra = {}, rt: AssertionRuntime = runtime) =>
  runAssertion(assertion(type, fields), answer(output, extra), rt);

/** A grader that answers from a queue and records the prompts it was sent. */
function scriptedGrader(
  replies: string[],
  embeddings: Record<string, number[]> = {},
): { rt: AssertionRuntime; prompts: string[]; embedded: string[] } {
  const prompts: string[] = [];
  const embedded: string[] = [];
  const rt: AssertionRuntime = {
    allowCode: true,
    fallbackGrader: 'openai:gpt-4o',
    callGrader: async (_model, prompt) => {
      prompts.push(prompt);
      const output = replies.shift();
      return output === undefined ? { error: 'no scripted reply' } : { output, costUsd: 0.001 };
    },
    embed: async (_model, text) => {
      embedded.push(text);
      return { embedding: embeddings[text] ?? [1, 0], costUsd: 0.0001 };
    },
  };
  return { rt, prompts, embedded };
}

describe('promptfoo assertion types (parity)', () => {
  it('word-count: exact, {min,max}, {min}, {max}; words are whitespace runs (src/assertions/wordCount.ts)', async () => {
    assert.equal(countWords('  one two\n\tthree  '), 3);
    assert.equal((await run('word-count', 'one two three', { value: 3 })).pass, true);
    assert.equal((await run('word-count', 'one two three', { value: '3' })).pass, true);
    assert.equal((await run('word-count', 'one two three', { value: { min: 1, max: 2 } })).pass, false);
    assert.equal((await run('word-count', 'one two three', { value: { min: 3 } })).pass, true);
    assert.equal((await run('word-count', 'one two three', { value: { max: 2 } })).reason, 'Word count 3 is greater than maximum 2');
    assert.equal((await run('not-word-count', 'one two three', { value: 3 })).pass, false);
  });

  it('is-refusal: prefixes and whole-word phrases, curly apostrophes; empty output is a refusal scored 0 (src/assertions/refusal.ts)', async () => {
    assert.equal(isBasicRefusal('I’m sorry, but I can’t help with that.'), true);
    assert.equal(isBasicRefusal('As an AI model I think Paris.'), true);
    assert.equal(isBasicRefusal('Paris is the capital of France.'), false);
    assert.equal(isBasicRefusal('This cannot helpful'), false, 'phrases match whole words only');
    const empty = await run('is-refusal', '   ');
    assert.deepEqual([empty.pass, empty.score], [true, 0]);
    assert.equal((await run('not-is-refusal', 'Paris.')).pass, true);
    assert.equal((await run('not-is-refusal', '')).pass, false);
  });

  it('finish-reason: compares with the normalized reason, case-insensitively; absent reason fails (src/assertions/finishReason.ts)', async () => {
    assert.equal((await run('finish-reason', 'x', { value: 'STOP' }, { stopReason: 'end' })).pass, true);
    assert.equal((await run('finish-reason', 'x', { value: 'length' }, { stopReason: 'max_tokens' })).pass, true);
    assert.equal(
      (await run('finish-reason', 'x', { value: 'stop' }, { stopReason: 'stop_sequence' })).pass,
      true,
      'Anthropic stop_sequence normalizes to stop',
    );
    assert.equal((await run('finish-reason', 'x', { value: 'tool_calls' }, { stopReason: 'tool_use' })).pass, true);
    const none = await run('finish-reason', 'x', { value: 'stop' });
    assert.deepEqual([none.pass, none.reason], [false, 'Provider did not supply stop/finish reason']);
    assert.equal((await run('not-finish-reason', 'x', { value: 'stop' })).pass, true);
    const other = await run('finish-reason', 'x', { value: 'pause_turn' }, { stopReason: 'other' });
    assert.equal(other.pass, false);
    assert.match(other.reason, /does not record by name.*--engine promptfoo/);
  });

  it('rouge-n: clipped unigram F1 on js-rouge tokens, lower-cased; default threshold 0.75 (src/assertions/rouge.ts)', async () => {
    assert.equal(rougeN('the cat sat on the mat', 'the cat sat on the mat'), 1, 'repeated tokens still score 1 with clipped counts');
    assert.equal(rougeN('a b c d', 'a b x y'), 0.5);
    const r = await run('rouge-n', 'The Cat sat', { value: 'the cat sat on the mat' });
    assert.equal(r.score.toFixed(4), ((2 * 1 * 0.5) / 1.5).toFixed(4), 'F1 of precision 1 and recall 0.5');
    assert.equal(r.pass, false);
    const neg = await run('not-rouge-n', 'The Cat sat', { value: 'the cat sat on the mat' });
    assert.equal(neg.pass, true);
    assert.equal(neg.score.toFixed(4), (1 - (2 * 0.5) / 1.5).toFixed(4));
  });

  it('bleu: 1-4-gram clipped precisions, closest reference length, 1e-7 smoothing; default threshold 0.5 (src/assertions/bleu.ts)', async () => {
    assert.equal(bleu('the cat is on the mat', ['the cat is on the mat']), 1);
    assert.equal(bleu('', ['x']), 0);
    // 2 words: only 1- and 2-gram orders exist, weights renormalized over them.
    assert.equal(bleu('hello world', ['hello world']), 1);
    const partial = bleu('the cat sat on a mat', ['the cat sat on the mat']);
    assert.ok(partial > 0.4 && partial < 0.6, String(partial));
    assert.equal((await run('bleu', 'the cat is on the mat', { value: ['a dog', 'the cat is on the mat'] })).pass, true);
    assert.equal((await run('not-bleu', 'the cat is on the mat', { value: 'the cat is on the mat' })).score, 0);
  });

  it('regex: a catastrophic pattern ends at the time limit instead of blocking (issue 12 item 7)', async () => {
    const started = Date.now();
    const r = await run(
      'regex',
      'The quick brown fox jumps over the lazy dog!!',
      { value: '^((\\w+\\s?)+)+$' },
      {},
      { allowCode: true, regexTimeoutMs: 300 },
    );
    const took = Date.now() - started;
    assert.equal(r.pass, false);
    assert.match(r.reason, /did not finish within 300 ms/);
    assert.ok(took < 5000, `took ${took} ms`);
    // The runner recovers: the next pattern gets a fresh worker and the right answer.
    assert.equal((await run('regex', 'in 2024', { value: '\\d{4}' })).pass, true);
    assert.equal((await run('not-regex', 'in 24', { value: '\\d{4}' })).pass, true);
  });

  it('regex: cancelling the run ends a stuck match at once', async () => {
    const runner = new RegexRunner();
    const controller = new AbortController();
    const pending = runner.test('^((\\w+\\s?)+)+$', 'The quick brown fox jumps over the lazy dog!!', {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    assert.deepEqual(await pending, { aborted: true });
    assert.ok(Date.now() - started < 1000);
    await runner.dispose();
  });

  it('assertion transform: JavaScript over output and context runs before the check (docs "Transforming outputs")', async () => {
    assert.equal((await run('equals', '{"label":"billing"}', { value: 'billing', transform: 'JSON.parse(output).label' })).pass, true);
    assert.equal(
      (await run('contains', 'Hello', { value: 'x-Hello', transform: 'context.vars.prefix + output' }, { vars: { prefix: 'x-' } })).pass,
      true,
    );
    // A non-string result is compared as JSON text (promptfoo coerceString).
    assert.equal((await run('equals', 'a,b', { value: '["a","b"]', transform: "output.split(',')" })).pass, true);
    const multi = await run('equals', ' spaced ', { value: 'spaced', transform: 'const t = output.trim();\nreturn t;' });
    assert.equal(multi.pass, true);
    const broken = await run('equals', 'x', { value: 'x', transform: 'undefined' });
    assert.match(broken.reason, /Transform function did not return a value/);
    const untrusted = await run('equals', 'x', { value: 'x', transform: 'output' }, {}, { allowCode: false });
    assert.equal(untrusted.skipped, true);
  });

  it('python: inline expression and body, dict results with pass_, thresholds, errors (src/assertions/python.ts)', async function () {
    this.timeout(180_000); // each call starts python3, seconds on a loaded machine
    assert.equal((await run('python', 'Paris is nice', { value: "'Paris' in output" })).pass, true);
    assert.equal((await run('not-python', 'Paris is nice', { value: "'Paris' in output" })).pass, false);
    const body = await run('python', 'abc', {
      value: "n = len(output)\nreturn {'pass_': n == 3, 'score': 0.5, 'reason': 'len ' + str(n)}",
      threshold: 0.6,
    });
    assert.deepEqual([body.pass, body.score], [false, 0.5]);
    assert.match(body.reason, /Python score 0.5 is less than threshold 0.6: len 3/);
    const score = await run('python', 'x', { value: '0.25' });
    assert.deepEqual([score.pass, score.score], [true, 0.25]);
    const ctx = await run(
      'python',
      'x',
      { value: "context['vars']['city'] + '|' + context['prompt']" },
      { vars: { city: 'Oslo' }, prompt: 'P' },
    );
    assert.equal(ctx.pass, false, 'a non-numeric string is an error, as in promptfoo');
    assert.match(ctx.reason, /Python code execution failed: .*must return a boolean, number/s);
    const error = await run('python', 'x', { value: 'undefined_name' });
    assert.match(error.reason, /Python code execution failed: .*NameError/s);
  });

  it('file:// value scripts: get_assert in Python, a named JS export; other types use the returned value (src/assertions/index.ts)', async function () {
    this.timeout(180_000);
    const dir = mkdtempSync(join(tmpdir(), 'lw-scripts-'));
    writeFileSync(
      join(dir, 'check.py'),
      "def get_assert(output, context):\n    return {'pass': output.startswith(context['vars']['p']), 'score': 1, 'reason': 'py'}\n\ndef expected(output, context):\n    return 'Paris'\n",
    );
    writeFileSync(join(dir, 'check.cjs'), 'exports.check = (output) => output.length > 3;\n');
    const py = await run('python', 'Paris', { valueScript: { file: join(dir, 'check.py'), language: 'python' } }, { vars: { p: 'Pa' } });
    assert.deepEqual([py.pass, py.reason], [true, 'py']);
    const js = await run('javascript', 'Paris', {
      valueScript: { file: join(dir, 'check.cjs'), functionName: 'check', language: 'javascript' },
    });
    assert.equal(js.pass, true);
    const value = await run('contains', 'I love Paris', {
      valueScript: { file: join(dir, 'check.py'), functionName: 'expected', language: 'python' },
    });
    assert.equal(value.pass, true);
    const badValue = await run(
      'contains',
      'I love Paris',
      { valueScript: { file: join(dir, 'check.py'), language: 'python' } },
      { vars: { p: 'I' } },
    );
    assert.match(badValue.reason, /returned a GradingResult/);
  });
});

describe('model-graded assertions (promptfoo matchers)', () => {
  it("llm-rubric sends promptfoo's default grading prompt, rendered per JSON string", () => {
    const rendered = renderGradingPrompt(DEFAULT_GRADING_PROMPT, { output: 'He said "hi"', rubric: 'Greets' });
    const messages = JSON.parse(rendered) as { role: string; content: string }[];
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.match(messages[0].content, /^You are grading output according to a user-specified rubric\./);
    assert.equal(messages[1].content, '<Output>\nHe said "hi"\n</Output>\n<Rubric>\nGreets\n</Rubric>');
  });

  it('llm-rubric: JSON verdict, relaxed JSON, pass defaults to true, threshold, not- inverts the score (src/matchers/llmGrading.ts)', async () => {
    const g = scriptedGrader([
      'Sure: {"reason": "greets", "pass": true, "score": 0.8}',
      '{reason: informal, pass: "yes", score: "0.4"}',
      '{"reason": "no pass key", "score": 0.3}',
      'no json here',
      '{"reason": "r", "pass": true, "score": 0.8}',
    ]);
    const a = await run('llm-rubric', 'hello', { value: 'Greets' }, {}, g.rt);
    assert.deepEqual([a.pass, a.score, a.reason], [true, 0.8, 'greets']);
    const b = await run('llm-rubric', 'hello', { value: 'Greets', threshold: 0.5 }, {}, g.rt);
    assert.deepEqual([b.pass, b.score], [false, 0.4]);
    const c = await run('llm-rubric', 'hello', { value: 'Greets' }, {}, g.rt);
    assert.deepEqual([c.pass, c.score], [true, 0.3]);
    const d = await run('llm-rubric', 'hello', { value: 'Greets' }, {}, g.rt);
    assert.deepEqual([d.pass, d.reason], [false, 'Could not extract JSON from llm-rubric response']);
    const e = await run('not-llm-rubric', 'hello', { value: 'Greets' }, {}, g.rt);
    assert.equal(e.pass, false);
    assert.ok(Math.abs(e.score - 0.2) < 1e-9);
    assert.equal(a.graderCostUsd, 0.001);
  });

  it('llm-rubric: a custom rubricPrompt (text with Nunjucks) and the vars reach the grader', async () => {
    const g = scriptedGrader(['{"pass": true, "score": 1, "reason": "ok"}']);
    await run(
      'llm-rubric',
      'Bonjour',
      { value: 'French', rubricPrompt: 'Is "{{ output }}" in {{ rubric | upper }} for {{ city }}?' },
      { vars: { city: 'Paris' } },
      g.rt,
    );
    assert.equal(g.prompts[0], 'Is "Bonjour" in FRENCH for Paris?');
  });

  it('factuality: JSON category, legacy "(B)" text, options.factuality scores (src/matchers/llmGrading.ts)', async () => {
    const g = scriptedGrader(['{"category": "D", "reason": "disagrees"}', '(B) It adds detail.', '{"category": "E", "reason": "style"}']);
    const d = await run('factuality', 'Lyon', { value: 'Paris' }, { prompt: 'Capital?' }, g.rt);
    assert.deepEqual([d.pass, d.score, d.reason], [false, 0, 'disagrees']);
    assert.match(g.prompts[0], /<question>\\nCapital\?\\n<\/question>/);
    assert.match(g.prompts[0], /<expert_answer>\\nParis\\n<\/expert_answer>/);
    const b = await run('factuality', 'Paris, on the Seine', { value: 'Paris' }, {}, g.rt);
    assert.deepEqual([b.pass, b.reason], [true, 'It adds detail.']);
    const e = await run('factuality', 'x', { value: 'Paris' }, {}, { ...g.rt, grading: { factuality: { differButFactual: 0 } } });
    assert.deepEqual([e.pass, e.score], [false, 0]);
  });

  it('model-graded-closedqa: passes when the reply ends with Y (src/matchers/llmGrading.ts)', async () => {
    const g = scriptedGrader(['Reasoning...\nY\nY', 'Reasoning\nN\nN', 'I am not sure']);
    assert.equal((await run('model-graded-closedqa', 'x', { value: 'is polite' }, {}, g.rt)).pass, true);
    assert.match(
      (await run('model-graded-closedqa', 'x', { value: 'is polite' }, {}, g.rt)).reason,
      /^The submission does not meet the criterion/,
    );
    assert.match(
      (await run('model-graded-closedqa', 'x', { value: 'is polite' }, {}, g.rt)).reason,
      /^Model grader produced a malformed response/,
    );
  });

  it('g-eval: steps then a 0-10 score; lists are averaged; default threshold 0.7 (src/matchers/llmGrading.ts matchesGEval)', async () => {
    const g = scriptedGrader([
      '{"steps": ["Check A", "Check B"]}',
      '{"score": 8, "reason": "good"}',
      '{"steps": ["S"]}',
      '{"score": 4, "reason": "meh"}',
    ]);
    const one = await run('g-eval', 'answer', { value: 'Coherence' }, { prompt: 'Q' }, g.rt);
    assert.deepEqual([one.pass, one.score, one.reason], [true, 0.8, 'good']);
    assert.match(g.prompts[1], /- Check A\n- Check B/);
    const list = await run(
      'g-eval',
      'answer',
      { value: ['Coherence'] },
      { prompt: 'Q' },
      scriptedGrader(['{"steps": ["S"]}', '{"score": 6, "reason": "ok"}']).rt,
    );
    assert.deepEqual([list.pass, list.score], [false, 0.6]);
    const bad = await run('g-eval', 'answer', { value: 'Coherence' }, { prompt: 'Q' }, scriptedGrader(['no steps']).rt);
    assert.match(bad.reason, /steps are not in JSON format/);
  });

  it("context-recall / context-relevance / context-faithfulness score the grader's classifications (src/matchers/rag.ts)", async () => {
    const recall = await run(
      'context-recall',
      'x',
      { value: 'Paris is the capital' },
      { vars: { context: 'France. Paris.' } },
      scriptedGrader(['1. A. So [Attributed]\n2. B. So [Not Attributed]']).rt,
    );
    assert.deepEqual([recall.pass, recall.score], [true, 0.5]);
    const relevance = await run(
      'context-relevance',
      'x',
      {},
      { vars: { query: 'capital?', context: 'Paris is the capital. Lyon has silk. Nice is sunny.' } },
      scriptedGrader(['Paris is the capital.']).rt,
    );
    assert.equal(relevance.score.toFixed(3), (1 / 3).toFixed(3));
    assert.equal(relevance.pass, false);
    const faithful = await run(
      'context-faithfulness',
      'Paris. Big.',
      {},
      { vars: { query: 'q', context: 'c' } },
      scriptedGrader(['Paris is capital.\nIt is big.', 'Explanation... Final verdict for each statement in order: Yes. No.']).rt,
    );
    assert.deepEqual([faithful.pass, faithful.score], [true, 0.5]);
    const noQuery = await run('context-faithfulness', 'x', {}, { vars: { context: 'c' } }, scriptedGrader([]).rt);
    assert.match(noQuery.reason, /requires a "query" variable/);
  });

  it('answer-relevance: 3 generated questions embedded and compared with the query (src/matchers/rag.ts)', async () => {
    const g = scriptedGrader(['Q1', 'Q2', 'Q3'], { 'What is the capital?': [1, 0], Q1: [1, 0], Q2: [0, 1], Q3: [1, 0] });
    const r = await run('answer-relevance', 'Paris', {}, { vars: { query: 'What is the capital?' } }, g.rt);
    assert.equal(g.prompts.length, 3);
    assert.deepEqual(g.embedded, ['What is the capital?', 'Q1', 'Q2', 'Q3']);
    assert.equal(r.score.toFixed(4), (2 / 3).toFixed(4));
    assert.equal(r.pass, true);
  });

  it('similar: cosine >= 0.75 by default; lists pass on any; dot and euclidean metrics; not- inverts (src/assertions/similar.ts)', async () => {
    const vectors = { a: [1, 0], b: [0.8, 0.6], c: [0, 1], out: [1, 0] };
    const g = scriptedGrader([], vectors);
    assert.equal((await run('similar', 'out', { value: 'b' }, {}, g.rt)).pass, true);
    assert.equal((await run('similar', 'out', { value: 'c' }, {}, g.rt)).pass, false);
    assert.equal((await run('similar', 'out', { value: ['c', 'a'] }, {}, g.rt)).pass, true);
    const none = await run('similar', 'out', { value: ['c'] }, {}, g.rt);
    assert.equal(none.reason, 'None of the provided values met the similarity threshold');
    assert.equal((await run('not-similar', 'out', { value: 'c' }, {}, g.rt)).pass, true);
    assert.equal((await run('similar:euclidean', 'out', { value: 'a', threshold: 0.1 }, {}, g.rt)).pass, true);
    assert.equal((await run('similar:dot', 'out', { value: 'b', threshold: 0.9 }, {}, g.rt)).pass, false);
  });

  it('a model-graded assertion without a grader fails naming the fix, and never calls a model', async () => {
    const g = scriptedGrader(['{"pass": true}']);
    const r = await run('factuality', 'x', { value: 'y' }, {}, { ...g.rt, fallbackGrader: undefined });
    assert.match(r.reason, /needs a grader model and none is configured/);
    assert.equal(g.prompts.length, 0);
  });
});
