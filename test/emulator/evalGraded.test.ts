/**
 * Model-graded assertions and embeddings over the real gateway, the official OpenAI/Anthropic SDK clients and the
 * loopback emulator: what the grader receives (promptfoo's prompts), how its reply is read, /v1/embeddings, costs
 * and ledger records.
 */
import * as assert from 'node:assert/strict';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import { parseEvalText } from '../../src/core/evals/parseEvalFile';
import { runEval } from '../../src/core/evals/runEval';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { ChatGateway } from '../../src/core/gateway/gatewayApi';
import { startEmulator, type Emulator } from './emulator';

describe('model-graded assertions (gateway + SDKs + emulator)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let ledger: MemoryLedger;
  let gateway: ChatGateway;

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    ledger = new MemoryLedger();
    const config: WorkbenchConfig = {
      ...defaultConfig(),
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
      ],
    };
    gateway = createGateway({ config, keys: async () => 'test-key', ledger, resilience: { maxAttempts: 1 } });
    emulator.rule({ promptIncludes: 'capital of France' }, { text: 'Paris is the capital of France.' });
  });

  async function run(text: string): Promise<EvalCaseResult[]> {
    const file = parseEvalText(text, '/w/graded.eval.yaml');
    assert.deepEqual(
      file.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const results: EvalCaseResult[] = [];
    await runEval([file], { gateway, allowCode: true, onEvent: (e) => e.type === 'result' && results.push(e.result) });
    return results;
  }

  it('similar embeds both texts through /v1/embeddings with the named model and compares by cosine', async () => {
    const results = await run(
      [
        'prompts: ["What is the capital of France?"]',
        'providers: [openai:gpt-4o-mini]',
        'defaultTest:',
        '  options: { provider: { embedding: openai:embedding:text-embedding-3-small } }',
        'tests:',
        '  - assert:',
        '      - type: similar',
        '        value: Paris is the capital of France',
        '      - type: not-similar',
        '        value: Bananas are yellow and curved',
        '      - type: similar',
        '        value: Bananas are yellow and curved',
      ].join('\n'),
    );
    const [near, notFar, far] = results[0].assertions;
    assert.deepEqual([near.pass, notFar.pass, far.pass], [true, true, false]);
    assert.ok(near.score > 0.9, String(near.score));
    const embeddings = emulator.requests.filter((r) => r.path === '/v1/embeddings');
    assert.equal(embeddings.length, 6);
    assert.deepEqual(
      embeddings.map((r) => (r.body as { model: string }).model),
      Array(6).fill('text-embedding-3-small'),
    );
    const records = ledger.records.filter((r) => r.source === 'eval-grader');
    assert.equal(records.length, 6);
    assert.deepEqual([records[0].provider, records[0].model, records[0].outcome], ['openai', 'text-embedding-3-small', 'ok']);
  });

  it("factuality sends promptfoo's factuality prompt to the named grader and reads its JSON category", async () => {
    emulator.rule({ model: 'gpt-4o', promptIncludes: 'factuality evaluator' }, { text: '{"category": "B", "reason": "adds the country"}' });
    const results = await run(
      [
        'prompts: ["What is the capital of France?"]',
        'providers: [openai:gpt-4o-mini]',
        'defaultTest:',
        '  options: { provider: openai:gpt-4o }',
        'tests:',
        '  - assert:',
        '      - type: factuality',
        '        value: Paris',
      ].join('\n'),
    );
    assert.deepEqual([results[0].verdict, results[0].assertions[0].reason], ['pass', 'adds the country']);
    const call = emulator.requests.find((r) => r.model === 'gpt-4o')!.body as {
      messages: { role: string; content: string }[];
      temperature?: number;
      max_tokens?: number;
      response_format?: unknown;
    };
    assert.deepEqual(
      call.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.match(call.messages[0].content, /^You are a precise factuality evaluator/);
    assert.match(call.messages[1].content, /<question>\nWhat is the capital of France\?\n<\/question>/);
    assert.match(call.messages[1].content, /<submitted_answer>\nParis is the capital of France\.\n<\/submitted_answer>/);
    // promptfoo's OpenAI provider body: temperature 0, max_tokens 1024 (not max_completion_tokens); no response format.
    assert.equal(call.temperature, 0);
    assert.equal(call.max_tokens, 1024);
    assert.equal(call.response_format, undefined);
    assert.ok(typeof results[0].graderCostUsd === 'number' && results[0].graderCostUsd > 0);
  });

  it('g-eval makes its two grader calls on an Anthropic grader; llm-rubric with a rubricPrompt chat list', async () => {
    emulator.rule(
      { protocol: 'anthropic', promptIncludes: 'generate 3-4 concise evaluation steps' },
      { text: '{"steps": ["Is it correct?", "Is it concise?"]}' },
    );
    emulator.rule(
      { protocol: 'anthropic', promptIncludes: 'rate the Reply on one metric' },
      { text: '{"score": 9, "reason": "correct and short"}' },
    );
    emulator.rule({ model: 'gpt-4o', promptIncludes: 'GRADE THIS' }, { text: '{"pass": false, "score": 0.2, "reason": "too terse"}' });
    const results = await run(
      [
        'prompts: ["What is the capital of France?"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - assert:',
        '      - type: g-eval',
        '        value: Correctness',
        '        provider: anthropic:messages:claude-haiku-4-5',
        '      - type: llm-rubric',
        '        value: Mentions the Seine',
        '        provider: openai:gpt-4o',
        '        rubricPrompt:',
        '          - role: system',
        '            content: "GRADE THIS"',
        '          - role: user',
        '            content: "{{ output }} / {{ rubric }}"',
      ].join('\n'),
    );
    const [geval, rubric] = results[0].assertions;
    assert.deepEqual([geval.pass, geval.score, geval.reason], [true, 0.9, 'correct and short']);
    assert.deepEqual([rubric.pass, rubric.score, rubric.reason], [false, 0.2, 'too terse']);
    const sent = emulator.requests.find((r) => r.model === 'gpt-4o')!.body as { messages: { role: string; content: string }[] };
    assert.deepEqual(sent.messages, [
      { role: 'system', content: 'GRADE THIS' },
      { role: 'user', content: 'Paris is the capital of France. / Mentions the Seine' },
    ]);
    const eval2 = emulator.requests.filter((r) => r.protocol === 'anthropic').at(-1)!.body as { messages: { content: unknown }[] };
    assert.match(JSON.stringify(eval2.messages), /- Is it correct\?\\n- Is it concise\?/);
  });

  it("a failing embeddings endpoint fails the assertion with the provider's message, recorded as an error", async () => {
    emulator.rule({ promptIncludes: 'Paris' }, { fault: { kind: 'status', status: 404, message: 'The model `nope` does not exist' } });
    const results = await run(
      [
        'prompts: ["What is the capital of France?"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - assert:',
        '      - type: similar',
        '        value: Paris',
        '        provider: openai:embedding:nope',
      ].join('\n'),
    );
    assert.equal(results[0].verdict, 'fail');
    assert.match(results[0].assertions[0].reason, /The embedding model openai:nope failed: OpenAI has no model 'nope'/);
    assert.ok(ledger.records.some((r) => r.source === 'eval-grader' && r.outcome === 'error'));
  });
});
