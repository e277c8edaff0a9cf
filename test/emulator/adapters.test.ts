import assert from 'node:assert/strict';
import type { ProviderConfig } from '../../src/core/providers/adapter';
import { createAdapter } from '../../src/core/providers/createAdapter';
import { isRetryable } from '../../src/core/providers/isRetryable';
import { closedPort, keys, run, waitFor } from './adapterHarness';
import { startEmulator, type EmulatedProtocol, type Emulator, type Fault } from './emulator';

/** Every adapter, every fault, over real HTTP against the emulator. */
describe('provider adapters against the emulator', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const KEYS = keys({ openai: 'sk-openai', anthropic: 'sk-ant', groq: 'gsk-compat', azure: 'azure-key' });

  interface Target {
    name: string;
    /** The wire protocol the emulator sees. */
    protocol: EmulatedProtocol;
    label: string;
    model: string;
    config: () => ProviderConfig;
  }
  const targets: Target[] = [
    {
      name: 'openai',
      protocol: 'openai',
      label: 'OpenAI',
      model: 'gpt-4o-mini',
      config: () => ({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }),
    },
    {
      name: 'openai-compatible',
      protocol: 'openai',
      label: "'groq' (OpenAI-compatible)",
      model: 'llama-3.1-8b-instant',
      config: () => ({ id: 'groq', kind: 'openai-compatible', baseUrl: emu.openaiBaseUrl }),
    },
    {
      name: 'anthropic',
      protocol: 'anthropic',
      label: 'Anthropic',
      model: 'claude-emulated',
      config: () => ({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }),
    },
    {
      // The official client's AzureOpenAI: /openai/deployments/<deployment>/chat/completions?api-version=, `api-key`.
      name: 'azure',
      protocol: 'openai',
      label: 'Azure OpenAI',
      model: 'my-gpt4o-deployment',
      config: () => ({ id: 'azure', kind: 'azure', baseUrl: emu.anthropicBaseUrl, apiVersion: '2024-10-21' }),
    },
    {
      name: 'ollama (native /api/chat)',
      protocol: 'ollama',
      label: 'Ollama',
      model: 'llama3.1:8b',
      config: () => ({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }),
    },
    {
      name: 'ollama (/v1)',
      protocol: 'openai',
      label: 'Ollama',
      model: 'llama3.1:8b',
      config: () => ({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl, ollamaApi: 'openai' }),
    },
  ];

  for (const t of targets) {
    describe(t.name, () => {
      const adapter = (timeoutMs?: number) => createAdapter(t.config(), KEYS, { timeoutMs });
      const fault = (f: Fault, chunks = ['one ', 'two ', 'three']) => emu.enqueue({ chunks, fault: f }, { protocol: t.protocol });

      it('streams the text, then the provider-reported usage, then the stop reason', async () => {
        emu.enqueue(
          { chunks: ['Hel', 'lo', ' there'], usage: { input: 12, output: 3 }, stopReason: 'max_tokens' },
          { protocol: t.protocol },
        );
        const out = await run(adapter(), t.model);
        assert.equal(out.text, 'Hello there');
        assert.deepEqual(
          out.events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text),
          ['Hel', 'lo', ' there'],
        );
        assert.deepEqual(out.usage, { input: { total: 12 }, output: { total: 3 }, source: 'provider' });
        assert.equal(out.stopReason, 'max_tokens');
        const [request] = emu.requests;
        assert.equal(request.protocol, t.protocol);
        assert.equal(request.model, t.model);
        assert.equal(request.stream, true);
      });

      it("sends system prompt, messages and max tokens in the protocol's own fields", async () => {
        const out = await run(adapter(), t.model, {
          system: 'Be terse.',
          maxOutputTokens: 77,
          messages: [{ role: 'user', content: 'Ping?' }],
        });
        assert.equal(out.text, `Emulated answer from ${t.model}: Ping?`);
        assert.equal(out.stopReason, 'end');
        const body = emu.requests[0].body as Record<string, any>;
        if (t.protocol === 'anthropic') {
          assert.equal(body.system, 'Be terse.');
          assert.equal(body.max_tokens, 77);
        } else if (t.protocol === 'ollama') {
          assert.equal(body.messages[0].content, 'Be terse.');
          assert.equal(body.options.num_predict, 77);
        } else {
          assert.deepEqual(body.messages[0], { role: 'system', content: 'Be terse.' });
          assert.equal(body.max_completion_tokens ?? body.max_tokens, 77);
          assert.deepEqual(body.stream_options, { include_usage: true });
        }
      });

      it('429 with Retry-After -> rate_limit with retryAfterMs', async () => {
        fault({ kind: 'status', status: 429, retryAfterSeconds: 2 });
        const { error } = await run(adapter(), t.model);
        assert.equal(error?.kind, 'rate_limit');
        assert.equal(error?.retryAfterMs, 2000);
        assert.equal(error?.status, 429);
        assert.ok(error?.message.startsWith(`${t.label} is rate-limiting`), error?.message);
        assert.ok(error && isRetryable(error));
      });

      it('retry-after-ms wins over retry-after', async () => {
        fault({ kind: 'status', status: 429, retryAfterSeconds: 5, retryAfterMs: 1500 });
        const { error } = await run(adapter(), t.model);
        assert.equal(error?.retryAfterMs, 1500);
      });

      it('500 and 503 -> server; 529 -> overloaded (all retryable)', async () => {
        const kinds: string[] = [];
        for (const status of [500, 503, 529]) {
          fault({ kind: 'status', status });
          const { error } = await run(adapter(), t.model);
          assert.ok(error && isRetryable(error));
          kinds.push(`${error?.status}:${error?.kind}`);
        }
        assert.deepEqual(kinds, ['500:server', '503:server', '529:overloaded']);
      });

      it('an error frame inside the stream -> server error, not success', async () => {
        fault({ kind: 'status', status: 500, afterChunks: 1 });
        const out = await run(adapter(), t.model);
        assert.equal(out.text, 'one ');
        assert.equal(out.error?.kind, 'server');
      });

      it('a slow first byte still succeeds within the timeout', async () => {
        emu.enqueue({ text: 'worth the wait', fault: { kind: 'slow_first_byte', ms: 80 } }, { protocol: t.protocol });
        const out = await run(adapter(2000), t.model);
        assert.equal(out.text, 'worth the wait');
        assert.equal(out.stopReason, 'end');
      });

      it('a stall mid-stream -> timeout (idle timeout), and the connection is closed', async () => {
        fault({ kind: 'stall', afterChunks: 1 });
        const out = await run(adapter(150), t.model);
        assert.equal(out.text, 'one ');
        assert.equal(out.error?.kind, 'timeout');
        assert.match(out.error!.message, /sent nothing for 150 ms/);
        await waitFor(() => emu.requests[0].closedByClient);
      });

      it('a slow consumer is not mistaken for a silent provider', async () => {
        emu.enqueue({ chunks: ['a', 'b'] }, { protocol: t.protocol });
        const events: string[] = [];
        for await (const event of adapter(50).stream(t.model, { task: 'chat', messages: [{ role: 'user', content: 'x' }] })) {
          events.push(event.type);
          if (event.type === 'text') await new Promise((resolve) => setTimeout(resolve, 120));
        }
        assert.deepEqual(events, ['text', 'text', 'usage', 'done']);
      });

      it('a stall before any byte -> timeout', async () => {
        emu.enqueue({ text: 'never', fault: { kind: 'slow_first_byte', ms: 1000 } }, { protocol: t.protocol });
        const { error } = await run(adapter(100), t.model);
        assert.equal(error?.kind, 'timeout');
      });

      it('a reset before the answer -> network', async () => {
        fault({ kind: 'reset' });
        const { error } = await run(adapter(), t.model);
        assert.equal(error?.kind, 'network');
        assert.ok(error?.message.includes(emu.url), error?.message);
      });

      it('a reset mid-stream -> network, the partial text is not a success', async () => {
        fault({ kind: 'reset', afterChunks: 2 });
        const out = await run(adapter(), t.model);
        assert.equal(out.text, 'one two ');
        assert.equal(out.error?.kind, 'network');
      });

      it('a stream cut before its terminal event -> incomplete, never success', async () => {
        fault({ kind: 'cut', afterChunks: 2 });
        const out = await run(adapter(), t.model);
        assert.equal(out.text, 'one two ');
        assert.equal(out.error?.kind, 'incomplete');
        assert.equal(out.usage, undefined);
        assert.ok(out.error && isRetryable(out.error));
      });

      it('a stream cut after the last text chunk -> still incomplete', async () => {
        fault({ kind: 'cut', afterChunks: 3 });
        const out = await run(adapter(), t.model);
        assert.equal(out.text, 'one two three');
        assert.equal(out.error?.kind, 'incomplete');
      });

      it('a malformed chunk -> incomplete (the rest of the stream is not trusted)', async () => {
        fault({ kind: 'malformed', afterChunks: 1 });
        const out = await run(adapter(), t.model);
        assert.equal(out.text, 'one ');
        assert.equal(out.error?.kind, 'incomplete');
        assert.match(out.error!.message, /malformed/);
      });

      it('abort through request.signal -> aborted, and the HTTP request is really closed', async () => {
        emu.enqueue({ chunks: Array.from({ length: 40 }, (_, i) => `w${i} `), chunkDelayMs: 20 }, { protocol: t.protocol });
        const controller = new AbortController();
        const events: string[] = [];
        let error;
        for await (const event of adapter().stream(t.model, {
          task: 'chat',
          messages: [{ role: 'user', content: 'long' }],
          signal: controller.signal,
        })) {
          events.push(event.type);
          if (event.type === 'text') controller.abort();
          if (event.type === 'error') error = event.error;
        }
        assert.equal(error?.kind, 'aborted');
        assert.ok(error && !isRetryable(error));
        assert.ok(events.filter((e) => e === 'text').length < 40);
        await waitFor(() => emu.requests[0].closedByClient);
      });

      it('an already-aborted signal sends nothing', async () => {
        const controller = new AbortController();
        controller.abort();
        const { error } = await run(adapter(), t.model, { signal: controller.signal });
        assert.equal(error?.kind, 'aborted');
        assert.equal(emu.requests.length, 0);
      });
    });
  }

  describe('azure', () => {
    const azure = (baseUrl: string, key: string | undefined, apiVersion?: string) =>
      createAdapter({ id: 'azure', kind: 'azure', baseUrl, ...(apiVersion ? { apiVersion } : {}) }, keys({ azure: key }));

    it("names the deployment in Azure's path, sends api-version and the key in api-key (never as a bearer token)", async () => {
      const out = await run(azure(emu.anthropicBaseUrl, 'azure-key', '2024-10-21'), 'prod-gpt4o');
      assert.equal(out.text, 'Emulated answer from prod-gpt4o: Say hello');
      const [request] = emu.requests;
      assert.equal(request.path, '/openai/deployments/prod-gpt4o/chat/completions');
      assert.equal(request.apiVersion, '2024-10-21');
      assert.equal(request.headers['api-key'], 'azure-key');
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.stream, true);
    });

    it("without apiVersion, promptfoo's default 2024-12-01-preview", async () => {
      await run(azure(emu.anthropicBaseUrl, 'azure-key'), 'd');
      assert.equal(emu.requests[0].apiVersion, '2024-12-01-preview');
    });

    it('a whole JSON answer to a streamed request is still the answer (non-streaming)', async () => {
      emu.enqueue(
        { chunks: ['Whole ', 'answer'], usage: { input: 5, output: 2 }, fault: { kind: 'ignore_stream' } },
        { protocol: 'openai' },
      );
      const out = await run(azure(emu.anthropicBaseUrl, 'azure-key'), 'd');
      assert.equal(out.text, 'Whole answer');
      assert.deepEqual(out.usage, { input: { total: 5 }, output: { total: 2 }, source: 'provider' });
    });

    it('a missing key sends nothing; a wrong key is an auth error; the right one gets through', async () => {
      const missing = await run(azure(emu.anthropicBaseUrl, undefined), 'd');
      assert.equal(missing.error?.kind, 'auth');
      assert.equal(emu.requests.length, 0);
      const strict = await startEmulator({ requireKey: 'right-key' });
      try {
        const wrong = await run(azure(strict.anthropicBaseUrl, 'wrong-key'), 'd');
        assert.equal(wrong.error?.kind, 'auth');
        assert.equal(wrong.error?.status, 401);
        assert.match(wrong.error!.message, /^Azure OpenAI rejected the key/);
        assert.equal((await run(azure(strict.anthropicBaseUrl, 'right-key'), 'd')).stopReason, 'end');
      } finally {
        await strict.close();
      }
    });

    it('a provider without baseUrl is a configuration error naming the endpoint to set', () => {
      assert.throws(() => createAdapter({ id: 'azure', kind: 'azure' }, keys({})), /needs its resource endpoint as baseUrl/);
    });
  });

  describe('keys and auth', () => {
    for (const [kind, id] of [
      ['openai', 'openai'],
      ['anthropic', 'anthropic'],
    ] as const) {
      it(`${kind}: a missing key -> auth with the 'Set API Key' hint, and nothing is sent`, async () => {
        const baseUrl = kind === 'openai' ? emu.openaiBaseUrl : emu.anthropicBaseUrl;
        const { error } = await run(createAdapter({ id, kind, baseUrl }, keys({})), 'm');
        assert.equal(error?.kind, 'auth');
        assert.match(error!.message, /set it with 'LLM Workbench: Set API Key'$/);
        assert.equal(emu.requests.length, 0);
      });

      it(`${kind}: a wrong key -> auth "rejected the key"; the right key gets through`, async () => {
        const strict = await startEmulator({ requireKey: 'right-key' });
        try {
          const baseUrl = kind === 'openai' ? strict.openaiBaseUrl : strict.anthropicBaseUrl;
          const wrong = await run(createAdapter({ id, kind, baseUrl }, keys({ [id]: 'wrong-key' })), 'm');
          assert.equal(wrong.error?.kind, 'auth');
          assert.equal(wrong.error?.status, 401);
          assert.equal(
            wrong.error?.message,
            `${kind === 'openai' ? 'OpenAI' : 'Anthropic'} rejected the key — set it with 'LLM Workbench: Set API Key'`,
          );
          assert.ok(!isRetryable(wrong.error!));
          const right = await run(createAdapter({ id, kind, baseUrl }, keys({ [id]: 'right-key' })), 'm');
          assert.equal(right.stopReason, 'end');
          const headers = strict.requests[1].headers;
          assert.ok(headers.authorization === 'Bearer right-key' || headers['x-api-key'] === 'right-key');
        } finally {
          await strict.close();
        }
      });
    }

    it('the key hint is injectable (the CLI names the environment variable)', async () => {
      const adapter = createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, keys({}), {
        keyHint: () => 'set OPENAI_API_KEY',
      });
      const { error } = await run(adapter, 'm');
      assert.equal(error?.message, "No API key for OpenAI (provider 'openai') — set OPENAI_API_KEY");
    });

    it('the key is read per call, so a key set later is used without rebuilding the adapter', async () => {
      const store: Record<string, string | undefined> = {};
      const adapter = createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, keys(store));
      assert.equal((await run(adapter, 'm')).error?.kind, 'auth');
      store.openai = 'sk-later';
      assert.equal((await run(adapter, 'm')).stopReason, 'end');
      assert.equal(emu.requests[0].headers.authorization, 'Bearer sk-later');
    });

    it('openai-compatible and ollama work without a key and send no Authorization header', async () => {
      await run(createAdapter({ id: 'lmstudio', kind: 'openai-compatible', baseUrl: emu.openaiBaseUrl }, keys({})), 'local');
      await run(createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }, keys({})), 'llama3.1:8b');
      assert.deepEqual(
        emu.requests.map((r) => r.headers.authorization),
        [undefined, undefined],
      );
    });
  });

  describe('protocol-specific errors and usage', () => {
    it('OpenAI 429 insufficient_quota -> quota, not retryable', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 429, code: 'insufficient_quota', retryAfterSeconds: 1 } });
      const { error } = await run(createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS), 'gpt-4o');
      assert.equal(error?.kind, 'quota');
      assert.ok(!isRetryable(error!));
      assert.match(error!.message, /retrying will not help/);
    });

    it('OpenAI-compatible 429 enforced_spend_limit_reached -> quota', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 429, code: 'enforced_spend_limit_reached' } });
      const { error } = await run(createAdapter({ id: 'groq', kind: 'openai-compatible', baseUrl: emu.openaiBaseUrl }, KEYS), 'm');
      assert.equal(error?.kind, 'quota');
    });

    it('Anthropic "credit balance is too low" (400) -> quota', async () => {
      emu.enqueue({
        fault: {
          kind: 'status',
          status: 400,
          message:
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        },
      });
      const { error } = await run(createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, KEYS), 'c');
      assert.equal(error?.kind, 'quota');
    });

    it('OpenAI context_length_exceeded and Anthropic "prompt is too long" -> context_overflow', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 400, code: 'context_length_exceeded' } });
      emu.enqueue({ fault: { kind: 'status', status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' } });
      const openai = await run(createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS), 'gpt-4o');
      const anthropic = await run(createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, KEYS), 'claude-x');
      assert.equal(openai.error?.kind, 'context_overflow');
      assert.equal(anthropic.error?.kind, 'context_overflow');
      assert.equal(
        anthropic.error?.message,
        'The prompt is too long for claude-x on Anthropic — shorten it, or route it to a model with a larger context window',
      );
    });

    it('other 400s -> bad_request quoting the provider; 404 -> no such model', async () => {
      emu.enqueue({ fault: { kind: 'status', status: 400, message: "Unsupported value: 'temperature'" } });
      emu.enqueue({ fault: { kind: 'status', status: 404 } });
      const adapter = createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS);
      const bad = await run(adapter, 'o3');
      const missing = await run(adapter, 'gpt-9');
      assert.equal(bad.error?.kind, 'bad_request');
      assert.match(bad.error!.message, /Unsupported value: 'temperature'/);
      assert.equal(missing.error?.kind, 'bad_request');
      assert.match(missing.error!.message, /has no model 'gpt-9'/);
    });

    it('Ollama 404 for a model not pulled -> bad_request saying `ollama pull`', async () => {
      emu.enqueue(
        { fault: { kind: 'status', status: 404, message: "model 'phi9' not found, try pulling it first" } },
        { protocol: 'ollama' },
      );
      const { error } = await run(createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }, KEYS), 'phi9');
      assert.equal(error?.kind, 'bad_request');
      assert.match(error!.message, /pull it with `ollama pull phi9`/);
    });

    it('Anthropic 529 overloaded_error mid-stream -> overloaded', async () => {
      emu.enqueue({ chunks: ['a', 'b'], fault: { kind: 'status', status: 529, afterChunks: 1 } });
      const out = await run(createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, KEYS), 'c');
      assert.equal(out.error?.kind, 'overloaded');
    });

    it('cache reads: OpenAI cached_tokens and Anthropic cache_read/cache_creation map to cacheRead/cacheWrite, input total includes them', async () => {
      emu.enqueue({ text: 'x', usage: { input: 100, output: 5, cacheRead: 60 } }, { protocol: 'openai' });
      emu.enqueue({ text: 'x', usage: { input: 100, output: 5, cacheRead: 60, cacheWrite: 30 } }, { protocol: 'anthropic' });
      const openai = await run(createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS), 'gpt-4o');
      const anthropic = await run(createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, KEYS), 'c');
      assert.deepEqual(openai.usage, { input: { total: 100, cacheRead: 60 }, output: { total: 5 }, source: 'provider' });
      assert.deepEqual(anthropic.usage, { input: { total: 100, cacheRead: 60, cacheWrite: 30 }, output: { total: 5 }, source: 'provider' });
      const wire = (emu.requests[1].body as { max_tokens: number }).max_tokens;
      assert.equal(wire, 4096, 'Anthropic needs max_tokens: the default is sent when the request has none');
    });

    it('a server that ignores include_usage: openai-compatible estimates usage (labelled), OpenAI itself calls it incomplete', async () => {
      emu.rule({ protocol: 'openai' }, { text: 'twelve chars', omitUsage: true });
      const compat = await run(createAdapter({ id: 'groq', kind: 'openai-compatible', baseUrl: emu.openaiBaseUrl }, KEYS), 'm');
      const openai = await run(createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS), 'm');
      assert.deepEqual(compat.usage, { input: { total: Math.ceil('Say hello'.length / 4) }, output: { total: 3 }, source: 'estimate' });
      assert.equal(openai.error?.kind, 'incomplete');
    });

    it('Anthropic counts tokens through count_tokens; a missing key says how to set one', async () => {
      const adapter = createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, KEYS);
      const count = await adapter.countTokens!('claude-x', { task: 'chat', system: 'abcd', messages: [{ role: 'user', content: 'efgh' }] });
      assert.equal(count, Math.ceil('abcd\nefgh'.length / 4));
      assert.equal(emu.requests[0].path, '/v1/messages/count_tokens');
      const keyless = createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, keys({}));
      await assert.rejects(keyless.countTokens!('claude-x', { task: 'chat', messages: [] }), /No API key for Anthropic/);
    });

    it('JSON mode asks each protocol for JSON', async () => {
      await run(createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS), 'm', { responseFormat: 'json' });
      await run(createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }, KEYS), 'llama3.1:8b', {
        responseFormat: 'json',
      });
      assert.deepEqual((emu.requests[0].body as Record<string, unknown>).response_format, { type: 'json_object' });
      assert.equal((emu.requests[1].body as Record<string, unknown>).format, 'json');
    });
  });

  describe('Ollama specifics', () => {
    it('not running (nothing on the port) -> network with the `ollama serve` message, native and /v1', async () => {
      const port = await closedPort();
      for (const ollamaApi of ['native', 'openai'] as const) {
        const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: `http://127.0.0.1:${port}`, ollamaApi }, keys({}));
        const { error } = await run(adapter, 'llama3.1:8b');
        assert.equal(error?.kind, 'network');
        assert.equal(error?.message, `Ollama is not running at http://127.0.0.1:${port} — start it with \`ollama serve\``);
      }
      const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: `http://127.0.0.1:${port}` }, keys({}));
      await assert.rejects(adapter.listModels!(), /Ollama is not running/);
      assert.equal(await adapter.contextWindowFor!('llama3.1:8b'), undefined);
    });

    it('lists installed models with the context each will really get', async () => {
      const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }, keys({}));
      assert.deepEqual(await adapter.listModels!(), [
        { id: 'llama3.1:8b', contextWindow: 4096 }, // no num_ctx in its parameters: Ollama's default, not the 131072 it was trained for
        { id: 'qwen2.5-coder:7b', contextWindow: 8192 }, // num_ctx 8192 from its Modelfile
      ]);
    });

    it('numCtx from settings is sent as options.num_ctx and is the window (capped at the trained length)', async () => {
      const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl, numCtx: 65536 }, keys({}));
      assert.equal(await adapter.contextWindowFor!('llama3.1:8b'), 65536);
      assert.equal(await adapter.contextWindowFor!('qwen2.5-coder:7b'), 32768);
      await run(adapter, 'llama3.1:8b');
      const chat = emu.requests.find((r) => r.path === '/api/chat');
      assert.equal((chat?.body as { options: { num_ctx: number } }).options.num_ctx, 65536);
    });

    it('an unknown model has no known window', async () => {
      const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }, keys({}));
      assert.equal(await adapter.contextWindowFor!('not-pulled'), undefined);
    });

    it('OLLAMA_HOST written without a scheme still works', async () => {
      const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl.replace('http://', '') }, keys({}));
      assert.equal((await run(adapter, 'llama3.1:8b')).stopReason, 'end');
    });
  });

  describe('createAdapter', () => {
    it('openai-compatible without baseUrl is a clear configuration error, unless the id is a vendor preset', () => {
      assert.throws(
        () => createAdapter({ id: 'lmstudio', kind: 'openai-compatible' }, keys({})),
        /Provider 'lmstudio' is OpenAI-compatible and needs a baseUrl/,
      );
      assert.doesNotThrow(() => createAdapter({ id: 'groq', kind: 'openai-compatible' }, keys({})));
    });

    it('rejects a base URL that is not http(s)', () => {
      assert.throws(() => createAdapter({ id: 'x', kind: 'openai', baseUrl: 'ftp://example.com' }, keys({})), /not http\(s\)/);
    });

    it('OpenAI lists models from /v1/models', async () => {
      const adapter = createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS);
      assert.ok((await adapter.listModels!()).some((m) => m.id === 'gpt-4o-mini'));
    });
  });
});
