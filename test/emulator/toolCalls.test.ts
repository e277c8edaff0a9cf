import assert from 'node:assert/strict';
import type { ProviderConfig } from '../../src/core/providers/adapter';
import { messageFromParts, type ChatMessage, type ToolDefinition } from '../../src/core/providers/chat';
import { createAdapter } from '../../src/core/providers/createAdapter';
import { keys, run } from './adapterHarness';
import { startEmulator, type EmulatedProtocol, type Emulator } from './emulator';

/** A 1×1 PNG (a real file's bytes): images travel as base64 in every protocol. */
const PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/6Xb9SQAAAABJRU5ErkJggg==', 'base64'),
);
const PNG_BASE64 = Buffer.from(PNG).toString('base64');

const WEATHER: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * Tool calls and tool results through each adapter in both directions, over real HTTP with the official SDKs:
 * the model's call comes back as a `tool_call` event; the next request carries the call and its result in the
 * protocol's own shape, and the model answers from the result.
 */
describe('tool calls, tool results and images through every adapter', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const KEYS = keys({ openai: 'sk-openai', anthropic: 'sk-ant' });
  const targets: { name: string; protocol: EmulatedProtocol; model: string; config: () => ProviderConfig }[] = [
    {
      name: 'openai',
      protocol: 'openai',
      model: 'gpt-4o-mini',
      config: () => ({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }),
    },
    {
      name: 'anthropic',
      protocol: 'anthropic',
      model: 'claude-emulated',
      config: () => ({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }),
    },
    {
      name: 'ollama (native)',
      protocol: 'ollama',
      model: 'llama3.1:8b',
      config: () => ({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }),
    },
    {
      name: 'ollama (/v1)',
      protocol: 'openai',
      model: 'llama3.1:8b',
      config: () => ({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl, ollamaApi: 'openai' }),
    },
  ];

  for (const t of targets) {
    describe(t.name, () => {
      const adapter = () => createAdapter(t.config(), KEYS);

      it("a round trip: the call streams back as one tool_call event, the result goes back in the protocol's shape", async () => {
        emu.rule(
          { protocol: t.protocol },
          { text: 'Let me check. ', toolCalls: [{ name: 'get_weather', input: { city: 'Paris', units: { temp: 'C' } } }] },
        );
        emu.rule(
          { protocol: t.protocol, promptIncludes: '18 degrees' },
          { text: 'It is 18 degrees in Paris.', usage: { input: 40, output: 8 } },
        );

        const first = await run(adapter(), t.model, { tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
        assert.equal(first.text, 'Let me check. ');
        assert.equal(first.toolCalls.length, 1);
        const [call] = first.toolCalls;
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(call.input, { city: 'Paris', units: { temp: 'C' } });
        assert.ok(call.id.length > 0);
        assert.equal(first.stopReason, 'tool_use');
        assertToolsSent(t.protocol, emu.requests[0].body as Record<string, any>);

        const history: ChatMessage[] = [
          { role: 'user', content: 'Weather in Paris?' },
          messageFromParts('assistant', [{ type: 'text', text: 'Let me check. ' }, call]),
          messageFromParts('user', [{ type: 'tool_result', callId: call.id, content: [{ type: 'text', text: '18 degrees, sunny' }] }]),
        ];
        const second = await run(adapter(), t.model, { tools: [WEATHER], messages: history });
        assert.equal(second.text, 'It is 18 degrees in Paris.');
        assert.equal(second.stopReason, 'end');
        assertHistorySent(t.protocol, emu.requests[1].body as Record<string, any>, call.id);
      });

      it("sends an image from the user in the protocol's image form", async () => {
        const message = messageFromParts('user', [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', mimeType: 'image/png', data: PNG },
        ]);
        const out = await run(adapter(), t.model, { messages: [message] });
        assert.equal(out.error, undefined);
        const body = emu.requests[0].body as Record<string, any>;
        const sent = body.messages.at(-1);
        if (t.protocol === 'openai') {
          assert.deepEqual(sent.content[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } });
        } else if (t.protocol === 'anthropic') {
          assert.deepEqual(sent.content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } });
        } else {
          assert.deepEqual(sent.images, [PNG_BASE64]);
          assert.equal(sent.content, 'What is in this picture?');
        }
      });

      it('arguments that are not JSON become an invalid_output error, not a call with empty input', async () => {
        emu.enqueue({ toolCalls: [{ name: 'get_weather', argumentsText: '{"city": "Par' }] }, { protocol: t.protocol });
        const out = await run(adapter(), t.model, { tools: [WEATHER] });
        assert.equal(out.error?.kind, 'invalid_output');
        assert.match(out.error!.message, /get_weather.*not a JSON object/);
      });
    });
  }

  it('anthropic: tool-use ids another provider made are mapped to ids the API accepts, the same on call and result', async () => {
    const adapter = createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, KEYS);
    const call = { type: 'tool_call' as const, id: 'call:abc/1', name: 'get_weather', input: { city: 'Oslo' } };
    await run(adapter, 'claude-emulated', {
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather?' },
        messageFromParts('assistant', [call]),
        messageFromParts('user', [{ type: 'tool_result', callId: call.id, content: [{ type: 'text', text: 'cold' }], isError: true }]),
      ],
    });
    const body = emu.requests[0].body as Record<string, any>;
    assert.deepEqual(body.messages[1].content, [{ type: 'tool_use', id: 'call_abc_1', name: 'get_weather', input: { city: 'Oslo' } }]);
    assert.deepEqual(body.messages[2].content, [
      { type: 'tool_result', tool_use_id: 'call_abc_1', content: [{ type: 'text', text: 'cold' }], is_error: true },
    ]);
  });

  it('openai: images a tool returned follow its tool message in a user message that names the call', async () => {
    const adapter = createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS);
    const call = { type: 'tool_call' as const, id: 'call_1', name: 'screenshot', input: {} };
    await run(adapter, 'gpt-4o-mini', {
      messages: [
        messageFromParts('assistant', [call]),
        messageFromParts('user', [
          {
            type: 'tool_result',
            callId: 'call_1',
            content: [
              { type: 'text', text: 'captured' },
              { type: 'image', mimeType: 'image/png', data: PNG },
            ],
          },
        ]),
      ],
    });
    const messages = (emu.requests[0].body as Record<string, any>).messages;
    assert.deepEqual(messages[1], { role: 'tool', tool_call_id: 'call_1', content: 'captured' });
    assert.deepEqual(messages[2].content, [
      { type: 'text', text: 'Images returned by tool call call_1:' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
    ]);
  });

  it('ollama (native): a required tool call is refused before anything is sent (the API cannot require one)', async () => {
    const adapter = createAdapter({ id: 'ollama', kind: 'ollama', baseUrl: emu.ollamaBaseUrl }, KEYS);
    const out = await run(adapter, 'llama3.1:8b', { tools: [WEATHER], toolChoice: 'required' });
    assert.equal(out.error?.kind, 'bad_request');
    assert.match(out.error!.message, /cannot require a tool call/);
    assert.equal(emu.requests.length, 0);
  });

  it('a plain text request is sent exactly as before tools existed (no tools, string contents)', async () => {
    const adapter = createAdapter({ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }, KEYS);
    await run(adapter, 'gpt-4o-mini', { system: 'S', messages: [{ role: 'user', content: 'Hi' }] });
    const body = emu.requests[0].body as Record<string, any>;
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'Hi' },
    ]);
    assert.equal(body.tools, undefined);
    assert.equal(body.tool_choice, undefined);
  });
});

function assertToolsSent(protocol: EmulatedProtocol, body: Record<string, any>): void {
  if (protocol === 'anthropic') {
    assert.deepEqual(body.tools, [{ name: 'get_weather', description: 'Current weather for a city', input_schema: WEATHER.inputSchema }]);
    assert.deepEqual(body.tool_choice, { type: 'auto' });
  } else {
    assert.deepEqual(body.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER.inputSchema } },
    ]);
    if (protocol === 'openai') assert.equal(body.tool_choice, 'auto');
  }
}

function assertHistorySent(protocol: EmulatedProtocol, body: Record<string, any>, callId: string): void {
  const [, assistant, result] = body.messages;
  if (protocol === 'openai') {
    assert.equal(assistant.role, 'assistant');
    assert.equal(assistant.content, 'Let me check. ');
    assert.deepEqual(assistant.tool_calls, [
      { id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":{"temp":"C"}}' } },
    ]);
    assert.deepEqual(result, { role: 'tool', tool_call_id: callId, content: '18 degrees, sunny' });
  } else if (protocol === 'anthropic') {
    assert.deepEqual(assistant.content, [
      { type: 'text', text: 'Let me check. ' },
      { type: 'tool_use', id: callId, name: 'get_weather', input: { city: 'Paris', units: { temp: 'C' } } },
    ]);
    assert.deepEqual(result.content, [
      { type: 'tool_result', tool_use_id: callId, content: [{ type: 'text', text: '18 degrees, sunny' }] },
    ]);
  } else {
    assert.deepEqual(assistant, {
      role: 'assistant',
      content: 'Let me check. ',
      tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris', units: { temp: 'C' } } } }],
    });
    assert.deepEqual(result, { role: 'tool', content: '18 degrees, sunny', tool_name: 'get_weather' });
  }
}
