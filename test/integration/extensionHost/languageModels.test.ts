import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { countTokens } from '../../../src/core/tokens/encodings';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { scriptTickets, TICKET_MODELS } from '../fixtures/emulatorTickets';
import { languageModelApi } from '../../../src/features/languageModels/lmApi';
import { snapshot, waitFor } from './helpers';

const VENDOR = 'llm-workbench';
const api = languageModelApi();
/** The quiet user settings (1,000) in the fixture workspace. */
const RESERVE = 1000;

const WEATHER = { name: 'get_weather', description: 'Current weather for a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

type Part = { value?: string; callId?: string; name?: string; input?: object };

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
      ollamaModels: [{ name: 'qwen-tools:7b', numCtx: 16384, contextLength: 32768, architecture: 'qwen2', capabilities: ['completion', 'tools'] }],
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
    await settings().update('models', TICKET_MODELS.map((m) => ({ ...m, contextWindow: 8192, maxOutput: 1024 })), vscode.ConfigurationTarget.Global);
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

  async function collect(chat: vscode.LanguageModelChat, messages: unknown[], options: Record<string, unknown> = {}, token?: vscode.CancellationToken): Promise<Part[]> {
    const response = await chat.sendRequest(messages as vscode.LanguageModelChatMessage[], { justification: 'integration test', ...options }, token);
    const parts: Part[] = [];
    for await (const part of (response as unknown as { stream: AsyncIterable<Part> }).stream) parts.push(part);
    return parts;
  }
  const text = (parts: Part[]) => parts.map((p) => p.value ?? '').join('');
  const user = (content: string | unknown[]) => (vscode.LanguageModelChatMessage as unknown as { User(c: unknown): unknown }).User(content);
  const assistant = (content: unknown[]) => (vscode.LanguageModelChatMessage as unknown as { Assistant(c: unknown): unknown }).Assistant(content);

  it('lists our models with true limits: an Ollama model at its server\'s num_ctx (16,384) minus the reserve, hosted ones from the catalog', async () => {
    const ollama = await model('ollama:qwen-tools:7b');
    assert.equal(ollama.maxInputTokens, 16384 - RESERVE);
    const gpt4o = await model('openai:gpt-4o');
    assert.equal(gpt4o.maxInputTokens, 128000 - 16384);
    const route = await model('route:chat');
    assert.equal(route.name, 'LLM Workbench · chat route');
    assert.equal(route.maxInputTokens, 8192 - 1024);
    const entries = ((await snapshot()).languageModels as { entries: Array<{ id: string; tooltip: string; detail: string; toolCalling: boolean }> }).entries;
    const entry = entries.find((e) => e.id === 'ollama:qwen-tools:7b')!;
    assert.match(entry.tooltip, /16,384-token window minus 1,000 reserved/);
    assert.match(entry.tooltip, new RegExp(`num_ctx of qwen-tools:7b from the Ollama server at ${emu.ollamaBaseUrl.replace(/[.]/g, '\\.')}`));
    assert.equal(entry.toolCalling, true);
    assert.match(entries.find((e) => e.id === 'openai:gpt-4o')!.detail, /^\$2\.5 in \/ \$10 out per 1M tokens/);
  });

  it('sendRequest streams the answer as it comes', async () => {
    emu.enqueue({ chunks: ['Hel', 'lo ', 'there'] }, { promptIncludes: 'Say hello' });
    const parts = await collect(await model('openai:gpt-4o-mini'), [user('Say hello')]);
    assert.deepEqual(parts.map((p) => p.value), ['Hel', 'lo ', 'there']);
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
      const second = await collect(chat, [user('Weather in Oslo?'), assistant([new api.ToolCallPart!(call.callId!, call.name!, call.input!)]), user([result])], { tools: [WEATHER] });
      assert.equal(text(second), 'It is -3 degrees in Oslo.');
      assert.equal(emu.requests.filter((r) => r.path !== '/api/show' && r.path !== '/api/tags').length, 2);
    });
  }

  it('cancellation stops the stream and closes the provider connection', async () => {
    emu.reset();
    emu.enqueue({ chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 100 }, { promptIncludes: 'long story' });
    const source = new vscode.CancellationTokenSource();
    const response = await (await model('openai:gpt-4o-mini')).sendRequest([user('Tell a long story') as vscode.LanguageModelChatMessage], {}, source.token);
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
    await waitFor(() => emu.requests.find((r) => r.path === '/v1/chat/completions')?.closedByClient, (closed) => closed === true, 'the HTTP request closed');
  });

  it('a 500 on the route\'s primary falls back; the ledger records it with source copilot', async () => {
    emu.reset();
    emu.enqueue({ fault: { kind: 'status', status: 500 } }, { model: 'small' });
    emu.enqueue({ fault: { kind: 'status', status: 500 } }, { model: 'small' });
    emu.enqueue({ fault: { kind: 'status', status: 500 } }, { model: 'small' });
    emu.enqueue({ text: 'from the backup' }, { model: 'medium' });
    const parts = await collect(await model('route:chat'), [user('Route me')]);
    assert.equal(text(parts), 'from the backup');
    const ledgerFile = join(process.env.LLM_WORKBENCH_HOME!, 'ledger.jsonl');
    const record = await waitFor(
      () => {
        try {
          return readFileSync(ledgerFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).reverse().find((r) => r.model === 'medium');
        } catch {
          return undefined;
        }
      },
      (r) => r !== undefined,
      'the ledger record',
    );
    assert.equal(record.source, 'copilot');
    assert.equal(record.fallbackUsed, true);
    assert.equal(record.outcome, 'ok');
    assert.match(record.reason, /routes\.chat/);
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
    const invoke = async (name: string, input: object) => text((await api.invokeTool!(name, { input, toolInvocationToken: undefined })).content as Part[]);
    assert.match(await invoke('llmWorkbench_countTokens', { files: ['triage.prompt.md'], model: 'openai:gpt-4o' }), /^\d[\d,]* tokens on openai:gpt-4o \(exact \(o200k_base\)\)\. Verdict: ok\./);
    assert.match(await invoke('llmWorkbench_estimateCost', { prompt: 'Classify this ticket.', models: ['emu:small', 'emu:large'], outputTokens: 10 }), /- emu:small: .*\n- emu:large: /);
    // runEval / compareModels ask for confirmation (they spend): outside a chat that dialog waits for a person, so the
    // spending tools are covered over MCP (test/emulator/mcpServer.test.ts) and by their shared core functions.
  });
});
