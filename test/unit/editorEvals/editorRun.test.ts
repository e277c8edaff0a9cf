/**
 * The editor's eval seam (runEvalFile) and what the editor derives from it — decoration text, failure diffs and the
 * comparison's recommendation — over the real gateway, the official OpenAI client and the loopback emulator.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../../src/core/cost/ledger';
import { caseDecorationText } from '../../../src/core/evals/editor/caseVerdictText';
import { assertionFailures, skippedCount } from '../../../src/core/evals/editor/caseFailures';
import { buildCompareView } from '../../../src/core/evals/editor/compareView';
import { selectionFor, selects } from '../../../src/core/evals/editor/evalTestIds';
import { estimateEvalRun } from '../../../src/core/evals/editor/runEstimate';
import type { EvalCaseResult } from '../../../src/core/evals/evalResult';
import { relativeDisplayPath } from '../../../src/core/evals/displayPath';
import { MatrixAccumulator } from '../../../src/core/evals/matrixStats';
import { selectionMarkdown } from '../../../src/core/evals/modelSelection';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';
import { createGateway } from '../../../src/core/gateway/createGateway';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { runEvalFile } from '../../../src/features/evalTests/evalEngine';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { costOfOneTicketCall, scriptTickets, TICKET_MODELS } from '../../integration/fixtures/emulatorTickets';

const FIXTURES = join(__dirname, '..', '..', 'integration', 'fixtures', 'workspace', 'evals');

describe('editor eval runs (gateway + emulator)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let home: string;
  const previousHome = process.env.LLM_WORKBENCH_HOME;

  before(async () => {
    emulator = await startEmulator();
    scriptTickets(emulator);
    home = mkdtempSync(join(tmpdir(), 'editor-evals-'));
    process.env.LLM_WORKBENCH_HOME = home; // the response cache lives under it
  });
  after(async () => {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
    if (previousHome === undefined) delete process.env.LLM_WORKBENCH_HOME;
    else process.env.LLM_WORKBENCH_HOME = previousHome;
  });

  function setup() {
    const config = {
      ...defaultConfig(),
      providers: [{ id: 'emu', kind: 'openai' as const, baseUrl: emulator.openaiBaseUrl }],
      models: TICKET_MODELS,
    };
    const catalog = new ModelCatalog(config.models);
    const ledger = new MemoryLedger();
    const gateway = createGateway({ config, catalog, keys: async () => 'sk-emulator', ledger });
    return { catalog, ledger, gateway };
  }

  const load = (name: string) => parseEvalText(readFileSync(join(FIXTURES, name), 'utf8'), join(FIXTURES, name));

  async function run(
    name: string,
    options: {
      only?: number;
      providers?: string[];
      useCache?: boolean;
      onCacheWarning?: (m: string) => void;
      callsPerDay?: number;
      displayPath?: (path: string) => string;
    } = {},
  ) {
    const { gateway, ledger, catalog } = setup();
    const file = load(name);
    assert.deepEqual(file.diagnostics, []);
    const selection = selectionFor(options.only === undefined ? [{ kind: 'file' }] : [{ kind: 'case', caseIndex: options.only }]);
    const results: EvalCaseResult[] = [];
    const started: number[] = [];
    const summary = await runEvalFile(file, {
      gateway,
      shouldRun: (i, p) => selects(selection, i, p),
      signal: new AbortController().signal,
      allowCode: true,
      useCache: options.useCache ?? false,
      providers: options.providers,
      callsPerDay: options.callsPerDay,
      displayPath: options.displayPath,
      onStart: (i) => started.push(i),
      onResult: (r) => results.push(r),
      onCacheWarning: options.onCacheWarning,
    });
    results.sort((a, b) => a.caseIndex - b.caseIndex || (a.provider ?? '').localeCompare(b.provider ?? ''));
    return { file, results, summary, ledger, catalog, started };
  }

  it('a case that passes decorates with its latency and exact cost', async () => {
    const { results, ledger } = await run('tickets.eval.yaml', { only: 0 });
    assert.equal(results.length, 1);
    const [r] = results;
    assert.equal(r.verdict, 'pass');
    assert.ok(Math.abs(r.costUsd! - costOfOneTicketCall('emu:small')) < 1e-15);
    const text = caseDecorationText([
      { pass: true, latencyMs: r.latencyMs, costUsd: r.costUsd, cached: r.cached, skipped: skippedCount(r.assertions) },
    ]);
    assert.equal(text, `✓ ${Math.round(r.latencyMs)} ms · $0.0001`);
    assert.equal(ledger.records.length, 1, 'one call, one ledger record');
    assert.equal(ledger.records[0].source, 'eval');
  });

  it('a failing case shows expected and actual, at the failing assertion (not the passing one before it)', async () => {
    const { results, file } = await run('tickets.eval.yaml', { only: 2 });
    const [r] = results;
    assert.equal(r.verdict, 'fail');
    const failures = assertionFailures(r.assertions);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].expected, 'invoice');
    assert.equal(failures[0].actual, 'maybe billing or legal');
    const equalsLine = file.tests[2].assert[1].location.range.start.line;
    assert.equal(failures[0].location.range.start.line, equalsLine);
    const text = caseDecorationText([
      { pass: false, latencyMs: r.latencyMs, costUsd: r.costUsd, cached: false, failure: failures[0], skipped: 0 },
    ]);
    assert.ok(text.startsWith('✗ expected "invoice", got "maybe billing or legal"'), text);
  });

  it('runs only the selected case, and a second run with the cache is marked cached with the original numbers', async () => {
    const first = await run('tickets.eval.yaml', { only: 1, useCache: true });
    assert.deepEqual(first.started, [1]);
    const again = await run('tickets.eval.yaml', { only: 1, useCache: true });
    assert.equal(again.results[0].cached, true);
    assert.equal(again.results[0].latencyMs, first.results[0].latencyMs);
    assert.equal(again.ledger.records.length, 0, 'a cache hit makes no call');
    assert.match(
      caseDecorationText([
        { pass: true, latencyMs: again.results[0].latencyMs, costUsd: again.results[0].costUsd, cached: true, skipped: 0 },
      ]),
      / · cached$/,
    );
  });

  it('a cache folder that cannot be written: every result still arrives, and the editor is told once with the path', async () => {
    const blocked = mkdtempSync(join(tmpdir(), 'editor-evals-blocked-'));
    writeFileSync(join(blocked, 'cache'), 'a file where the cache folder should be');
    process.env.LLM_WORKBENCH_HOME = blocked;
    try {
      const warnings: string[] = [];
      const { results, ledger } = await run('compare.eval.yaml', {
        providers: ['emu:small', 'emu:medium'],
        useCache: true,
        onCacheWarning: (m) => warnings.push(m),
      });
      assert.equal(results.length, 6);
      assert.equal(ledger.records.length, 6, 'every call recorded');
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.ok(warnings[0].includes(`${join(blocked, 'cache', 'evals')} cannot be written (a file is in the way`), warnings[0]);
    } finally {
      process.env.LLM_WORKBENCH_HOME = home;
      rmSync(blocked, { recursive: true, force: true });
    }
  });

  it('the comparison recommends emu:medium, the cheapest model that passes every case', async () => {
    const models = ['emu:small', 'emu:medium', 'emu:large'];
    const { results, summary, file } = await run('compare.eval.yaml', { providers: models });
    const matrix = new MatrixAccumulator(false);
    results.forEach((r) => matrix.add(r));
    const view = buildCompareView({
      file,
      relativePath: 'evals/compare.eval.yaml',
      models,
      results,
      stats: matrix.stats(),
      selection: summary.files[0].selection,
    });
    assert.equal(view.recommendation.model, 'emu:medium');
    assert.deepEqual(view.recommendation.fallbacks, ['emu:large']);
    const small = view.models.find((m) => m.model === 'emu:small')!;
    assert.deepEqual([small.passed, small.total, small.meetsThreshold], [2, 3, false]);
    const medium = view.models.find((m) => m.model === 'emu:medium')!;
    assert.ok(Math.abs(medium.costUsd - 3 * costOfOneTicketCall('emu:medium')) < 1e-12);
    assert.match(view.record, /"primary": "emu:medium"/);
  });

  it('the model-selection record uses llmWorkbench.budget.callsPerDay and the workspace-relative path of the file', async () => {
    const workspace = join(FIXTURES, '..');
    const { summary } = await run('compare.eval.yaml', {
      providers: ['emu:small', 'emu:medium', 'emu:large'],
      callsPerDay: 500,
      displayPath: (path) => relativeDisplayPath(workspace, path),
    });
    const selection = summary.files[0].selection!;
    assert.equal(selection.costEstimate?.callsPerDay, 500);
    assert.equal(selection.costEstimate?.monthlyUsd, selection.costEstimate!.perCallUsd * 500 * 30);
    assert.equal(selection.dataset.file, 'evals/compare.eval.yaml');
    const markdown = selectionMarkdown(selection);
    assert.match(markdown, /at 500 calls\/day/);
    assert.ok(!markdown.includes(FIXTURES), 'no absolute path in the record');
    assert.match(markdown, /`evals\/compare\.eval\.yaml`/);
  });

  it('estimates a run before sending anything, close to what it then costs', () => {
    const { catalog } = setup();
    const file = load('compare.eval.yaml');
    const estimate = estimateEvalRun(
      file,
      () => true,
      (ref) => catalog.lookup(ref),
    );
    assert.equal(estimate.calls, 9);
    assert.equal(estimate.unknownPriceCalls, 0);
    assert.ok(estimate.usd! > 0);
  });
});

describe('relativeDisplayPath', () => {
  it('inside the base: relative with /; outside it: the file name; never absolute', () => {
    assert.equal(relativeDisplayPath('/home/ana/repo', '/home/ana/repo/evals/t.eval.yaml'), 'evals/t.eval.yaml');
    assert.equal(relativeDisplayPath('/home/ana/repo', '/tmp/elsewhere/t.eval.yaml'), 't.eval.yaml');
    assert.equal(relativeDisplayPath(undefined, 'evals/t.eval.yaml'), 'evals/t.eval.yaml');
    assert.equal(relativeDisplayPath(undefined, '/home/ana/t.eval.yaml'), 't.eval.yaml');
  });
});
