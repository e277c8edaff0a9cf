import * as assert from 'node:assert/strict';
import type { EvalCaseResult } from '../../../src/core/evals/evalResult';
import { escapeXml, junitXml, junitXmlLines } from '../../../src/core/evals/junitReport';
import { MatrixAccumulator, percentile } from '../../../src/core/evals/matrixStats';
import { selectionMarkdown, selectModel } from '../../../src/core/evals/modelSelection';
import { ReportRow } from '../../../src/core/evals/reportRow';
import { resultsTable, resultsTableLines } from '../../../src/core/evals/textReport';

function result(fields: Partial<EvalCaseResult>): EvalCaseResult {
  return {
    file: '/w/evals/a.eval.yaml',
    caseIndex: 0,
    description: 'case',
    location: { file: '/w/evals/a.eval.yaml', range: { start: { line: 4, column: 4 }, end: { line: 6, column: 0 } } },
    promptIndex: 0,
    promptLabel: 'p',
    provider: 'openai:gpt-4o-mini',
    providerLabel: 'openai:gpt-4o-mini',
    repeat: 0,
    verdict: 'pass',
    pass: true,
    score: 1,
    reason: 'All assertions passed',
    assertions: [],
    output: 'ok',
    prompt: '',
    latencyMs: 100,
    ttftMs: 50,
    costUsd: 0.001,
    tokens: { input: 10, output: 5 },
    cached: false,
    ...fields,
  };
}

describe('reports', () => {
  it('escapes XML text and attributes, dropping characters XML cannot hold', () => {
    assert.equal(escapeXml(`a<b>&"c"'d'\u0000\u001b`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    assert.equal(escapeXml('line1\nline2', true), 'line1&#10;line2');
  });

  it('a failed case whose answer was cut says so first in the table reason and in the JUnit failure text', () => {
    const cut = result({
      description: 'cut',
      verdict: 'fail',
      pass: false,
      reason: 'Expected output to contain "done"',
      stopReason: 'max_tokens',
    });
    const table = resultsTable([cut], '/w');
    assert.match(table, /FAIL .* ⚠ truncated \(stop reason max_tokens\); Expected output to contain "done"/);
    const xml = junitXml([cut], { cwd: '/w' });
    assert.match(xml, /type="assertion">⚠ answer truncated at the output limit \(stop reason max_tokens\)\nscore/);
    assert.match(xml, /<system-out>⚠ answer truncated/);
    assert.doesNotMatch(resultsTable([result({ stopReason: 'end' })], '/w'), /⚠/);
  });

  it('writes JUnit with a testsuite per file and failure, error and skipped cases', () => {
    const xml = junitXml(
      [
        result({ description: 'ok' }),
        result({ description: 'bad', verdict: 'fail', pass: false, reason: 'Expected <x>', output: 'y & z' }),
        result({
          description: 'down',
          verdict: 'error',
          pass: false,
          reason: 'rate limited: retry later',
          error: { kind: 'rate_limit', message: 'rate limited' },
        }),
        result({ description: 'code', verdict: 'skipped', reason: 'skipped: code execution is disabled' }),
        result({ file: '/w/evals/b.eval.yaml', description: 'other' }),
      ],
      { cwd: '/w', timestamp: new Date('2026-01-02T03:04:05Z') },
    );
    assert.match(xml, /<testsuites name="llm-workbench eval" tests="5" failures="1" errors="1" skipped="1"/);
    assert.match(
      xml,
      /<testsuite name="evals\/a\.eval\.yaml" tests="4" failures="1" errors="1" skipped="1" time="0\.400" timestamp="2026-01-02T03:04:05">/,
    );
    assert.match(xml, /<testsuite name="evals\/b\.eval\.yaml" tests="1"/);
    assert.match(xml, /<failure message="Expected &lt;x&gt;" type="assertion">[^]*y &amp; z<\/failure>/);
    assert.match(xml, /<error message="rate limited: retry later" type="rate_limit">/);
    assert.match(xml, /<skipped message="skipped: code execution is disabled"\/>/);
    assert.match(xml, /line="5"/);
  });

  it('a cached case reports zero time in JUnit (no time was spent now)', () => {
    assert.match(junitXml([result({ cached: true, latencyMs: 900 })], { cwd: '/w' }), /<testcase [^>]*time="0\.000"\/>/);
  });

  it('prints one row per case with the reason for failures only', () => {
    const text = resultsTable(
      [
        result({ description: 'good' }),
        result({ description: 'bad', verdict: 'fail', reason: 'Expected output to contain "x"', costUsd: null, cached: true }),
      ],
      '/w',
    );
    const [header, , good, bad] = text.split('\n');
    assert.match(header, /^case\s+provider\s+verdict\s+latency\s+cost\s+reason$/);
    assert.match(good, /^good\s+openai:gpt-4o-mini\s+PASS\s+100 ms\s+\$0\.001$/);
    assert.match(bad, /^bad\s+openai:gpt-4o-mini\s+FAIL\s+100 ms\s+unknown \(cached\)\s+Expected output to contain "x"$/);
  });

  it('the compact rows a long CLI run keeps print the same table and JUnit as the full results', () => {
    const full = [
      result({ description: 'ok', output: 'a long answer '.repeat(50), prompt: 'the rendered prompt' }),
      result({ description: 'ok again', repeat: 1, cached: true, costUsd: null }),
      result({
        caseIndex: 1,
        description: 'wrong',
        verdict: 'fail',
        pass: false,
        score: 0.25,
        reason: 'Expected output to contain "refund"',
        output: `${'x'.repeat(2500)}<end>`,
        model: 'openai:gpt-4o-mini-2024-07-18',
        stopReason: 'max_tokens',
        assertions: [
          {
            type: 'contains',
            pass: false,
            score: 0,
            weight: 1,
            reason: 'Expected output to contain "refund"',
            location: { file: '/w/evals/a.eval.yaml', range: { start: { line: 9, column: 8 }, end: { line: 9, column: 30 } } },
          },
        ],
      }),
      result({
        caseIndex: 2,
        file: '/w/evals/b.eval.yaml',
        description: 'down',
        verdict: 'error',
        pass: false,
        reason: 'HTTP 500',
        error: { kind: 'server', message: 'HTTP 500' },
        latencyMs: 0,
      }),
      result({
        caseIndex: 3,
        description: 'no code',
        verdict: 'skipped',
        pass: false,
        reason: 'javascript assertions are off (--no-code)',
      }),
    ];
    const rows = full.map((r) => new ReportRow(r));
    const timestamp = new Date('2026-01-02T03:04:05Z');
    assert.equal(resultsTable(rows, '/w'), resultsTable(full, '/w'));
    assert.equal(junitXml(rows, { cwd: '/w', timestamp }), junitXml(full, { cwd: '/w', timestamp }));
    // The line-at-a-time forms are the same text.
    assert.equal([...resultsTableLines(rows, '/w')].join('\n'), resultsTable(full, '/w'));
    assert.equal(`${[...junitXmlLines(rows, { cwd: '/w', timestamp })].join('\n')}\n`, junitXml(full, { cwd: '/w', timestamp }));
    // A pass keeps no text the reports do not print; a failure keeps its detail, the output clipped as JUnit prints it.
    assert.deepEqual([rows[0].output, rows[0].reason, rows[0].assertions.length, rows[0].model], ['', '', 0, undefined]);
    assert.equal(rows[2].output.length, 2001);
    assert.equal(rows[2].assertions, full[2].assertions);
    assert.equal(rows[2].model, 'openai:gpt-4o-mini-2024-07-18');
    assert.ok(!('prompt' in rows[0]) && !('tokens' in rows[0]));
  });

  it('nearest-rank p95', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 0.95), 5);
    assert.equal(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
      95,
    );
    assert.equal(percentile([], 0.95), 0);
  });

  it('per-provider stats count errors as failures and unknown prices as unknown', () => {
    const m = new MatrixAccumulator(false);
    m.add(result({ latencyMs: 100 }));
    m.add(result({ latencyMs: 300, verdict: 'fail', pass: false }));
    m.add(result({ verdict: 'error', pass: false, latencyMs: 0 }));
    m.add(result({ provider: 'ollama:llama3.1:8b', providerLabel: 'local', costUsd: null }));
    const [mini, local] = m.stats();
    assert.equal(mini.passRate, 1 / 3);
    assert.equal(mini.meanLatencyMs, 200);
    assert.equal(mini.costPerCallUsd, 0.001);
    assert.equal(local.costPerCallUsd, null);
    assert.equal(local.unknownCostCalls, 1);
  });

  const stats = (label: string, passRate: number, cost: number | null, p95 = 100) => ({
    label,
    provider: label,
    cases: 10,
    passed: Math.round(passRate * 10),
    failed: 10 - Math.round(passRate * 10),
    errors: 0,
    skipped: 0,
    passRate,
    meanLatencyMs: p95 / 2,
    p95LatencyMs: p95,
    totalCostUsd: (cost ?? 0) * 10,
    unknownCostCalls: cost === null ? 10 : 0,
    costPerCallUsd: cost,
    meanInputTokens: 100,
    meanOutputTokens: 10,
  });
  const input = {
    task: 'classify' as const,
    file: '/w/a.eval.yaml',
    cases: 10,
    repeats: 1,
    minPassRate: 0.9,
    callsPerDay: 1000,
    now: new Date('2026-01-01T00:00:00Z'),
  };

  it('recommends the cheapest candidate meeting the gate; the next passing one is the fallback', () => {
    const record = selectModel(
      [stats('openai:gpt-4o', 1, 0.01), stats('openai:gpt-4.1-nano', 0.7, 0.0001), stats('openai:gpt-4o-mini', 0.9, 0.001)],
      input,
    );
    assert.deepEqual(record.chosenRoute, { primary: 'openai:gpt-4o-mini', fallbacks: ['openai:gpt-4o'] });
    assert.deepEqual(record.costEstimate, { perCallUsd: 0.001, callsPerDay: 1000, monthlyUsd: 30 });
    assert.match(record.decision, /cheaper openai:gpt-4\.1-nano \(70\.0%\) did not meet the gate/);
    const md = selectionMarkdown(record);
    assert.match(md, /# Model selection: classify/);
    assert.match(md, /\| openai:gpt-4o-mini \| 90\.0% \| met \| 50 ms \| 100 ms \| \$0\.001 \| \$0\.0100 \|/);
    assert.match(md, /\$30\.00 per month at 1000 calls\/day/);
    assert.match(md, /"classify": \{\n\s+"primary": "openai:gpt-4o-mini"/);
  });

  it('breaks a price tie by p95 latency, and never calls an unknown price the cheapest', () => {
    const tie = selectModel([stats('a:slow', 1, 0.001, 900), stats('a:fast', 1, 0.001, 200)], input);
    assert.equal(tie.chosenRoute!.primary, 'a:fast');
    const unknown = selectModel([stats('local:x', 1, null), stats('a:paid', 1, 0.002)], input);
    assert.equal(unknown.chosenRoute!.primary, 'a:paid');
    assert.deepEqual(unknown.chosenRoute!.fallbacks, ['local:x']);
  });

  it('says so when no candidate meets the gate', () => {
    const record = selectModel([stats('a:one', 0.5, 0.001), stats('a:two', 0.8, 0.002)], input);
    assert.equal(record.chosenRoute, null);
    assert.match(record.decision, /No candidate met the 90\.0% quality gate \(best: a:two at 80\.0%\)/);
  });

  it('names no "best" model when none passed a single case', () => {
    const record = selectModel([stats('a:one', 0, 0.001), stats('a:two', 0, 0.002)], input);
    assert.equal(record.chosenRoute, null);
    assert.equal(
      record.decision,
      'No candidate met the 90.0% quality gate (no candidate passed a single case): improve the prompt or try stronger models.',
    );
    assert.doesNotMatch(record.decision, /best/);
  });
});
