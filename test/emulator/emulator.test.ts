import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { waitFor } from './adapterHarness';
import { startEmulator, type Emulator } from './emulator';

/**
 * Fidelity: the official SDKs, talking real HTTP, accept what the emulator sends and raise their own typed errors
 * for its faults. If the emulator drifted from the wire protocols, these would fail inside the SDKs.
 */
describe('provider emulator (driven by the official SDKs)', () => {
  let emu: Emulator;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    emu = await startEmulator();
    openai = new OpenAI({ apiKey: 'sk-test-openai', baseURL: emu.openaiBaseUrl, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: emu.anthropicBaseUrl, maxRetries: 0, logLevel: 'off' });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const ask = (content: string) => [{ role: 'user' as const, content }];

  describe('OpenAI chat completions', () => {
    it('answers a non-streamed request with the default deterministic echo and usage', async () => {
      const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('What is 2+2?') });
      assert.equal(completion.choices[0].message.content, 'Emulated answer from gpt-4o-mini: What is 2+2?');
      assert.equal(completion.choices[0].finish_reason, 'stop');
      assert.equal(completion.usage?.prompt_tokens, 3); // 12 chars / 4
      assert.equal(completion.usage?.completion_tokens, Math.ceil('Emulated answer from gpt-4o-mini: What is 2+2?'.length / 4));
    });

    it('streams scripted chunks, then finish_reason, then a usage chunk with empty choices when include_usage is set', async () => {
      emu.enqueue({ chunks: ['Hel', 'lo', ' world'], usage: { input: 11, output: 3, cacheRead: 4 }, stopReason: 'max_tokens' });
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o',
        messages: ask('hi'),
        stream: true,
        stream_options: { include_usage: true },
      });
      const deltas: string[] = [];
      let finish: string | null = null;
      let usageChunk: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
      for await (const chunk of stream) {
        if (chunk.usage) usageChunk = chunk;
        for (const choice of chunk.choices) {
          if (choice.delta.content) deltas.push(choice.delta.content);
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      }
      assert.deepEqual(deltas, ['Hel', 'lo', ' world']);
      assert.equal(finish, 'length');
      assert.ok(usageChunk);
      assert.deepEqual(usageChunk.choices, []);
      assert.equal(usageChunk.usage?.prompt_tokens, 11);
      assert.equal(usageChunk.usage?.completion_tokens, 3);
      assert.equal(usageChunk.usage?.prompt_tokens_details?.cached_tokens, 4);
    });

    it('sends no usage without include_usage', async () => {
      const stream = await openai.chat.completions.create({ model: 'gpt-4o', messages: ask('hi'), stream: true });
      for await (const chunk of stream) assert.equal(chunk.usage, undefined);
    });

    it('lists models', async () => {
      const ids: string[] = [];
      for await (const model of openai.models.list()) ids.push(model.id);
      assert.ok(ids.includes('gpt-4o-mini'));
    });

    it('raises RateLimitError with the Retry-After headers', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 429, retryAfterSeconds: 2, retryAfterMs: 1500 } });
      const error = await openai.chat.completions.create({ model: 'gpt-4o', messages: ask('hi') }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.headers?.get('retry-after'), '2');
      assert.equal(error.headers?.get('retry-after-ms'), '1500');
      assert.equal(error.code, 'rate_limit_exceeded');
    });

    it('raises insufficient_quota and context_length_exceeded with their codes', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 429, code: 'insufficient_quota' } });
      emu.enqueue({ fault: { kind: 'status', status: 400, code: 'context_length_exceeded' } });
      const quota = await openai.chat.completions.create({ model: 'm', messages: ask('a') }).catch((e: unknown) => e);
      const overflow = await openai.chat.completions.create({ model: 'm', messages: ask('b') }).catch((e: unknown) => e);
      assert.ok(quota instanceof OpenAI.RateLimitError);
      assert.equal(quota.code, 'insufficient_quota');
      assert.equal(quota.type, 'insufficient_quota');
      assert.ok(overflow instanceof OpenAI.BadRequestError);
      assert.equal(overflow.code, 'context_length_exceeded');
    });

    it('raises InternalServerError for 500 and 503', async () => {
      for (const status of [500, 503]) {
        emu.enqueue({ fault: { kind: 'status', status } });
        const error = await openai.chat.completions.create({ model: 'm', messages: ask('a') }).catch((e: unknown) => e);
        assert.ok(error instanceof OpenAI.InternalServerError);
        assert.equal(error.status, status);
      }
    });

    it('raises an in-stream error frame as APIError', async () => {
      emu.enqueue({ chunks: ['a', 'b', 'c'], fault: { kind: 'status', status: 500, afterChunks: 1 } });
      const stream = await openai.chat.completions.create({ model: 'm', messages: ask('a'), stream: true });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) seen.push(chunk.choices[0].delta.content);
      })().catch((e: unknown) => e);
      assert.ok(error instanceof OpenAI.APIError);
      assert.deepEqual(seen, ['a']);
    });

    it('a cut stream ends without finish_reason and the SDK does not complain (why adapters must check)', async () => {
      emu.enqueue({ chunks: ['a', 'b', 'c'], fault: { kind: 'cut', afterChunks: 2 } });
      const stream = await openai.chat.completions.create({
        model: 'm',
        messages: ask('a'),
        stream: true,
        stream_options: { include_usage: true },
      });
      let finish: string | null = null;
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(text, 'ab');
      assert.equal(finish, null);
    });

    it('a malformed chunk makes the SDK throw a SyntaxError', async () => {
      emu.enqueue({ chunks: ['a', 'b'], fault: { kind: 'malformed', afterChunks: 1 } });
      const stream = await openai.chat.completions.create({ model: 'm', messages: ask('a'), stream: true });
      const error = await (async () => {
        for await (const _ of stream) void _;
      })().catch((e: unknown) => e);
      assert.ok(error instanceof SyntaxError);
    });

    it('a reset before the answer raises APIConnectionError', async () => {
      emu.enqueue({ fault: { kind: 'reset' } });
      const error = await openai.chat.completions.create({ model: 'm', messages: ask('a') }).catch((e: unknown) => e);
      assert.ok(error instanceof OpenAI.APIConnectionError);
    });

    it('a reset mid-stream breaks the iteration', async () => {
      emu.enqueue({ chunks: ['a', 'b', 'c'], fault: { kind: 'reset', afterChunks: 1 } });
      const stream = await openai.chat.completions.create({ model: 'm', messages: ask('a'), stream: true });
      const error = await (async () => {
        for await (const _ of stream) void _;
      })().catch((e: unknown) => e);
      assert.ok(error instanceof Error);
    });

    it('a slow first byte still answers, after the delay', async () => {
      emu.enqueue({ text: 'late', fault: { kind: 'slow_first_byte', ms: 120 } });
      const started = Date.now();
      const completion = await openai.chat.completions.create({ model: 'm', messages: ask('a') });
      assert.equal(completion.choices[0].message.content, 'late');
      assert.ok(Date.now() - started >= 100);
    });

    it('a stall leaves the stream open until the client gives up', async () => {
      emu.enqueue({ chunks: ['a', 'b'], fault: { kind: 'stall', afterChunks: 1 } });
      const stream = await openai.chat.completions.create(
        { model: 'm', messages: ask('a'), stream: true },
        { signal: AbortSignal.timeout(150) },
      );
      let text = '';
      let finish: string | null = null;
      await (async () => {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
      })().catch(() => undefined);
      assert.equal(text, 'a');
      assert.equal(finish, null);
      await waitFor(() => emu.requests[0]?.closedByClient === true);
    });

    it('rejects a wrong key with AuthenticationError when a key is required', async () => {
      const strict = await startEmulator({ requireKey: 'right' });
      try {
        const wrong = new OpenAI({ apiKey: 'wrong', baseURL: strict.openaiBaseUrl, maxRetries: 0 });
        const error = await wrong.chat.completions.create({ model: 'm', messages: ask('a') }).catch((e: unknown) => e);
        assert.ok(error instanceof OpenAI.AuthenticationError);
        assert.equal(error.code, 'invalid_api_key');
        const right = new OpenAI({ apiKey: 'right', baseURL: strict.openaiBaseUrl, maxRetries: 0 });
        await right.chat.completions.create({ model: 'm', messages: ask('a') });
      } finally {
        await strict.close();
      }
    });
  });

  describe('Anthropic messages', () => {
    it('answers messages.create with text, stop_reason and usage (cache read split out of input_tokens)', async () => {
      emu.enqueue({ text: 'Bonjour', usage: { input: 30, output: 2, cacheRead: 10 } });
      const message = await anthropic.messages.create({ model: 'claude-emulated', max_tokens: 100, messages: ask('hi') });
      assert.deepEqual(
        message.content.map((b) => (b.type === 'text' ? b.text : '')),
        ['Bonjour'],
      );
      assert.equal(message.stop_reason, 'end_turn');
      assert.equal(message.usage.input_tokens, 20);
      assert.equal(message.usage.cache_read_input_tokens, 10);
      assert.equal(message.usage.output_tokens, 2);
    });

    it('streams through messages.stream: text deltas, final message with stop reason and output tokens', async () => {
      emu.enqueue({ chunks: ['One', ' two', ' three'], usage: { input: 7, output: 3 } });
      const stream = anthropic.messages.stream({ model: 'claude-emulated', max_tokens: 100, system: 'be brief', messages: ask('count') });
      const deltas: string[] = [];
      stream.on('text', (delta) => deltas.push(delta));
      const final = await stream.finalMessage();
      assert.deepEqual(deltas, ['One', ' two', ' three']);
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(final.usage.input_tokens, 7);
      assert.equal(final.usage.output_tokens, 3);
    });

    it('sends every SSE event type in order on a raw stream', async () => {
      emu.enqueue({ chunks: ['x'] });
      const stream = await anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: ask('hi'), stream: true });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      assert.deepEqual(types, [
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      // ping is on the wire; the SDK drops it, as it does with the real API.
    });

    it('counts tokens', async () => {
      const count = await anthropic.messages.countTokens({ model: 'claude', messages: ask('twelve chars') });
      assert.equal(count.input_tokens, 3);
    });

    it('raises OverloadedError for 529 and RateLimitError with retry-after for 429', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 529 } });
      emu.enqueue({ fault: { kind: 'status', status: 429, retryAfterSeconds: 3 } });
      const overloaded = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a') }).catch((e: unknown) => e);
      const limited = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a') }).catch((e: unknown) => e);
      assert.ok(overloaded instanceof Anthropic.OverloadedError);
      assert.equal(overloaded.type, 'overloaded_error');
      assert.ok(limited instanceof Anthropic.RateLimitError);
      assert.equal(limited.headers?.get('retry-after'), '3');
      assert.equal(limited.type, 'rate_limit_error');
    });

    it('sends an error event mid-stream that the SDK raises as APIError', async () => {
      emu.enqueue({ chunks: ['a', 'b'], fault: { kind: 'status', status: 529, afterChunks: 1 } });
      const stream = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a'), stream: true });
      const error = await (async () => {
        for await (const _ of stream) void _;
      })().catch((e: unknown) => e);
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.type, 'overloaded_error');
    });

    it('a cut stream ends without message_stop', async () => {
      emu.enqueue({ chunks: ['a', 'b'], fault: { kind: 'cut', afterChunks: 1 } });
      const stream = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a'), stream: true });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      assert.ok(!types.includes('message_stop'));
      assert.ok(types.includes('content_block_delta'));
    });

    it('a malformed event makes the SDK throw', async () => {
      emu.enqueue({ chunks: ['a', 'b'], fault: { kind: 'malformed', afterChunks: 1 } });
      const stream = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a'), stream: true });
      const error = await (async () => {
        for await (const _ of stream) void _;
      })().catch((e: unknown) => e);
      assert.ok(error instanceof SyntaxError);
    });

    it('records the key header (SDK 1.x sends Authorization: Bearer, older ones x-api-key), and rejects a wrong key when one is required', async () => {
      await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a') });
      const { headers } = emu.requests[0];
      assert.ok(headers['x-api-key'] === 'sk-ant-test' || headers.authorization === 'Bearer sk-ant-test');
      const strict = await startEmulator({ requireKey: 'right' });
      try {
        const wrong = new Anthropic({ apiKey: 'wrong', baseURL: strict.anthropicBaseUrl, maxRetries: 0 });
        const error = await wrong.messages.create({ model: 'c', max_tokens: 5, messages: ask('a') }).catch((e: unknown) => e);
        assert.ok(error instanceof Anthropic.AuthenticationError);
      } finally {
        await strict.close();
      }
    });
  });

  describe('Ollama', () => {
    it('streams NDJSON from /api/chat by default, ending with done:true and its counts', async () => {
      emu.enqueue({ chunks: ['Hi', ' there'], usage: { input: 26, output: 2 } });
      const response = await fetch(`${emu.ollamaBaseUrl}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.1:8b', messages: ask('hello') }),
      });
      assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
      const lines = (await response.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        lines.slice(0, -1).map((l) => l.message.content),
        ['Hi', ' there'],
      );
      const final = lines[lines.length - 1];
      assert.equal(final.done, true);
      assert.equal(final.done_reason, 'stop');
      assert.equal(final.prompt_eval_count, 26);
      assert.equal(final.eval_count, 2);
      assert.equal(typeof final.total_duration, 'number');
      assert.ok(lines.slice(0, -1).every((l) => l.done === false));
    });

    it('answers one JSON object with stream:false', async () => {
      const response = await fetch(`${emu.ollamaBaseUrl}/api/chat`, {
        method: 'POST',
        body: JSON.stringify({ model: 'llama3.1:8b', messages: ask('hello'), stream: false }),
      });
      const body = await response.json();
      assert.equal(body.message.content, 'Emulated answer from llama3.1:8b: hello');
      assert.equal(body.done, true);
    });

    it('lists models in /api/tags and describes num_ctx and context_length in /api/show', async () => {
      const tags = await (await fetch(`${emu.ollamaBaseUrl}/api/tags`)).json();
      assert.deepEqual(
        tags.models.map((m: { name: string }) => m.name),
        ['llama3.1:8b', 'qwen2.5-coder:7b'],
      );
      const show = await (
        await fetch(`${emu.ollamaBaseUrl}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'qwen2.5-coder:7b' }) })
      ).json();
      assert.match(show.parameters, /^num_ctx\s+8192$/m);
      assert.equal(show.model_info['qwen2.context_length'], 32768);
      const missing = await fetch(`${emu.ollamaBaseUrl}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'nope' }) });
      assert.equal(missing.status, 404);
    });

    it('serves the OpenAI-compatible /v1 on the same server', async () => {
      const client = new OpenAI({ apiKey: 'ollama', baseURL: `${emu.ollamaBaseUrl}/v1`, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'llama3.1:8b', messages: ask('yo') });
      assert.equal(completion.choices[0].message.content, 'Emulated answer from llama3.1:8b: yo');
    });
  });

  describe('scripting', () => {
    it('serves queued replies first-in first-out, only to requests they match', async () => {
      emu.enqueue({ text: 'for claude' }, { protocol: 'anthropic' });
      emu.enqueue({ text: 'first' });
      emu.enqueue({ text: 'second' });
      const one = await openai.chat.completions.create({ model: 'm', messages: ask('a') });
      const two = await openai.chat.completions.create({ model: 'm', messages: ask('a') });
      const three = await anthropic.messages.create({ model: 'c', max_tokens: 5, messages: ask('a') });
      assert.equal(one.choices[0].message.content, 'first');
      assert.equal(two.choices[0].message.content, 'second');
      assert.equal(three.content[0].type === 'text' && three.content[0].text, 'for claude');
    });

    it('applies persistent rules, the later one winning, after the queue', async () => {
      emu.rule({ promptIncludes: 'weather' }, { text: 'old rule' });
      emu.rule({ promptIncludes: 'weather', model: 'gpt-4o' }, { text: 'new rule' });
      emu.enqueue({ text: 'queued' }, { model: 'gpt-4o' });
      const texts: Array<string | null> = [];
      for (let i = 0; i < 3; i++) {
        const c = await openai.chat.completions.create({ model: 'gpt-4o', messages: ask('the weather today') });
        texts.push(c.choices[0].message.content);
      }
      const other = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('weather?') });
      assert.deepEqual(texts, ['queued', 'new rule', 'new rule']);
      assert.equal(other.choices[0].message.content, 'old rule');
    });

    it('records requests with protocol, path, model, body and the auth header', async () => {
      await openai.chat.completions.create({ model: 'gpt-4o', messages: ask('a') });
      const [request] = emu.requests;
      assert.equal(request.protocol, 'openai');
      assert.equal(request.path, '/v1/chat/completions');
      assert.equal(request.model, 'gpt-4o');
      assert.equal(request.headers.authorization, 'Bearer sk-test-openai');
      assert.deepEqual((request.body as { messages: unknown }).messages, ask('a'));
    });

    it('is scriptable over HTTP through /__emulator/', async () => {
      const post = (path: string, body: unknown) => fetch(`${emu.url}/__emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal((await post('enqueue', { reply: { text: 'from control' }, match: { protocol: 'openai' } })).status, 200);
      assert.equal((await post('rule', { match: { model: 'ruled' }, reply: { text: 'by rule' } })).status, 200);
      const a = await openai.chat.completions.create({ model: 'm', messages: ask('a') });
      const b = await openai.chat.completions.create({ model: 'ruled', messages: ask('a') });
      assert.equal(a.choices[0].message.content, 'from control');
      assert.equal(b.choices[0].message.content, 'by rule');
      const recorded = await (await fetch(`${emu.url}/__emulator/requests`)).json();
      assert.deepEqual(
        recorded.map((r: { model: string }) => r.model),
        ['m', 'ruled'],
      );
      await post('reset', {});
      assert.equal(emu.requests.length, 0);
      const c = await openai.chat.completions.create({ model: 'ruled', messages: ask('a') });
      assert.equal(c.choices[0].message.content, 'Emulated answer from ruled: a');
      assert.equal((await post('enqueue', { match: {} })).status, 400);
    });
  });
});
