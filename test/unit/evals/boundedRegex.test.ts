import * as assert from 'node:assert/strict';
import { MAX_INLINE_STEPS, runsInline, worstCaseSteps } from '../../../src/core/evals/assertions/boundedRegex';
import { RegexRunner } from '../../../src/core/evals/assertions/regexRunner';
import { SandboxWorker } from '../../../src/core/evals/assertions/sandboxWorker';

/**
 * A worker that counts what reaches it: the inline path must not send these tests there, and the worker path must
 * give the same answers (it is the reference: the regex test as it ran before the inline path existed).
 */
class CountingWorker extends SandboxWorker {
  requests = 0;
  override run<R>(request: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal) {
    this.requests++;
    return super.run<R>(request, timeoutMs, signal);
  }
}

/** A reference step count: a naive backtracking matcher over the analysed subset (literal atoms, `\s`, `.`, `[a-z]`). */
function naiveSteps(atoms: Array<{ match: (c: string) => boolean; min: number; max: number }>, text: string): number {
  let steps = 0;
  const at = (j: number, pos: number): boolean => {
    steps++;
    if (j === atoms.length) return true;
    const { match, min, max } = atoms[j];
    // Greedy: take as many as allowed, then back off one at a time.
    let reps = 0;
    while (reps < max && pos + reps < text.length && match(text[pos + reps])) {
      reps++;
      steps++;
    }
    for (; reps >= min; reps--) if (at(j + 1, pos + reps)) return true;
    return false;
  };
  for (let start = 0; start <= text.length; start++) if (at(0, start)) break;
  return steps;
}

describe('boundedRegex: which regex tests run on the main thread', () => {
  it('bounds the patterns eval files use most, for short outputs', () => {
    for (const pattern of ['"label":\\s*"billing"', '^\\d{3}-\\d{4}$', 'hello', '\\bYES\\b', '[Bb]illing', 'a.?b', 'x{2,5}'])
      assert.ok(runsInline(pattern, '', 200), pattern);
  });

  it('leaves groups, alternation, backreferences, nested or unknown syntax to the worker', () => {
    for (const pattern of [
      '(a+)+$',
      '^((\\w+\\s?)+)+$',
      'a|b',
      '(?=x)y',
      '(?<=x)y',
      '\\1',
      '\\k<n>',
      '[[a]]',
      'a**',
      '{"label"',
      'x{2,1}',
      '\\p{L}',
      '\\u{61}',
      '[a-z',
      'x'.repeat(300),
    ])
      assert.equal(worstCaseSteps(pattern, '', 10), undefined, pattern);
    assert.equal(worstCaseSteps('abc', 'v', 10), undefined);
  });

  it('sends a quantified pattern on a long text to the worker: the bound grows with the text', () => {
    assert.ok(runsInline('\\s*x', '', 500));
    assert.equal(runsInline('\\s*x', '', 50_000), false);
    assert.equal(runsInline('a*a*a*b', '', 1000), false);
    assert.ok(runsInline('hello', '', 100_000));
  });

  it('is an upper bound on a backtracking matcher, on adversarial texts', () => {
    const ws = (c: string) => /\s/.test(c);
    const lit = (x: string) => (c: string) => c === x;
    const cases: Array<{ pattern: string; atoms: Parameters<typeof naiveSteps>[0]; text: string }> = [
      // \s* then a literal that never comes: every start backtracks over the whole run of spaces.
      {
        pattern: '\\s*x',
        atoms: [
          { match: ws, min: 0, max: Infinity },
          { match: lit('x'), min: 1, max: 1 },
        ],
        text: ' '.repeat(300),
      },
      {
        pattern: 'a*a*b',
        atoms: [
          { match: lit('a'), min: 0, max: Infinity },
          { match: lit('a'), min: 0, max: Infinity },
          { match: lit('b'), min: 1, max: 1 },
        ],
        text: 'a'.repeat(60),
      },
      {
        pattern: 'a{2,9}a?c',
        atoms: [
          { match: lit('a'), min: 2, max: 9 },
          { match: lit('a'), min: 0, max: 1 },
          { match: lit('c'), min: 1, max: 1 },
        ],
        text: 'a'.repeat(40),
      },
    ];
    for (const { pattern, atoms, text } of cases) {
      const bound = worstCaseSteps(pattern, '', text.length);
      assert.ok(bound !== undefined && bound <= MAX_INLINE_STEPS, pattern);
      assert.ok(naiveSteps(atoms, text) <= bound, `${pattern}: ${naiveSteps(atoms, text)} steps > bound ${bound}`);
    }
  });

  it('gives the worker’s answers without sending it anything', async () => {
    const inline = new CountingWorker();
    const reference = new SandboxWorker();
    const runner = new RegexRunner(inline);
    const tests: Array<[string, string, string]> = [
      ['"label":\\s*"billing"', '{"label": "billing"}', ''],
      ['"label":\\s*"billing"', '{"label": "bug"}', ''],
      ['^\\d{3}-\\d{4}$', '555-1234', ''],
      ['^\\d{3}-\\d{4}$', '555-12345', ''],
      ['BILLING', 'billing', 'i'],
      ['^b', 'a\nb', 'm'],
      ['a.b', 'a\nb', 's'],
      ['x', 'yx', 'y'],
      ['x', 'x', 'g'],
      ['[]', 'anything', ''],
      ['\\u0041', 'A', ''],
      ['\\-', '-', 'u'], // a syntax error with the `u` flag: the same error text both ways
    ];
    try {
      for (const [pattern, text, flags] of tests) {
        const got = await runner.test(pattern, text, { flags });
        const reply = (await reference.run<{ matched?: boolean; error?: string }>({ kind: 'regex', pattern, flags, text }, 5000)) as {
          matched?: boolean;
          error?: string;
        };
        const want = reply.error !== undefined ? { error: reply.error } : { matched: Boolean(reply.matched) };
        assert.deepEqual(got, want, `/${pattern}/${flags} on ${JSON.stringify(text)}`);
        // The same pattern again: the cached RegExp starts from lastIndex 0, as the worker's does.
        assert.deepEqual(await runner.test(pattern, text, { flags }), want);
      }
      assert.equal(inline.requests, 0);
    } finally {
      await inline.dispose();
      await reference.dispose();
    }
  });

  it('still sends what it cannot bound to the worker, and honours a cancelled run inline', async () => {
    const worker = new CountingWorker();
    const runner = new RegexRunner(worker);
    try {
      assert.deepEqual(await runner.test('(a|b)+c', 'ababc'), { matched: true });
      assert.equal(worker.requests, 1);
      const controller = new AbortController();
      controller.abort();
      assert.deepEqual(await runner.test('abc', 'abc', { signal: controller.signal }), { aborted: true });
      assert.equal(worker.requests, 1);
    } finally {
      await worker.dispose();
    }
  });
});
