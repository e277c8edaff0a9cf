import * as assert from 'node:assert/strict';
import { Script, createContext } from 'node:vm';
import { cannotChangeSharedState } from '../../../src/core/evals/assertions/codeSandbox';
import { checkJavascript, javascriptBody } from '../../../src/core/evals/assertions/javascriptAssertion';
import { runInlineTransform } from '../../../src/core/evals/assertions/scriptValues';

const ctx = { vars: {}, prompt: 'p' };
const passes = async (code: string, output = 'out') => (await checkJavascript(code, output, ctx, false, undefined)).pass;

/** Assertions as people write them: they run in the shared context. */
const READ_ONLY = [
  "JSON.parse(output).label === 'bug'",
  "output.includes('Hello, World!')",
  'output.length / 10',
  "output.toLowerCase().split(' ').length > 3 && !output.includes('sorry')",
  'const s = JSON.parse(output).score; s > 0.5',
  'output.length >= context.vars.min_length',
  "const parts = output.split(','); return parts[0] === 'a' ? { pass: true, score: 1, reason: 'ok' } : false;",
  'Promise.resolve(output.length > 0)',
  '[1, 2, 3].map((n) => n * 2).includes(4)',
  'while (true) {}\nreturn true',
  "const { label, score } = JSON.parse(output); return label === 'bug' && score > 0;",
];

/**
 * Each one leaves state behind in a context it shares (a global, a built-in's property) without looking like it: the
 * screen must send every one to a fresh context. `probe` is read-only code that sees the leak in a reused context.
 */
const LEAKS: Array<{ code: string; probe: string }> = [
  { code: 'globalThis.leak = 1\nreturn true', probe: "typeof leak === 'undefined'" },
  { code: 'leak = 1\nreturn true', probe: "typeof leak === 'undefined'" },
  { code: 'var o = {}; this.leak = o; true', probe: "typeof leak === 'undefined'" },
  { code: 'for (leak of [1]);\nreturn true', probe: "typeof leak === 'undefined'" },
  { code: 'Array.prototype.leak = 1\nreturn true', probe: '[].leak === undefined' },
  { code: '[].push.call(JSON, 1) > 0', probe: 'JSON.length === undefined' },
  { code: 'Object.assign(Math, { leak: 1 }) && true', probe: 'Math.leak === undefined' },
  { code: "Object.defineProperty(JSON, 'leak', { value: 1 }) && true", probe: 'JSON.leak === undefined' },
  {
    code: 'Object.values(Object.getOwnPropertyDescriptors(Array)).find((d) => Array.isArray(d.value)).value.push(1) > 0',
    probe: '[][0] === undefined',
  },
  // No `=` in these: the code to run is spelled with \x3d, the name with pieces or a \u escape.
  { code: "[]['constr' + 'uctor']['constr' + 'uctor']('Math.leak\\x3d1')()\nreturn true", probe: 'Math.leak === undefined' },
  { code: "(() => 0).constr\\u0075ctor('Math.leak\\x3d2')()\nreturn true", probe: 'Math.leak === undefined' },
  { code: "const k = 'constr' + 'uctor' //(\n[k]; true", probe: 'true' },
  { code: 'Error.captureStackTrace(Math) || true', probe: 'Math.stack === undefined' },
  { code: "Object.prototype.__defineGetter__('leak', () => 1) || true", probe: '({}).leak === undefined' },
  { code: 'delete JSON.parse || true', probe: "typeof JSON.parse === 'function'" },
];

describe('codeSandbox: code shares a context only when it cannot change it', () => {
  it('ordinary read-only assertions pass the screen (they run in the shared context)', () => {
    for (const code of READ_ONLY) assert.equal(cannotChangeSharedState(code), true, code);
  });

  it('every way of leaving state behind fails the screen (it runs in a fresh context)', () => {
    for (const { code } of LEAKS) assert.equal(cannotChangeSharedState(code), false, code);
    // RegExp's legacy statics (set by any regex run) are out of read-only code's reach.
    for (const code of [
      "RegExp.$1 === ''",
      'const a = 1, leak = 2',
      'let x = 1; x = 2',
      'const [a] = [leak = 1]',
      'x++',
      'x -= 1',
      'a >>= 1',
      'a >>>= 1',
      'a ??= 1',
      'eval("1")',
      'new Function("")',
      'x?.[k]',
      'x\n[k]',
    ])
      assert.equal(cannotChangeSharedState(code), false, code);
  });

  it('the probes see a leak when one context is reused for everything (so the next test can fail)', () => {
    for (const { code, probe } of LEAKS) {
      if (probe === 'true') continue;
      const context = createContext({ __output: 'x', __context: ctx });
      const run = (c: string) =>
        new Script(`(function (output, context) {\n${javascriptBody(c)}\n})(__output, __context)`).runInContext(context) as unknown;
      assert.equal(run(probe), true, `probe before: ${probe}`);
      assert.ok(run(code), `the leak ran: ${code}`);
      assert.equal(run(probe), false, `${probe} does not see the leak of ${code}`);
    }
  });

  it('no state leaks from one assertion to the next: a global or a built-in set by one is not seen by the next', async () => {
    assert.equal(await passes(READ_ONLY[0], '{"label": "bug"}'), true); // the shared context exists
    for (const { code, probe } of LEAKS) {
      assert.equal(cannotChangeSharedState(probe), true, `the probe itself runs in the shared context: ${probe}`);
      await checkJavascript(code, 'out', ctx, false, undefined);
      assert.equal(await passes(probe), true, `after ${code}: ${probe}`);
    }
  });

  it('an assertion that sets a global and one that reads it: promptfoo-compatible values, no leak', async () => {
    assert.equal(await passes("globalThis.seen = output\nreturn seen === 'first'", 'first'), true);
    assert.equal(await passes("typeof seen === 'undefined'", 'second'), true);
  });

  it('the 1 s limit holds in the shared context, and the next assertion runs normally', async () => {
    assert.equal(cannotChangeSharedState('while (true) {}\nreturn true'), true);
    const stopped = await checkJavascript('while (true) {}\nreturn true', 'x', ctx, false, undefined, 200);
    assert.equal(stopped.pass, false);
    assert.match(stopped.reason, /timed out after 200 ms/);
    assert.equal(await passes("output === 'next'", 'next'), true);
  });

  it('inputs are per run: concurrent async assertions each see their own output', async () => {
    const results = await Promise.all(
      ['a', 'bb', 'ccc', 'dddd'].map((o) => checkJavascript('Promise.resolve(output.length)', o, ctx, false, 2)),
    );
    assert.deepEqual(
      results.map((r) => r.score),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      results.map((r) => r.pass),
      [false, true, true, true],
    );
  });

  it('inline transforms: shared context for read-only code, fresh for code that writes, nothing leaks', async () => {
    assert.equal(await runInlineTransform('output.toUpperCase()', 'abc', {}), 'ABC');
    assert.equal(await runInlineTransform('globalThis.t = 1\nreturn output', 'abc', {}), 'abc');
    assert.equal(await runInlineTransform("typeof t === 'undefined'", 'abc', {}), true);
    assert.equal(await runInlineTransform("process.env.LEAK = 'x'\nreturn 1", 'abc', {}), 1);
    assert.equal(await runInlineTransform('process.env.LEAK === undefined', 'abc', {}), true);
  });
});

/** Results and failures of every kind javascriptResultCheck maps, each run in the sandbox worker and on this thread. */
const BOTH_WAYS: Array<{ code: string; output?: string; threshold?: number; negate?: boolean }> = [
  ...READ_ONLY.filter((c) => !c.startsWith('while')).map((code) => ({ code, output: '{"label": "bug", "score": 1}' })),
  { code: 'output.length', threshold: 3 },
  { code: 'output.length', threshold: 30 },
  { code: 'true', negate: true },
  { code: 'NaN' },
  { code: '1 / 0' },
  { code: '-2' },
  { code: "'text'" },
  { code: 'null' },
  { code: 'undefined' },
  { code: '({ pass: true })' },
  { code: "({ pass: false, score: 0.25, reason: 'why' })", threshold: 0.5 },
  { code: "({ pass: true, score: 0.25, reason: 'why' })", threshold: 0.5 },
  { code: "({ pass: true, score: 'high' })" },
  { code: "({ pass: 'yes' })" },
  { code: '() => 1' },
  { code: "Symbol('s')" },
  { code: '10n' },
  { code: '[true]' },
  { code: "throw new Error('boom')" },
  { code: "throw 'a string'" },
  { code: "throw new Error('it timed out upstream')" },
  { code: 'JSON.parse(output)', output: 'not json' },
  { code: 'this is not javascript' },
  { code: "Promise.reject(new Error('later'))" },
  { code: 'Promise.resolve({ pass: false, reason: "async" })' },
  { code: 'context.vars.n + context.prompt.length' },
  { code: 'globalThis.x = 1\nreturn typeof x' },
];

describe('javascript assertions: the sandbox worker and this thread give the same check', () => {
  it('every result kind and every failure', async () => {
    const context = { vars: { n: 2, list: [1, 'a'] }, prompt: 'prompt' };
    for (const c of BOTH_WAYS) {
      const output = c.output ?? 'output';
      const inWorker = await checkJavascript(c.code, output, context, c.negate ?? false, c.threshold);
      const here = await checkJavascript(c.code, output, context, c.negate ?? false, c.threshold, undefined, null);
      assert.deepEqual(inWorker, here, c.code);
    }
  });

  it('a promise that never settles times out in the worker as on this thread', async () => {
    const never = 'new Promise(() => {})';
    const inWorker = await checkJavascript(never, 'x', ctx, false, undefined, 150);
    const here = await checkJavascript(never, 'x', ctx, false, undefined, 150, null);
    assert.deepEqual(inWorker, here);
    assert.match(inWorker.reason, /timed out after 150 ms/);
    assert.equal(await passes("output === 'after'", 'after'), true);
  });
});

describe('javascript assertions in the sandbox worker: one run never blames another', () => {
  it('a promise left rejected by one assertion does not fail the next one', async () => {
    const stray = await checkJavascript("Promise.reject(new Error('stray'));\nreturn true", 'x', ctx, false, undefined);
    assert.equal(stray.pass, true);
    for (const output of ['a', 'b', 'c']) assert.equal(await passes(`output === '${output}'`, output), true);
  });
});
