/**
 * The eval runner over the real gateway, the real adapters (official SDK clients) and the loopback emulator.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import { parseEvalFile, parseEvalText } from '../../src/core/evals/parseEvalFile';
import { ResponseCache } from '../../src/core/evals/responseCache';
import { runEval, type EvalEvent, type EvalRunOptions } from '../../src/core/evals/runEval';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { ChatGateway } from '../../src/core/gateway/gatewayApi';
import { startEmulator, type Emulator } from './emulator';

function configFor(emulator: Emulator): WorkbenchConfig {
  return {
    ...defaultConfig(),
    providers: [
      { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
      { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
      { id: 'ollama', kind: 'ollama', baseUrl: emulator.ollamaBaseUrl },
    ],
    routes: { classify: { primary: 'openai:gpt-4o-mini' } },
  };
}

const TRIAGE = `
description: Support ticket triage
prompts:
  - "Label this support ticket as billing, bug or account. Ticket: {{ticket}}"
providers:
  - openai:gpt-4.1-nano
  - openai:chat:gpt-4o-mini
  - openai:gpt-4o
tests:
  - description: double charge
    vars: { ticket: "I was charged twice" }
    assert:
      - type: icontains
        value: billing
  - description: crash
    vars: { ticket: "The app crashes on export" }
    assert:
      - type: icontains
        value: bug
  - description: login
    vars: { ticket: "I cannot log in" }
    assert:
      - type: icontains
        value: account
      - type: not-icontains
        value: sorry
`;

describe('eval runner (gateway + emulator)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let ledger: MemoryLedger;
  let gateway: ChatGateway;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    ledger = new MemoryLedger();
    gateway = createGateway({ config: configFor(emulator), keys: async () => 'test-key', ledger, resilience: { maxAttempts: 1 } });
    dir = mkdtempSync(join(tmpdir(), 'evals-'));
    // Every model labels correctly, except the nano model, which gets the login ticket wrong.
    emulator.rule({ promptIncludes: 'charged twice' }, { text: 'billing' });
    emulator.rule({ promptIncludes: 'crashes' }, { text: 'bug' });
    emulator.rule({ promptIncludes: 'log in' }, { text: 'account' });
    emulator.rule({ promptIncludes: 'log in', model: 'gpt-4.1-nano' }, { text: 'Sorry, billing' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(text: string, options: Partial<EvalRunOptions> = {}) {
    const file = parseEvalText(text, join(dir, 'triage.eval.yaml'));
    assert.deepEqual(
      file.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const events: EvalEvent[] = [];
    const summary = await runEval([file], { gateway, allowCode: true, onEvent: (e) => events.push(e), ...options });
    const results = events.filter((e): e is Extract<EvalEvent, { type: 'result' }> => e.type === 'result').map((e) => e.result);
    return { summary, results, events };
  }

  const verdictOf = (results: EvalCaseResult[], description: string, provider: string) =>
    results.find((r) => r.description === description && r.provider === provider)?.verdict;

  it('runs every case on every provider and grades it like promptfoo', async () => {
    const { summary, results, events } = await run(TRIAGE);
    assert.equal(results.length, 9);
    assert.equal(verdictOf(results, 'login', 'openai:gpt-4.1-nano'), 'fail');
    assert.equal(verdictOf(results, 'login', 'openai:gpt-4o-mini'), 'pass');
    assert.equal(verdictOf(results, 'crash', 'openai:gpt-4.1-nano'), 'pass');
    const failed = results.find((r) => r.verdict === 'fail')!;
    assert.match(failed.reason, /Expected output to contain "account"/);
    assert.equal(failed.assertions[0].location.range.start.line, 22);
    assert.equal(summary.passed, 8);
    assert.equal(summary.failed, 1);
    assert.equal(events[0].type, 'start');
    assert.equal((events[0] as { total: number }).total, 9);
    assert.equal(events.at(-1)!.type, 'done');
    // Each answer is a real call through the gateway: one ledger record per case, marked as an eval call.
    assert.equal(ledger.records.length, 9);
    assert.ok(ledger.records.every((r) => r.source === 'eval'));
    const mini = results.find((r) => r.provider === 'openai:gpt-4o-mini')!;
    assert.equal(mini.model, 'openai:gpt-4o-mini');
    assert.ok(mini.costUsd! > 0);
    assert.ok(mini.tokens.input > 0 && mini.tokens.output > 0);
  });

  it('a promptfoo file with every supported assertion type gives the verdicts promptfoo documents', async () => {
    const file = parseEvalFile(join(__dirname, '..', 'fixtures', 'evals', 'promptfoo', 'all-assertions.yaml'));
    assert.deepEqual(file.diagnostics, []);
    emulator.reset();
    for (const test of file.tests)
      emulator.rule({ model: 'gpt-4o-mini', promptIncludes: `Case ${String(test.vars.id)}:` }, { text: String(test.vars.answer) });
    emulator.rule({ model: 'gpt-4o', promptIncludes: 'GRADE-PASS' }, { text: '{"reason": "polite", "pass": true, "score": 1}' });
    emulator.rule({ model: 'gpt-4o', promptIncludes: 'GRADE-FAIL' }, { text: '{"reason": "curt", "pass": false, "score": 0}' });
    const results: EvalCaseResult[] = [];
    await runEval([file], { gateway, allowCode: true, onEvent: (e) => e.type === 'result' && results.push(e.result) });
    assert.equal(results.length, file.tests.length);
    for (const r of results) {
      const expected = /\[(pass|fail)\]$/.exec(r.description)![1];
      assert.equal(r.verdict, expected, `${r.description}: ${r.reason}`);
    }
  });

  it('recommends the cheapest model that meets the quality gate, with a fallback', async () => {
    const { summary } = await run(TRIAGE);
    const selection = summary.files[0].selection!;
    const nano = selection.candidates.find((c) => c.label === 'openai:gpt-4.1-nano')!;
    assert.ok(Math.abs(nano.passRate - 2 / 3) < 1e-9);
    assert.equal(nano.meetsGate, false);
    assert.deepEqual(selection.chosenRoute, { primary: 'openai:gpt-4o-mini', fallbacks: ['openai:gpt-4o'] });
    assert.ok(selection.costEstimate!.perCallUsd > 0);
    assert.equal(selection.costEstimate!.monthlyUsd, selection.costEstimate!.perCallUsd * 1000 * 30);
    assert.match(selection.decision, /cheaper openai:gpt-4\.1-nano \(66\.7%\) did not meet the gate/);

    const lenient = await run(TRIAGE, { minPassRate: 0.6 });
    assert.equal(lenient.summary.files[0].selection!.chosenRoute!.primary, 'openai:gpt-4.1-nano');
  });

  it('streams each result to JSONL as it arrives', async () => {
    const jsonlPath = join(dir, 'out', 'results.jsonl');
    const { results } = await run(TRIAGE, { jsonlPath });
    const lines = readFileSync(jsonlPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EvalCaseResult);
    assert.equal(lines.length, 9);
    assert.deepEqual(
      lines.map((l) => `${l.description}|${l.provider}|${l.verdict}`),
      results.map((r) => `${r.description}|${r.provider}|${r.verdict}`),
    );
  });

  it('a cache hit keeps its original latency and cost, says cached, makes no call and no ledger record', async () => {
    const cache = new ResponseCache(join(dir, 'cache'));
    const cold = await run(TRIAGE, { cache });
    const callsAfterCold = emulator.requests.length;
    const recordsAfterCold = ledger.records.length;
    const warm = await run(TRIAGE, { cache });
    assert.equal(emulator.requests.length, callsAfterCold);
    assert.equal(ledger.records.length, recordsAfterCold);
    assert.ok(warm.results.every((r) => r.cached));
    assert.equal(warm.summary.cached, 9);
    assert.equal(warm.summary.newSpendUsd, 0);
    assert.ok(cold.summary.newSpendUsd > 0);
    for (const r of warm.results) {
      const original = cold.results.find((c) => c.description === r.description && c.provider === r.provider)!;
      assert.equal(r.latencyMs, original.latencyMs);
      assert.equal(r.costUsd, original.costUsd);
      assert.equal(r.verdict, original.verdict);
    }
    const uncached = await run(TRIAGE);
    assert.equal(emulator.requests.length, callsAfterCold + 9);
    assert.ok(uncached.results.every((r) => !r.cached));
  });

  it('the cache key includes the repeat index: --repeat 2 makes two calls per case, then reads two answers', async () => {
    const cache = new ResponseCache(join(dir, 'cache'));
    const single =
      'prompts: ["Ticket: {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert: [{ type: icontains, value: billing }]\n';
    emulator.enqueue({ text: 'billing (first)' }, { promptIncludes: 'charged twice' });
    emulator.enqueue({ text: 'billing (second)' }, { promptIncludes: 'charged twice' });
    const first = await run(single, { cache, repeat: 2 });
    assert.equal(emulator.requests.length, 2);
    assert.deepEqual(first.results.map((r) => r.repeat).sort(), [0, 1]);
    const second = await run(single, { cache, repeat: 2 });
    assert.equal(emulator.requests.length, 2);
    assert.deepEqual(second.results.map((r) => `${r.repeat}:${r.output}`).sort(), ['0:billing (first)', '1:billing (second)']);
    assert.equal(readdirSync(join(dir, 'cache')).length > 0, true);
  });

  it('a provider error is a failed case with the actionable message; the other cases still run', async () => {
    emulator.rule({ model: 'gpt-4o' }, { fault: { kind: 'status', status: 401, message: 'Incorrect API key provided' } });
    const { summary, results } = await run(TRIAGE);
    const broken = results.filter((r) => r.provider === 'openai:gpt-4o');
    assert.equal(broken.length, 3);
    assert.ok(broken.every((r) => r.verdict === 'error' && r.error?.kind === 'auth'));
    assert.match(broken[0].reason, /key/i);
    assert.equal(summary.errors, 3);
    assert.equal(summary.passed, 5);
    assert.equal(summary.files[0].candidates.find((c) => c.label === 'openai:gpt-4o')!.passRate, 0);
  });

  it('runs at most -j calls at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const counting: ChatGateway = {
      stream: (r) => gateway.stream(r),
      complete: async (r) => {
        peak = Math.max(peak, ++inFlight);
        try {
          return await gateway.complete(r);
        } finally {
          inFlight--;
        }
      },
    };
    emulator.rule({}, { text: 'billing', chunkDelayMs: 20 });
    await run(TRIAGE, { gateway: counting, concurrency: 2 });
    assert.equal(peak, 2);
    peak = 0;
    await run(TRIAGE, { gateway: counting, concurrency: 4 });
    assert.equal(peak, 4);
  });

  it('stops taking cases when cancelled and reports the run as cancelled', async () => {
    const controller = new AbortController();
    emulator.rule({}, { text: 'billing', chunkDelayMs: 10 });
    const seen: EvalCaseResult[] = [];
    const { summary } = await run(TRIAGE, {
      concurrency: 1,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'result') {
          seen.push(e.result);
          controller.abort();
        }
      },
    });
    assert.equal(summary.cancelled, true);
    assert.equal(seen.length, 1);
    assert.ok(emulator.requests.length < 9);
  });

  it("routes the file's task through the gateway when no provider is named", async () => {
    const text =
      'task: classify\nprompts: ["Ticket: {{ticket}}"]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert: [{ type: equals, value: billing }]\n';
    const { results } = await run(text);
    assert.equal(results[0].verdict, 'pass');
    assert.equal(results[0].model, 'openai:gpt-4o-mini');
    assert.equal(results[0].providerLabel, 'route:classify');
    assert.equal(emulator.requests[0].model, 'gpt-4o-mini');
  });

  it('sends chat prompts with their system message, and provider config temperature and max_tokens', async () => {
    const text = [
      'prompts:',
      // promptfoo takes a chat prompt as JSON text (inline, or a .json file) and renders it string by string.
      `  - '[{"role": "system", "content": "You label tickets."}, {"role": "user", "content": "{{ticket}}"}]'`,
      'providers:',
      '  - id: anthropic:messages:claude-haiku-4-5',
      '    config: { max_tokens: 50 }',
      '  - id: openai:chat:gpt-4o-mini',
      '    config: { temperature: 0.2 }',
      'tests:',
      '  - vars: { ticket: "I was charged twice" }',
      '    assert: [{ type: icontains, value: billing }]',
    ].join('\n');
    const { results } = await run(text);
    assert.deepEqual(
      results.map((r) => r.verdict),
      ['pass', 'pass'],
    );
    const anthropic = emulator.requests.find((r) => r.protocol === 'anthropic')!.body as {
      system?: unknown;
      max_tokens?: number;
      messages: { role: string }[];
    };
    assert.match(JSON.stringify(anthropic.system), /You label tickets/);
    assert.equal(anthropic.max_tokens, 50);
    assert.deepEqual(
      anthropic.messages.map((m) => m.role),
      ['user'],
    );
    const openai = emulator.requests.find((r) => r.protocol === 'openai')!.body as { temperature?: number; messages: { role: string }[] };
    assert.equal(openai.temperature, 0.2);
    assert.deepEqual(
      openai.messages.map((m) => m.role),
      ['system', 'user'],
    );
  });

  it('llm-rubric asks the configured grader for {pass, score, reason} and uses its verdict', async () => {
    emulator.rule(
      { model: 'gpt-4o', promptIncludes: '<Rubric>' },
      { text: '{"reason": "names the billing team", "pass": true, "score": 0.9}' },
    );
    const text = [
      'prompts: ["Ticket: {{ticket}}"]',
      'providers: [openai:gpt-4o-mini]',
      'defaultTest:',
      '  options: { provider: openai:gpt-4o }',
      'tests:',
      '  - vars: { ticket: "I was charged twice" }',
      '    assert:',
      '      - type: llm-rubric',
      '        value: Routes the ticket to billing',
      '      - type: llm-rubric',
      '        value: Routes the ticket to billing',
      '        threshold: 0.95',
    ].join('\n');
    const { results } = await run(text);
    const [loose, strict] = results[0].assertions;
    assert.equal(loose.pass, true);
    assert.equal(loose.score, 0.9);
    assert.equal(loose.reason, 'names the billing team');
    // promptfoo: pass = pass && score >= threshold; the grader's own reason is kept as the reason.
    assert.equal(strict.pass, false);
    assert.equal(strict.score, 0.9);
    assert.equal(strict.reason, 'names the billing team');
    const graderCall = emulator.requests.find((r) => r.model === 'gpt-4o')!;
    assert.match(JSON.stringify(graderCall.body), /Routes the ticket to billing/);
    assert.ok(ledger.records.some((r) => r.source === 'eval-grader'));
    assert.ok(results[0].graderCostUsd! > 0);
  });

  it('llm-rubric without any grader fails with a clear message at its line, never calling a default vendor', async () => {
    const text =
      'prompts: ["Ticket: {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert:\n      - type: llm-rubric\n        value: Routes to billing\n';
    const { results } = await run(text);
    assert.equal(results[0].verdict, 'fail');
    assert.match(results[0].assertions[0].reason, /needs a grader model and none is configured.*--grader/);
    assert.equal(results[0].assertions[0].location.range.start.line, 5);
    assert.equal(emulator.requests.length, 1);
  });

  it("an unparseable grader reply fails the assertion with promptfoo's message", async () => {
    emulator.rule({ model: 'gpt-4o', promptIncludes: '<Rubric>' }, { text: 'Looks fine to me!' });
    const text =
      'prompts: ["Ticket: {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert:\n      - type: llm-rubric\n        value: Routes to billing\n';
    const { results } = await run(text, { grader: 'openai:gpt-4o' });
    assert.equal(results[0].assertions[0].pass, false);
    assert.equal(results[0].assertions[0].reason, 'Could not extract JSON from llm-rubric response');
  });
});
