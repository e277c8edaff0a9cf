import { strict as assert } from 'node:assert';
import { buildCompareView } from '../../../src/core/evals/editor/compareView';
import { MatrixAccumulator } from '../../../src/core/evals/matrixStats';
import { selectModel } from '../../../src/core/evals/modelSelection';
import type { EvalFile } from '../../../src/core/evals/evalModel';
import type { EvalCaseResult } from '../../../src/core/evals/evalResult';

const loc = (line: number) => ({ file: '/w/tickets.eval.yaml', range: { start: { line, column: 2 }, end: { line, column: 2 } } });

function evalFile(cases: number, minPassRate?: number): EvalFile {
  return {
    path: '/w/tickets.eval.yaml',
    prompts: [{ label: 'p', raw: 'Classify: {{ticket}}', location: loc(1) }],
    providers: [],
    task: 'classify',
    tests: Array.from({ length: cases }, (_, index) => ({
      index,
      description: `case ${index}`,
      vars: {},
      assert: [],
      location: loc(5 + index * 4),
    })),
    minPassRate,
    diagnostics: [],
    fatal: false,
  };
}

function result(provider: string, caseIndex: number, pass: boolean, costUsd: number | null, latencyMs = 100): EvalCaseResult {
  return {
    file: '/w/tickets.eval.yaml',
    caseIndex,
    description: `case ${caseIndex}`,
    location: loc(5),
    promptIndex: 0,
    promptLabel: 'p',
    provider,
    providerLabel: provider,
    repeat: 0,
    verdict: pass ? 'pass' : 'fail',
    pass,
    score: pass ? 1 : 0,
    reason: pass ? 'ok' : 'Expected "invoice"',
    assertions: [],
    output: pass ? 'invoice' : 'billing',
    prompt: '',
    latencyMs,
    ttftMs: null,
    costUsd,
    tokens: { input: 10, output: 2 },
    cached: false,
  };
}

const models = ['openai:gpt-4o', 'openai:gpt-4o-mini', 'ollama:llama3.2:3b'];

/** gpt-4o passes all at high cost, gpt-4o-mini passes all cheaply, the local model fails one for free. */
function fixture(): EvalCaseResult[] {
  const out: EvalCaseResult[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(result('openai:gpt-4o', i, true, 0.002, 300 + i));
    out.push(result('openai:gpt-4o-mini', i, true, 0.0001, 200 + i * 10));
    out.push(result('ollama:llama3.2:3b', i, i !== 2, 0, 50));
  }
  return out;
}

function view(results: EvalCaseResult[], file = evalFile(4), progress?: { done: number; total: number }) {
  const matrix = new MatrixAccumulator(false);
  results.forEach((r) => matrix.add(r));
  const stats = matrix.stats();
  const selection = progress
    ? undefined
    : selectModel(stats, {
        task: 'classify',
        file: 'tickets.eval.yaml',
        cases: file.tests.length,
        repeats: 1,
        minPassRate: file.minPassRate ?? 1,
        callsPerDay: 1000,
      });
  return buildCompareView({ file, relativePath: 'evals/tickets.eval.yaml', models, results, stats, selection, progress });
}

describe('model comparison view', () => {
  it('recommends the cheapest model that meets the gate, not the cheapest overall', () => {
    const v = view(fixture());
    assert.equal(v.recommendation.model, 'openai:gpt-4o-mini');
    assert.deepEqual(
      v.models.filter((m) => m.recommended).map((m) => m.model),
      ['openai:gpt-4o-mini'],
    );
    assert.match(v.recommendation.reason, /cheaper ollama:llama3\.2:3b \(75\.0%\) did not meet the gate/);
    const local = v.models.find((m) => m.model === 'ollama:llama3.2:3b')!;
    assert.deepEqual([local.passed, local.total, local.meetsThreshold], [3, 4, false]);
  });

  it('a lower gate from the file lets the free model win', () => {
    assert.equal(view(fixture(), evalFile(4, 0.75)).recommendation.model, 'ollama:llama3.2:3b');
  });

  it('shows mean and p95 latency and total cost per model', () => {
    const mini = view(fixture()).models.find((m) => m.model === 'openai:gpt-4o-mini')!;
    assert.equal(mini.meanMs, 215);
    assert.equal(mini.p95Ms, 230);
    assert.ok(Math.abs(mini.costUsd - 0.0004) < 1e-12);
    assert.ok(Math.abs(mini.costPerCallUsd! - 0.0001) < 1e-12);
  });

  it('per case, a check or a cross per model with the reason it failed', () => {
    const row = view(fixture()).cases[2];
    assert.deepEqual(row.results['ollama:llama3.2:3b'], { pass: false, reason: 'Expected "invoice"' });
    assert.deepEqual(row.results['openai:gpt-4o'], { pass: true, reason: undefined });
  });

  it('recommends nothing while running, and lists models that have no answer yet', () => {
    const running = view(fixture().slice(0, 2), evalFile(4), { done: 2, total: 12 });
    assert.equal(running.recommendation.model, undefined);
    assert.equal(running.recommendation.reason, 'Running…');
    assert.equal(running.models.length, 3);
    assert.equal(running.models.find((m) => m.model === 'ollama:llama3.2:3b')!.total, 0);
  });

  it("carries the engine's model-selection record as Markdown", () => {
    const v = view(fixture());
    assert.match(v.record, /^# Model selection: classify/);
    assert.match(v.record, /"primary": "openai:gpt-4o-mini"/);
  });
});
