/**
 * Truncation is never silent (issue #12, item 2): the stop reason is recorded, an answer cut at the output limit is
 * marked in the record, the eval result, the chat footer and the CLI (footer and exit 3, or --allow-truncated), and
 * a request without a limit gets the model's real maximum output, not a 1,000-token reserve.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { footerOf } from '../../src/core/chat/answerReducer';
import { footerParts } from '../../src/core/chat/footerText';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import { parseEvalText } from '../../src/core/evals/parseEvalFile';
import { runEval } from '../../src/core/evals/runEval';
import { createGateway } from '../../src/core/gateway/createGateway';
import { ModelCatalog } from '../../src/core/models/catalog';
import { cliEnv, ensureCli, ledgerRecords, runCli } from './cliHarness';
import { emulatorProviders, useEmulator, useTempHome } from './suiteHooks';

const PROTOCOLS = [
  { protocol: 'openai', ref: 'openai:gpt-4o-mini', model: 'gpt-4o-mini' },
  { protocol: 'anthropic', ref: 'anthropic:claude-haiku-4-5', model: 'claude-haiku-4-5' },
  { protocol: 'ollama', ref: 'ollama:llama3.1:8b', model: 'llama3.1:8b' },
] as const;

/** The output limit each protocol carries on the wire. */
function sentLimit(body: Record<string, unknown>): number | undefined {
  const options = body.options as { num_predict?: number } | undefined;
  return (body.max_completion_tokens ?? body.max_tokens ?? options?.num_predict) as number | undefined;
}

describe('truncation is never silent', function () {
  this.timeout(60_000);
  const emulator = useEmulator();

  function gateway(extra: Partial<WorkbenchConfig> = {}) {
    const config: WorkbenchConfig = {
      ...defaultConfig(),
      providers: emulatorProviders(emulator()),
      ...extra,
    };
    const ledger = new MemoryLedger();
    return { gateway: createGateway({ config, keys: async () => 'sk-test-key', ledger }), ledger };
  }

  for (const p of PROTOCOLS) {
    it(`${p.protocol}: a max_tokens stop is recorded with the limit sent, in the result, the ledger and the chat footer`, async () => {
      emulator().rule({ model: p.model }, { chunks: ['The answer starts ', 'and is cut'], stopReason: 'max_tokens' });
      const { gateway: g, ledger } = gateway();
      const result = await g.complete({ task: 'chat', model: p.ref, messages: [{ role: 'user', content: 'Write a long essay' }] });
      assert.equal(result.record.outcome, 'ok');
      assert.equal(result.stopReason, 'max_tokens');
      assert.equal(result.record.stopReason, 'max_tokens');
      assert.deepEqual(ledger.records[0], result.record);
      const sent = sentLimit(
        emulator()
          .requests.filter((r) => r.path !== '/api/show')
          .at(-1)!.body as Record<string, unknown>,
      );
      assert.equal(result.record.maxOutputTokens, sent, 'the record names the limit that was actually sent');
      const parts = footerParts(footerOf(result.record));
      const truncated = parts.find((part) => part.name === 'truncated');
      assert.ok(truncated, 'the footer shows the truncation');
      assert.match(truncated.text, new RegExp(`⚠ truncated at the ${sent!.toLocaleString('en-US')}-token output limit`));
      assert.match(truncated.title, /incomplete/);
    });

    it(`${p.protocol}: a normal stop is recorded as end and shows no warning`, async () => {
      const { gateway: g } = gateway();
      const result = await g.complete({ task: 'chat', model: p.ref, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(result.record.stopReason, 'end');
      assert.equal(
        footerParts(footerOf(result.record)).some((part) => part.name === 'truncated'),
        false,
      );
    });
  }

  it("the default output limit is the model's maximum from the catalog (not the 1,000-token reserve), within the window", async () => {
    const catalog = new ModelCatalog();
    const { gateway: g } = gateway();
    for (const p of PROTOCOLS) {
      emulator().reset();
      const result = await g.complete({ task: 'chat', model: p.ref, messages: [{ role: 'user', content: 'hi' }] });
      const info = catalog.lookup(p.ref)!;
      const sent = sentLimit(
        emulator().requests.find((r) => r.model === p.model && r.path !== '/api/show')!.body as Record<string, unknown>,
      );
      assert.ok(sent !== undefined && sent > 1000, `${p.ref}: sent ${sent}`);
      assert.ok(sent <= info.maxOutput, `${p.ref}: never above the model's maximum`);
      if (p.protocol === 'ollama') {
        // Prompt and answer share the server's num_ctx (4,096 here): the limit is what the window leaves.
        assert.ok(result.record.inputTokens + sent <= 4096, `${p.ref}: ${result.record.inputTokens} + ${sent} within 4,096`);
      } else assert.equal(sent, info.maxOutput, `${p.ref}: the catalog's maximum output`);
    }
  });

  it('a model the catalog does not know: no limit for OpenAI-compatible servers (their own maximum), the adapter default for Anthropic', async () => {
    const { gateway: g } = gateway();
    await g.complete({ task: 'chat', model: 'openai:some-new-model', messages: [{ role: 'user', content: 'hi' }] });
    await g.complete({ task: 'chat', model: 'anthropic:claude-future-9', messages: [{ role: 'user', content: 'hi' }] });
    const [openai, anthropic] = emulator().requests.map((r) => r.body as Record<string, unknown>);
    assert.equal(sentLimit(openai), undefined);
    assert.equal(sentLimit(anthropic), 4096);
  });

  it('an explicit limit is sent as given (an eval file max_tokens, the classifier)', async () => {
    const { gateway: g } = gateway();
    await g.complete({ task: 'chat', model: 'openai:gpt-4o-mini', maxOutputTokens: 77, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(sentLimit(emulator().requests[0].body as Record<string, unknown>), 77);
  });

  it('the eval result carries the stop reason', async () => {
    emulator().rule({ model: 'gpt-4o-mini' }, { text: 'billing and', stopReason: 'max_tokens' });
    const file = parseEvalText(
      'prompts: ["Label: {{t}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { t: x }\n    assert: [{ type: icontains, value: billing }]\n',
      '/virtual/t.eval.yaml',
    );
    const results: EvalCaseResult[] = [];
    await runEval([file], { gateway: gateway().gateway, allowCode: false, onEvent: (e) => e.type === 'result' && results.push(e.result) });
    assert.equal(results[0].stopReason, 'max_tokens');
  });

  describe('llm-workbench chat', () => {
    before(() => ensureCli());
    const home = useTempHome();

    it('an answer cut at the limit: the text, a footer warning, exit 3; --allow-truncated exits 0; the ledger has the stop reason', async () => {
      emulator().rule({ model: 'gpt-4o-mini' }, { chunks: ['Part one, ', 'part two'], stopReason: 'max_tokens' });
      const run = await runCli(['chat', '--model', 'openai:gpt-4o-mini', 'Write a lot'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal(run.code, 3, run.stderr);
      assert.equal(run.stdout, 'Part one, part two\n');
      assert.match(
        run.stderr,
        /⚠ truncated: the answer was cut at the 16,384-token output limit \(stop reason max_tokens\) — it is incomplete/,
      );
      const allowed = await runCli(['chat', '--allow-truncated', '--model', 'openai:gpt-4o-mini', 'Write a lot'], {
        env: cliEnv(emulator(), home()),
        cwd: home(),
      });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stderr, /⚠ truncated/, 'still shown when allowed');
      const records = ledgerRecords(join(home(), 'wb', 'ledger.jsonl'));
      assert.deepEqual(
        records.map((r) => [r.stopReason, r.maxOutputTokens]),
        [
          ['max_tokens', 16384],
          ['max_tokens', 16384],
        ],
      );
    });

    it('a content-filter stop is shown and exits 3; a whole answer exits 0 with no warning', async () => {
      emulator().enqueue({ text: 'I cannot', stopReason: 'content_filter' }, { model: 'gpt-4o-mini' });
      const filtered = await runCli(['chat', '--model', 'openai:gpt-4o-mini', 'x'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal(filtered.code, 3);
      assert.match(filtered.stderr, /content filter stopped the answer/);
      const whole = await runCli(['chat', '--model', 'openai:gpt-4o-mini', 'x'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal(whole.code, 0);
      assert.ok(!/⚠/.test(whole.stderr), whole.stderr);
    });

    it('terminal control sequences in the answer are stripped from stdout unless --raw; --json stays exact JSON', async () => {
      const hostile = 'Hi\x1b]52;c;cm0gLXJmIH4=\x07 there\x1b[2J\x1b]0;pwned\x07!';
      emulator().rule({ model: 'gpt-4o-mini' }, { chunks: ['Hi\x1b]52;c;cm0g', 'LXJmIH4=\x07 there\x1b[', '2J\x1b]0;pwned\x07!'] });
      const clean = await runCli(['chat', '--model', 'openai:gpt-4o-mini', 'x'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal(clean.stdout, 'Hi there!\n');
      const raw = await runCli(['chat', '--raw', '--model', 'openai:gpt-4o-mini', 'x'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal(raw.stdout, `${hostile}\n`);
      const json = await runCli(['chat', '--json', '--model', 'openai:gpt-4o-mini', 'x'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal((JSON.parse(json.stdout) as { answer: string }).answer, hostile);
      assert.ok(!json.stdout.includes('\x1b'), 'JSON escapes ESC');
    });

    it('--json never contains a key of the environment, even when the model echoes it', async () => {
      writeFileSync(join(home(), 'x'), '');
      const key = 'sk-emulator-key-0123456789';
      emulator().rule({ model: 'gpt-4o-mini' }, { text: `Your key is ${key} (base64 ${Buffer.from(key).toString('base64')})` });
      const run = await runCli(['chat', '--json', '--model', 'openai:gpt-4o-mini', 'x'], { env: cliEnv(emulator(), home()), cwd: home() });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(
        !run.stdout.includes(key.slice(0, 12)) && !run.stdout.includes(Buffer.from(key).toString('base64').slice(4, 16)),
        run.stdout,
      );
      assert.match(run.stdout, /Your key is \[redacted\]/);
    });
  });
});
