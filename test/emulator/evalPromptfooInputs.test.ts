/**
 * promptfoo's inputs and execution semantics over the real gateway, the official SDKs and the loopback emulator:
 * each of issue 14's "silent-wrong" cases in the inputs half is a test here (what is sent, how many cases run).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { withEvalProviders } from '../../src/core/evals/evalProviders';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import { parseEvalFile } from '../../src/core/evals/parseEvalFile';
import { runEval, type EvalRunOptions } from '../../src/core/evals/runEval';
import { createGateway } from '../../src/core/gateway/createGateway';
import { emulatorProviders, useEmulator, useTempHome } from './suiteHooks';

describe('eval inputs run as promptfoo runs them (gateway + emulator())', () => {
  const emulator = useEmulator();
  const dir = useTempHome('eval-inputs-');

  function config(): WorkbenchConfig {
    return {
      ...defaultConfig(),
      providers: emulatorProviders(emulator()),
    };
  }

  function write(name: string, text: string | Buffer): string {
    const path = join(dir(), name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  async function run(yaml: string, options: Partial<EvalRunOptions> = {}) {
    const file = parseEvalFile(write('promptfooconfig.yaml', yaml), { knownProviderIds: ['openai', 'anthropic', 'ollama'] });
    assert.deepEqual(
      file.diagnostics.filter((d) => d.severity === 'error'),
      [],
      JSON.stringify(file.diagnostics),
    );
    const setup = withEvalProviders(config(), [file]);
    const gateway = createGateway({ config: setup.config, keys: setup.keys(async () => 'sk-test'), ledger: new MemoryLedger() });
    const results: EvalCaseResult[] = [];
    const summary = await runEval([file], {
      gateway,
      allowCode: true,
      refFor: setup.refFor,
      onEvent: (e) => e.type === 'result' && results.push(e.result),
      ...options,
    });
    return { file, results, summary };
  }

  const sentTexts = () =>
    emulator().requests.map((r) =>
      JSON.stringify((r.body as { messages?: unknown; input?: unknown }).messages ?? (r.body as { input?: unknown }).input),
    );

  it('a .txt prompt file with --- separators is one prompt per part', async () => {
    write('prompts.txt', 'First: {{q}}\n---\nSecond: {{q}}\n');
    const { results } = await run('prompts: [file://prompts.txt]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { q: hi }\n');
    assert.equal(results.length, 2);
    assert.deepEqual(sentTexts().sort(), ['[{"role":"user","content":"First: hi"}]', '[{"role":"user","content":"Second: hi"}]']);
  });

  it('file:// vars are loaded (text trimmed), not sent as the literal reference', async () => {
    write('q.txt', 'What is the capital of France?\n');
    await run('prompts: ["Q: {{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { q: file://q.txt }\n');
    assert.deepEqual(sentTexts(), ['[{"role":"user","content":"Q: What is the capital of France?"}]']);
  });

  it('var arrays run one case per combination, the first var varying slowest', async () => {
    const { results } = await run(
      'prompts: ["{{greeting}} in {{language}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { greeting: [Hi, Bye], language: [French, German] }\n',
      { concurrency: 1 },
    );
    assert.equal(results.length, 4);
    assert.deepEqual(
      sentTexts(),
      ['Hi in French', 'Hi in German', 'Bye in French', 'Bye in German'].map((t) => `[{"role":"user","content":"${t}"}]`),
    );
  });

  it('vars that reference vars are rendered', async () => {
    await run(
      'prompts: ["{{sentence}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { sentence: "tweet about {{topic}}", topic: bananas }\n',
    );
    assert.deepEqual(sentTexts(), ['[{"role":"user","content":"tweet about bananas"}]']);
  });

  it('real Nunjucks: inline if, env in scope', async () => {
    await run(
      "env: { USER_NAME: Ada }\nprompts: [\"{{ 'yes' if q else 'no' }} {{ env.USER_NAME }}\"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { q: 1 }\n",
    );
    assert.deepEqual(sentTexts(), ['[{"role":"user","content":"yes Ada"}]']);
  });

  it('options.prefix/suffix, transform and transformVars apply; storeOutputAs feeds later tests', async () => {
    emulator().rule({ promptIncludes: 'Name a fruit' }, { text: 'banana' });
    emulator().rule({ promptIncludes: 'Describe' }, { text: 'A yellow fruit.' });
    const { results } = await run(
      [
        'prompts: ["{{q}}"]',
        'providers: [openai:gpt-4o-mini]',
        'tests:',
        '  - vars: { q: Name a fruit }',
        '    options: { storeOutputAs: fruit, transform: "output.toUpperCase()" }',
        '  - vars: { q: "Describe {{fruit}}" }',
        '    options: { prefix: "PRE ", suffix: " SUF", transformVars: "({ q: vars.q + \'!\' })" }',
        '    assert: [{ type: equals, value: A yellow fruit. }]',
      ].join('\n'),
      { concurrency: 4 },
    );
    assert.deepEqual(sentTexts(), ['[{"role":"user","content":"Name a fruit"}]', '[{"role":"user","content":"PRE Describe BANANA! SUF"}]']);
    assert.equal(results[0].output, 'BANANA');
    assert.equal(results[1].verdict, 'pass');
  });

  it('targets is providers: the named model runs, not a routed default', async () => {
    await run('prompts: [hi]\ntargets: [anthropic:messages:claude-haiku-4-5]\n');
    assert.deepEqual(
      emulator().requests.map((r) => [r.protocol, r.model]),
      [['anthropic', 'claude-haiku-4-5']],
    );
  });

  it("a test-level provider replaces the column's provider for that test", async () => {
    await run('prompts: [hi]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: {}\n  - provider: openai:chat:gpt-4o\n');
    assert.deepEqual(
      emulator().requests.map((r) => r.model),
      ['gpt-4o-mini', 'gpt-4o'],
    );
  });

  it('openai:responses:<model> goes to /v1/responses through the official client, and is graded on its text', async () => {
    emulator().rule({ promptIncludes: 'Capital' }, { text: 'Paris' });
    const { results } = await run(
      'prompts: ["Capital of France?"]\nproviders: [openai:responses:gpt-4.1-mini]\ntests:\n  - assert: [{ type: equals, value: Paris }]\n',
    );
    assert.deepEqual(
      emulator().requests.map((r) => r.path),
      ['/v1/responses'],
    );
    const body = emulator().requests[0].body as { input: unknown; temperature: number; max_output_tokens: number };
    assert.deepEqual([body.input, body.temperature, body.max_output_tokens], ['Capital of France?', 0, 1024]);
    assert.equal(results[0].verdict, 'pass');
  });

  it('an image var is sent as a data URL inside a multimodal JSON chat prompt', async () => {
    write('img.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    write(
      'prompt.json',
      JSON.stringify([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: '{{image}}' } },
          ],
        },
      ]),
    );
    await run('prompts: [file://prompt.json]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { image: file://img.png }\n');
    const messages = (emulator().requests[0].body as { messages: { content: { type: string; image_url?: { url: string } }[] }[] }).messages;
    assert.match(messages[0].content[1].image_url!.url, /^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('scenarios expand config × tests; a .jsonl tests file is one test per line', async () => {
    write('cases.jsonl', '{"vars": {"q": "one"}}\n{"vars": {"q": "two"}}\n');
    const { results } = await run(
      'prompts: ["{{lang}}: {{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests: file://cases.jsonl\nscenarios:\n  - config: [{ vars: { lang: en } }, { vars: { lang: fr } }]\n    tests: [{ vars: { q: three } }]\n',
      { concurrency: 1 },
    );
    assert.equal(results.length, 4);
    assert.deepEqual(
      sentTexts().map((t) => JSON.parse(t)[0].content),
      [': one', ': two', 'en: three', 'fr: three'],
    );
  });

  it('with 2 prompts and 1 provider there is no model recommendation (one candidate), and no route naming it twice', async () => {
    const { summary } = await run('prompts: ["A {{q}}", "B {{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { q: x }\n');
    assert.equal(summary.files[0].selection, undefined);
    assert.equal(summary.passed, 2);
  });
});
