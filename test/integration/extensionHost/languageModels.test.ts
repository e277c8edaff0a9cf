import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { countTokens } from '../../../src/core/tokens/encodings';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { costOfOneTicketCall, scriptTickets, TICKET_MODELS } from '../fixtures/emulatorTickets';
import { languageModelApi } from '../../../src/features/languageModels/lmApi';
import { answerDialog, hasDriver, screenshot } from './driver';
import { snapshot, waitFor } from './helpers';

const VENDOR = 'llm-workbench';
const api = languageModelApi();
/** The quiet user settings (1,000) in the fixture workspace. */
const RESERVE = 1000;

const WEATHER = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

type Part = { value?: string; callId?: string; name?: string; input?: object };
type LedgerRecord = { model: string; source?: string; fallbackUsed?: boolean; outcome: string; reason: string; costUsd: number };

/** The extension host's ledger (LLM_WORKBENCH_HOME is this run's own), oldest first. */
function ledgerRecords(): LedgerRecord[] {
  try {
    return readFileSync(join(process.env.LLM_WORKBENCH_HOME!, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerRecord);
  } catch {
    return [];
  }
}

/**
 * Our provider as any extension (and Copilot Chat) sees it through `vscode.lm`, in the real VS Code, with the loopback
 * emulator as OpenAI, Anthropic and Ollama.
 */
describe('language models: vendor llm-workbench through vscode.lm', function () {
  this.timeout(120_000);
  let emu: Emulator;
  const settings = () => vscode.workspace.getConfiguration('llmWorkbench');

  before(async function () {
    if (!api.registerLanguageModelChatProvider) this.skip();
    emu = await startEmulator({
      ollamaModels: [
        { name: 'qwen-tools:7b', numCtx: 16384, contextLength: 32768, architecture: 'qwen2', capabilities: ['completion', 'tools'] },
      ],
    });
    scriptTickets(emu);
    await settings().update(
      'providers',
      [
        { id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl },
        { id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl },
        { id: 'ollamav1', kind: 'ollama', baseUrl: emu.ollamaBaseUrl, ollamaApi: 'openai' },
        { id: 'emu', kind: 'openai-compatible', baseUrl: emu.openaiBaseUrl },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await settings().update(
      'models',
      TICKET_MODELS.map((m) => ({ ...m, contextWindow: 8192, maxOutput: 1024 })),
      vscode.ConfigurationTarget.Global,
    );
    await settings().update('routes', { chat: { primary: 'emu:small', fallbacks: ['emu:medium'] } }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('llmWorkbench.test.storeApiKey', 'openai', 'sk-emu-openai');
    await vscode.commands.executeCommand('llmWorkbench.test.storeApiKey', 'anthropic', 'sk-emu-anthropic');
  });

  after(async () => {
    for (const key of ['providers', 'models', 'routes']) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
    await emu?.close();
  });

  const model = async (id: string) =>
    waitFor(
      async () => (await vscode.lm.selectChatModels({ vendor: VENDOR })).find((m) => m.id === id),
      (m) => m !== undefined,
      `model ${id} from vendor ${VENDOR}`,
      60_000,
    ) as Promise<vscode.LanguageModelChat>;

  async function collect(
    chat: vscode.LanguageModelChat,
    messages: unknown[],
    options: Record<string, unknown> = {},
    token?: vscode.CancellationToken,
  ): Promise<Part[]> {
    const response = await chat.sendRequest(
      messages as vscode.LanguageModelChatMessage[],
      { justification: 'integration test', ...options },
      token,
    );
    const parts: Part[] = [];
    for await (const part of (response as unknown as { stream: AsyncIterable<Part> }).stream) parts.push(part);
    return parts;
  }
  const text = (parts: Part[]) => parts.map((p) => p.value ?? '').join('');
  const user = (content: string | unknown[]) => (vscode.LanguageModelChatMessage as unknown as { User(c: unknown): unknown }).User(content);
  const assistant = (content: unknown[]) =>
    (vscode.LanguageModelChatMessage as unknown as { Assistant(c: unknown): unknown }).Assistant(content);

  it("lists our models with true limits: an Ollama model at its server's num_ctx (16,384) minus the reserve, hosted ones from the catalog", async () => {
    const ollama = await model('ollama:qwen-tools:7b');
    assert.equal(ollama.maxInputTokens, 16384 - RESERVE);
    const gpt4o = await model('openai:gpt-4o');
    assert.equal(gpt4o.maxInputTokens, 128000 - 16384);
    const route = await model('route:chat');
    assert.equal(route.name, 'LLM Workbench · chat route');
    assert.equal(route.maxInputTokens, 8192 - 1024);
    const entries = (
      (await snapshot()).languageModels as { entries: Array<{ id: string; tooltip: string; detail: string; toolCalling: boolean }> }
    ).entries;
    const entry = entries.find((e) => e.id === 'ollama:qwen-tools:7b')!;
    assert.match(entry.tooltip, /16,384-token window minus 1,000 reserved/);
    assert.match(
      entry.tooltip,
      new RegExp(`num_ctx of qwen-tools:7b from the Ollama server at ${emu.ollamaBaseUrl.replace(/[.]/g, '\\.')}`),
    );
    assert.equal(entry.toolCalling, true);
    assert.match(entries.find((e) => e.id === 'openai:gpt-4o')!.detail, /^\$2\.5 in \/ \$10 out per 1M tokens/);
  });

  it('sendRequest streams the answer as it comes', async () => {
    emu.enqueue({ chunks: ['Hel', 'lo ', 'there'] }, { promptIncludes: 'Say hello' });
    const parts = await collect(await model('openai:gpt-4o-mini'), [user('Say hello')]);
    assert.deepEqual(
      parts.map((p) => p.value),
      ['Hel', 'lo ', 'there'],
    );
  });

  for (const id of ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5', 'ollama:qwen-tools:7b', 'ollamav1:qwen-tools:7b']) {
    it(`a tool-call round trip on ${id}`, async () => {
      emu.reset();
      emu.rule({ promptIncludes: 'Weather in Oslo?' }, { toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] });
      emu.rule({ promptIncludes: '-3 degrees' }, { text: 'It is -3 degrees in Oslo.' });
      const chat = await model(id);
      const first = await collect(chat, [user('Weather in Oslo?')], { tools: [WEATHER] });
      const call = first.find((p) => p.callId);
      assert.ok(call, `a tool call part: ${JSON.stringify(first)}`);
      assert.equal(call.name, 'get_weather');
      assert.deepEqual(call.input, { city: 'Oslo' });
      const result = new api.ToolResultPart!(call.callId!, [new api.TextPart!('-3 degrees, snow')]);
      const second = await collect(
        chat,
        [user('Weather in Oslo?'), assistant([new api.ToolCallPart!(call.callId!, call.name!, call.input!)]), user([result])],
        { tools: [WEATHER] },
      );
      assert.equal(text(second), 'It is -3 degrees in Oslo.');
      assert.equal(emu.requests.filter((r) => r.path !== '/api/show' && r.path !== '/api/tags').length, 2);
    });
  }

  it('cancellation stops the stream and closes the provider connection', async () => {
    emu.reset();
    emu.enqueue({ chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 100 }, { promptIncludes: 'long story' });
    const source = new vscode.CancellationTokenSource();
    const response = await (
      await model('openai:gpt-4o-mini')
    ).sendRequest([user('Tell a long story') as vscode.LanguageModelChatMessage], {}, source.token);
    const seen: string[] = [];
    try {
      for await (const part of (response as unknown as { stream: AsyncIterable<Part> }).stream) {
        seen.push(part.value ?? '');
        if (seen.length === 2) source.cancel();
      }
    } catch {
      // a cancelled stream may end with a cancellation error
    }
    assert.ok(seen.length < 10, `stopped early (${seen.length} parts)`);
    await waitFor(
      () => emu.requests.find((r) => r.path === '/v1/chat/completions')?.closedByClient,
      (closed) => closed === true,
      'the HTTP request closed',
    );
  });

  it("a 500 on the route's primary falls back; the ledger records it with source copilot", async () => {
    emu.reset();
    emu.enqueue({ fault: { kind: 'status', status: 500 } }, { model: 'small' });
    emu.enqueue({ fault: { kind: 'status', status: 500 } }, { model: 'small' });
    emu.enqueue({ fault: { kind: 'status', status: 500 } }, { model: 'small' });
    emu.enqueue({ text: 'from the backup' }, { model: 'medium' });
    const parts = await collect(await model('route:chat'), [user('Route me')]);
    assert.equal(text(parts), 'from the backup');
    const record = await waitFor(
      () =>
        ledgerRecords()
          .reverse()
          .find((r) => r.model === 'medium'),
      (r) => r !== undefined,
      'the ledger record',
    );
    assert.equal(record!.source, 'copilot');
    assert.equal(record!.fallbackUsed, true);
    assert.equal(record!.outcome, 'ok');
    assert.match(record!.reason, /routes\.chat/);
  });

  it('countTokens is our exact o200k count, computed locally', async () => {
    const chat = await model('openai:gpt-4o');
    const sample = 'Exact counts: naïve café, 東京, emoji 🚀, code `x => x * 2`.\n'.repeat(50);
    assert.equal(await chat.countTokens(sample), await countTokens(sample, 'o200k_base'));
    const requests = emu.requests.length;
    await chat.countTokens(user('hello world') as vscode.LanguageModelChatMessage);
    assert.equal(emu.requests.length, requests, 'no network call');
  });

  it('vscode.lm.invokeTool runs the free tools (count, estimate)', async function () {
    if (!api.invokeTool) this.skip();
    const invoke = async (name: string, input: object) =>
      text((await api.invokeTool!(name, { input, toolInvocationToken: undefined })).content as Part[]);
    assert.match(
      await invoke('llmWorkbench_countTokens', { files: ['triage.prompt.md'], model: 'openai:gpt-4o' }),
      /^\d[\d,]* tokens on openai:gpt-4o \(exact \(o200k_base\)\)\. Verdict: ok\./,
    );
    assert.match(
      await invoke('llmWorkbench_estimateCost', { prompt: 'Classify this ticket.', models: ['emu:small', 'emu:large'], outputTokens: 10 }),
      /- emu:small: .*\n- emu:large: /,
    );
  });

  /*
   * The spending tools. Outside a chat (no toolInvocationToken) VS Code 1.139 asks with a modal dialog built from our
   * confirmationMessages before it calls invoke; `chat.tools.global.autoApprove` would skip it but itself opens a
   * one-time opt-in dialog, so these tests answer the real dialog: the Playwright driver reads and clicks it
   * (driver.ts). Under @vscode/test-electron there is no driver and they are skipped.
   */
  describe('vscode.lm.invokeTool on the tools that spend money: the confirmation, then the run', function () {
    const invoke = (name: string, input: object) => {
      const call = Promise.resolve(api.invokeTool!(name, { input, toolInvocationToken: undefined }));
      call.catch(() => undefined); // awaited after the dialog; a rejection before that is not unhandled
      return call;
    };
    const resultText = (result: { content: unknown[] }) => text(result.content as Part[]);

    before(function () {
      if (!api.invokeTool || !hasDriver()) this.skip();
    });
    beforeEach(() => {
      emu.reset();
      scriptTickets(emu);
    });

    it('runEval asks first, with the estimate; Cancel calls no model and records nothing', async () => {
      const before = ledgerRecords().length;
      const seen = answerDialog('Cancel');
      const run = invoke('llmWorkbench_runEval', { file: 'evals/compare.eval.yaml' });
      const dialog = await seen;
      assert.equal(dialog.message, 'Run Eval: this calls models and costs money');
      assert.match(
        dialog.detail,
        /^Run evals\/compare\.eval\.yaml: 9 model call\(s\), about \$\d[\d.]*\. Calls go through LLM Workbench's gateway and are recorded in the ledger\.$/,
      );
      await assert.rejects(run, (error: Error) => /cancel/i.test(`${error.name} ${error.message}`));
      // Listing the Ollama models (/api/tags, /api/show) is not a model call.
      const calls = emu.requests.filter((r) => r.path !== '/api/show' && r.path !== '/api/tags');
      assert.deepEqual(
        calls.map((r) => r.path),
        [],
        'no model was called',
      );
      assert.equal(ledgerRecords().length, before);
    });

    it('runEval on one case, confirmed: the verdicts, the spend, ledger records tagged copilot, a log line', async () => {
      const before = ledgerRecords().length;
      const seen = answerDialog('Yes', 'lm-tool-run-eval-confirm');
      const run = invoke('llmWorkbench_runEval', { file: 'evals/compare.eval.yaml', case: 'ambiguous' });
      const dialog = await seen;
      assert.match(dialog.detail, /^Run evals\/compare\.eval\.yaml: 3 model call\(s\), about \$/);
      const lines = resultText(await run).split('\n');
      assert.match(lines[0], /^evals\/compare\.eval\.yaml: 2 passed, 1 failed, 0 errors, 0 skipped; spent \$/);
      assert.deepEqual(lines.slice(1, 3), [
        '- [pass] #2 ambiguous invoice question on emu:large',
        '- [pass] #2 ambiguous invoice question on emu:medium',
      ]);
      assert.match(lines[3], /^- \[fail\] #2 ambiguous invoice question on emu:small: .+/);
      assert.equal(lines.length, 4);
      const records = await waitFor(
        () => ledgerRecords().slice(before),
        (r) => r.length === 3,
        'three ledger records',
      );
      assert.deepEqual(
        records.map((r) => r.source),
        ['copilot', 'copilot', 'copilot'],
      );
      const spent = records.reduce((sum, r) => sum + r.costUsd, 0);
      const expected = TICKET_MODELS.reduce((sum, m) => sum + costOfOneTicketCall(m.ref), 0);
      assert.ok(Math.abs(spent - expected) < 1e-12, `spent ${spent}, expected ${expected}`);
      // Where a user sees what the agent ran: the LLM Workbench log, its calls and the tool's answer.
      await vscode.commands.executeCommand('llmWorkbench.showLog');
      await screenshot('lm-tool-run-eval-log', 'agent tool llmWorkbench_runEval');
    });

    it('compareModels, confirmed: the recommendation is the cheapest model that passes every case', async () => {
      const seen = answerDialog('Yes');
      const run = invoke('llmWorkbench_compareModels', {
        file: 'evals/compare.eval.yaml',
        models: ['emu:small', 'emu:medium', 'emu:large'],
      });
      const dialog = await seen;
      assert.equal(dialog.message, 'Compare Models: this calls models and costs money');
      assert.match(dialog.detail, /^Run evals\/compare\.eval\.yaml on emu:small, emu:medium, emu:large: 9 model call\(s\), about \$/);
      const answer = resultText(await run);
      assert.match(answer, /^evals\/compare\.eval\.yaml on 3 models: 8 passed, 1 failed, 0 errors, 0 skipped; spent \$/);
      assert.match(answer, /^- emu:small: 67% pass/m);
      assert.match(answer, /^Recommendation: .*emu:medium/m);
      assert.ok(answer.split('\n').length <= 8, 'short enough for a context window');
      assert.equal(emu.requests.filter((r) => r.path === '/v1/chat/completions').length, 9);
    });
  });
});
