import assert from 'node:assert/strict';
import { ChatSession, type ChatHost, type StoredChat } from '../../../src/core/chat/chatSession';
import { requestBudget } from '../../../src/core/chat/requestBudget';
import { defaultConfig, type WorkbenchConfig } from '../../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../../src/core/cost/ledger';
import { createGateway } from '../../../src/core/gateway/createGateway';
import { ModelCatalog } from '../../../src/core/models/catalog';
import type { AssistantTurn, CodeContext } from '../../../src/shared/chatProtocol';
import type { ExtensionMessage } from '../../../src/core/chat/chatMessages';
import { startEmulator, type Emulator } from '../../emulator/emulator';

/**
 * The chat session end to end below the webview: real gateway, real official SDK clients, real HTTP to the
 * loopback emulator. Asserts what the webview is told and what is stored.
 */
describe('chat session (real gateway against the emulator)', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let keys: Record<string, string | undefined>;
  let posted: ExtensionMessage[];
  let stored: StoredChat | undefined;
  let ledger: MemoryLedger;
  let hostCalls: string[];

  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    keys = { openai: 'sk-test-openai-0001', anthropic: 'sk-ant-test-0002' };
    posted = [];
    stored = undefined;
    ledger = new MemoryLedger();
    hostCalls = [];
  });

  function config(overrides: Partial<WorkbenchConfig> = {}): WorkbenchConfig {
    return {
      ...defaultConfig(),
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
      ],
      routes: { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] } },
      ...overrides,
    };
  }

  function session(cfg = config(), confirmSpend?: (model: string, input: number, output: number) => Promise<boolean>): ChatSession {
    const catalog = new ModelCatalog(cfg.models);
    const gateway = createGateway({
      config: cfg,
      catalog,
      keys: async (id) => keys[id],
      ledger,
      resilience: { initialDelayMs: 10, maxDelayMs: 50 },
    });
    const host: ChatHost = {
      copy: async (code) => void hostCalls.push(`copy:${code}`),
      insert: async (code) => void hostCalls.push(`insert:${code}`),
      apply: async (context, code) => void hostCalls.push(`apply:${context.fileName}:${code}`),
      action: async (action) => void hostCalls.push(`action:${action}`),
    };
    return new ChatSession({
      storage: { load: () => stored && structuredClone(stored), save: (chat) => void (stored = structuredClone(chat)) },
      post: (message) => posted.push(structuredClone(message)),
      gateway: () => ({ gateway }),
      models: () => [{ ref: 'auto', label: 'Auto' }],
      budgetFor: (model, task) => requestBudget(model, task, cfg, catalog),
      host,
      countDelayMs: 1,
      confirmSpend,
    });
  }

  const lastAnswer = (s: ChatSession) => s.conversation.turns.filter((t): t is AssistantTurn => t.role === 'assistant').at(-1)!;
  const deltas = () =>
    posted
      .filter((m) => m.type === 'answerDelta')
      .map((m) => (m as { text: string }).text)
      .join('');

  it('streams an answer token by token and finishes it with a footer from the call record', async () => {
    emulator.enqueue({ chunks: ['The ', 'answer ', 'is ', '42.'], usage: { input: 120, output: 4 } });
    const chat = session();
    await chat.handle({ type: 'send', text: 'What is the answer?', model: 'auto', task: 'chat' });
    const answer = lastAnswer(chat);
    assert.equal(answer.text, 'The answer is 42.');
    assert.equal(deltas(), 'The answer is 42.');
    assert.ok(posted.filter((m) => m.type === 'answerDelta').length >= 4, 'streamed in several deltas');
    assert.equal(answer.status, 'done');
    assert.equal(answer.footer?.model, 'openai:gpt-4o-mini');
    assert.equal(answer.footer?.inputTokens, 120);
    assert.equal(answer.footer?.outputTokens, 4);
    assert.ok(answer.footer!.costUsd! > 0);
    assert.match(answer.footer!.routeReason, /routes\.chat/);
    assert.equal(ledger.records.length, 1);
    assert.equal(ledger.records[0].source, 'chat');
    // The request carried the system prompt and the question.
    const body = emulator.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
    assert.equal(body.messages[0].role, 'system');
    assert.equal(body.messages.at(-1)!.content, 'What is the answer?');
    assert.deepEqual(
      posted.filter((m) => m.type === 'busy').map((m) => (m as { busy: boolean }).busy),
      [true, false],
    );
  });

  it('asks before spending with the starting model and the request size; a refusal sends nothing and keeps the question', async () => {
    const asked: [string, number, number][] = [];
    let allow = false;
    const chat = session(config(), async (model, input, output) => {
      asked.push([model, input, output]);
      return allow;
    });
    await chat.handle({ type: 'send', text: 'Summarize our refund policy.', model: 'auto', task: 'chat' });
    assert.equal(emulator.requests.length, 0, 'nothing reached the provider');
    assert.equal(ledger.records.length, 0, 'nothing was spent');
    assert.equal(asked.length, 1);
    assert.equal(asked[0][0], 'openai:gpt-4o-mini');
    assert.ok(asked[0][1] > 5, 'the estimate counts the prompt');
    const refused = lastAnswer(chat);
    assert.equal(refused.status, 'error');
    assert.match(refused.error!.message, /daily budget/);
    assert.ok(refused.error!.actions.includes('retry'));
    assert.equal(chat.conversation.turns[0].role, 'user', 'the question is kept');

    allow = true;
    emulator.enqueue({ text: 'Refunds within 30 days.' });
    await chat.handle({ type: 'retry', turnId: refused.id });
    assert.equal(lastAnswer(chat).text, 'Refunds within 30 days.');
    assert.equal(chat.conversation.turns.filter((t) => t.role === 'assistant').length, 1, 'the retry replaced the refused answer');
  });

  it('a 429 then success shows one answer, with a retry notice and no duplicated text', async () => {
    emulator.enqueue({ fault: { kind: 'status', status: 429, retryAfterMs: 20 } });
    emulator.enqueue({ text: 'Recovered answer.' });
    const chat = session();
    await chat.handle({ type: 'send', text: 'hi', model: 'auto', task: 'chat' });
    const answers = chat.conversation.turns.filter((t) => t.role === 'assistant');
    assert.equal(answers.length, 1);
    const answer = lastAnswer(chat);
    assert.equal(answer.text, 'Recovered answer.');
    assert.equal(answer.status, 'done');
    assert.equal(answer.notices.filter((n) => n.kind === 'retry').length, 1);
    assert.equal(answer.footer?.attempts, 2);
    assert.equal(answer.footer?.fallbackUsed, false);
  });

  it('a primary that keeps failing shows the fallback answer, and the footer says why', async () => {
    emulator.rule({ protocol: 'openai' }, { fault: { kind: 'status', status: 500 } });
    emulator.enqueue({ text: 'Answer from Claude.' }, { protocol: 'anthropic' });
    const chat = session();
    await chat.handle({ type: 'send', text: 'hi', model: 'auto', task: 'chat' });
    const answer = lastAnswer(chat);
    assert.equal(answer.text, 'Answer from Claude.');
    assert.equal(answer.footer?.model, 'anthropic:claude-haiku-4-5');
    assert.equal(answer.footer?.fallbackUsed, true);
    assert.ok(answer.footer?.fallbackReason, 'fallback reason recorded');
    assert.ok(answer.notices.some((n) => n.kind === 'fallback'));
  });

  it('a stream cut mid-answer restarts on the fallback: the partial text is replaced, never duplicated', async () => {
    emulator.enqueue({ chunks: ['Partial ', 'text ', 'that ', 'dies'], fault: { kind: 'cut', afterChunks: 2 } }, { protocol: 'openai' });
    emulator.enqueue({ text: 'Complete answer.' }, { protocol: 'anthropic' });
    const chat = session();
    await chat.handle({ type: 'send', text: 'hi', model: 'auto', task: 'chat' });
    const answer = lastAnswer(chat);
    assert.equal(answer.text, 'Complete answer.');
    assert.ok(
      answer.notices.some((n) => n.kind === 'restart' && /^Restarted on anthropic:claude-haiku-4-5 because /.test(n.text)),
      JSON.stringify(answer.notices),
    );
    // The webview was told to reset: an answerUpdate with empty text after the partial deltas.
    const reset = posted.findIndex((m) => m.type === 'answerUpdate' && m.turn.notices.some((n) => n.kind === 'restart'));
    assert.ok(reset > 0);
    assert.equal((posted[reset] as { turn: AssistantTurn }).turn.text, '');
  });

  it('Stop aborts the HTTP request and keeps what arrived, marked stopped', async () => {
    emulator.enqueue({ chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 20 });
    const chat = session();
    const sending = chat.handle({ type: 'send', text: 'long please', model: 'auto', task: 'chat' });
    while (deltas().length < 10) await new Promise((r) => setTimeout(r, 10));
    await chat.handle({ type: 'stop' });
    await sending;
    const answer = lastAnswer(chat);
    assert.equal(answer.status, 'stopped');
    assert.ok(answer.text.length > 0 && answer.text.length < 200 * 4);
    assert.equal(chat.busy, false);
    // The emulator learns of the closed socket asynchronously: poll briefly instead of guessing a delay.
    for (let i = 0; i < 100 && !emulator.requests.at(-1)!.closedByClient; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(emulator.requests.at(-1)!.closedByClient, true, 'the emulator saw the connection closed');
  });

  it('a missing key becomes an auth error with Set API Key and Retry; the message is kept and Retry works', async () => {
    keys.openai = undefined;
    const chat = session(config({ routes: { chat: { primary: 'openai:gpt-4o-mini' } } }));
    await chat.handle({ type: 'send', text: 'keep me', model: 'auto', task: 'chat' });
    let answer = lastAnswer(chat);
    assert.equal(answer.status, 'error');
    assert.equal(answer.error?.kind, 'auth');
    assert.deepEqual(answer.error?.actions, ['setApiKey', 'retry']);
    assert.equal(chat.conversation.turns[0].role === 'user' && chat.conversation.turns[0].text, 'keep me');

    keys.openai = 'sk-test-now-set-0003';
    emulator.enqueue({ text: 'Now it works.' });
    await chat.handle({ type: 'retry', turnId: answer.id });
    answer = lastAnswer(chat);
    assert.equal(answer.text, 'Now it works.');
    assert.equal(chat.conversation.turns.length, 2, 'the failed answer was replaced, not kept beside the new one');
    assert.equal(emulator.requests.at(-1)!.headers.authorization, 'Bearer sk-test-now-set-0003');
  });

  it('persists the conversation and restores it in a new session (a reload)', async () => {
    emulator.enqueue({ text: 'First.' });
    const chat = session();
    await chat.handle({ type: 'send', text: 'one', model: 'openai:gpt-4o-mini', task: 'code' });
    const reloaded = session();
    assert.equal(reloaded.conversation.turns.length, 2);
    assert.equal(reloaded.state().task, 'code');
    assert.equal(JSON.stringify(stored).includes('sk-test-openai-0001'), false, 'no key in stored chat');
    await reloaded.handle({ type: 'newChat' });
    assert.equal(reloaded.conversation.turns.length, 0);
    assert.equal(stored?.conversation.turns.length, 0);
  });

  it('sends earlier exchanges as history, and leaves out what does not fit with a visible notice', async () => {
    const small = config({
      models: [{ ref: 'openai:tiny-model', contextWindow: 1200, maxOutput: 1000, inputPerMTok: 1, outputPerMTok: 1 }],
      budget: { ...defaultConfig().budget, outputReserve: 600 },
    });
    const chat = session(small);
    emulator.enqueue({ text: 'word '.repeat(700) });
    await chat.handle({ type: 'send', text: 'first question', model: 'openai:tiny-model', task: 'chat' });
    emulator.enqueue({ text: 'short' });
    await chat.handle({ type: 'send', text: 'second question', model: 'openai:tiny-model', task: 'chat' });
    emulator.enqueue({ text: 'third' });
    await chat.handle({ type: 'send', text: 'third question', model: 'openai:tiny-model', task: 'chat' });
    const answer = lastAnswer(chat);
    const notice = answer.notices.find((n) => n.kind === 'history');
    assert.ok(notice, 'history notice shown');
    assert.match(notice!.text, /^2 earlier messages were left out .*1,200-token window/);
    const body = emulator.requests.at(-1)!.body as { messages: { content: string }[] };
    assert.deepEqual(
      body.messages.slice(1).map((m) => m.content),
      ['second question', 'short', 'third question'],
    );
  });

  it("counts the draft: system + history + message against the model's window rule (GPT-4o mini: one shared window), exact for OpenAI", async () => {
    const chat = session();
    const count = await chat.countDraft('Hello there', 'openai:gpt-4o-mini', 'chat');
    assert.equal(count?.window, 128_000);
    assert.equal(count?.limitKind, 'combined');
    assert.equal(count?.exact, true);
    assert.equal(count?.outputReserve, 1000);
    // In a shared window the count is what the call takes of it: the prompt plus the reserved answer.
    const prompt = count!.tokens - count!.outputReserve;
    assert.ok(prompt > 20 && prompt < 100, String(count?.tokens));
    const claude = await chat.countDraft('Hello there', 'anthropic:claude-haiku-4-5', 'chat');
    assert.equal(claude?.exact, false);
    // Debounced through the message path too.
    await chat.handle({ type: 'draft', text: 'x', model: 'auto', task: 'chat' });
    await new Promise((r) => setTimeout(r, 100));
    const posted1 = posted.find((m) => m.type === 'tokenCount');
    assert.equal(posted1?.type === 'tokenCount' && posted1.count.model, 'openai:gpt-4o-mini');
  });

  it('a code task carries the selection, file and language, routes as code with the file path, and Apply reaches the host', async () => {
    const context: CodeContext = {
      fileName: 'sum.ts',
      filePath: 'src/sum.ts',
      languageId: 'typescript',
      code: 'function sum(a,b){return a+b}',
      uri: 'file:///w/src/sum.ts',
      range: { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 29 },
    };
    emulator.enqueue({ text: '```ts\nconst sum = (a: number, b: number) => a + b;\n```' });
    const chat = session();
    await chat.askAboutCode('refactor', context, 'Refactor this');
    const answer = lastAnswer(chat);
    assert.equal(answer.applicable, true);
    assert.equal(ledger.records[0].task, 'code');
    assert.equal(ledger.records[0].source, 'code');
    const body = emulator.requests.at(-1)!.body as { messages: { content: string }[] };
    assert.match(body.messages.at(-1)!.content, /src\/sum\.ts.*typescript.*\n```typescript\nfunction sum/s);
    await chat.handle({ type: 'applyCode', turnId: answer.id, code: 'const sum = 1;' });
    assert.deepEqual(hostCalls, ['apply:sum.ts:const sum = 1;']);
  });

  it('a configuration problem is an error turn with Open Settings, and nothing is sent', async () => {
    const chat = new ChatSession({
      storage: { load: () => undefined, save: () => {} },
      post: (m) => posted.push(m),
      gateway: () => ({ error: 'Setting "llmWorkbench.routes" is invalid' }),
      models: () => [],
      budgetFor: () => Promise.reject(new Error('unused')),
      host: { copy: async () => {}, insert: async () => {}, apply: async () => {}, action: async () => {} },
    });
    await chat.handle({ type: 'send', text: 'hello', model: 'auto', task: 'chat' });
    const answer = lastAnswer(chat);
    assert.equal(answer.status, 'error');
    assert.ok(answer.error?.actions.includes('openSettings'));
    assert.equal(emulator.requests.length, 0);
  });
});
