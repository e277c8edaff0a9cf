import assert from 'node:assert/strict';
import OpenAI, { AzureOpenAI } from 'openai';
import { startEmulator, type Emulator } from './emulator';

/**
 * The endpoints the promptfoo parity harness needs besides chat (Responses API, legacy completions, embeddings, Ollama
 * generate, Azure deployment paths) and the `/client/<name>` prefix that keeps two tools' requests apart, driven by
 * the official `openai` client where one exists, so a drift from the wire protocol fails inside the SDK.
 */
describe('provider emulator: endpoints for the parity harness', () => {
  let emu: Emulator;
  let openai: OpenAI;

  before(async () => {
    emu = await startEmulator();
    openai = new OpenAI({ apiKey: 'sk-test', baseURL: emu.openaiBaseUrl, maxRetries: 0 });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  it('answers the Responses API, plain and streamed, with the same deterministic text as chat', async () => {
    const plain = await openai.responses.create({ model: 'gpt-4.1-mini', input: 'What is 2+2?', instructions: 'Be brief.' });
    assert.equal(plain.output_text, 'Emulated answer from gpt-4.1-mini: What is 2+2?');
    assert.equal(plain.status, 'completed');
    assert.ok((plain.usage?.input_tokens ?? 0) > 0);

    const stream = await openai.responses.create({ model: 'gpt-4.1-mini', input: [{ role: 'user', content: 'hi there' }], stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response.output_text === text || event.response.status === 'completed';
    }
    assert.equal(text, 'Emulated answer from gpt-4.1-mini: hi there');
    assert.ok(completed);
    assert.deepEqual(
      emu.requests.map((r) => r.path),
      ['/v1/responses', '/v1/responses'],
    );
  });

  it('answers legacy completions with the scripted reply for the prompt', async () => {
    emu.rule({ promptIncludes: 'capital' }, { text: 'Paris' });
    const completion = await openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'The capital of France is' });
    assert.equal(completion.choices[0].text, 'Paris');
  });

  it('embeds deterministically: same text, same unit vector; shared words are closer than unrelated text', async () => {
    const { data } = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['the moon orbits the earth', 'the moon orbits the earth', 'the moon is bright', 'quarterly tax deadlines'],
    });
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    assert.ok(Math.abs(cos(data[0].embedding, data[0].embedding) - 1) < 1e-6);
    assert.deepEqual(data[0].embedding, data[1].embedding);
    assert.ok(cos(data[0].embedding, data[2].embedding) > cos(data[0].embedding, data[3].embedding));
  });

  it('serves Azure deployment paths as OpenAI chat, the deployment as the model', async () => {
    const azure = new AzureOpenAI({
      apiKey: 'azure-key',
      endpoint: emu.url,
      apiVersion: '2024-10-21',
      deployment: 'my-gpt',
      maxRetries: 0,
    });
    const completion = await azure.chat.completions.create({ model: '', messages: [{ role: 'user', content: 'hello' }] });
    assert.match(completion.choices[0].message.content ?? '', /^Emulated answer from .*: hello$/);
    assert.equal(emu.requests[0].path, '/openai/deployments/my-gpt/chat/completions');
  });

  it('answers Ollama /api/generate, streamed as NDJSON by default and whole with stream:false', async () => {
    const whole = await fetch(`${emu.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.1:8b', prompt: 'Why is the sky blue?', stream: false }),
    });
    assert.equal(((await whole.json()) as { response: string }).response, 'Emulated answer from llama3.1:8b: Why is the sky blue?');
    const streamed = await fetch(`${emu.url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.1:8b', prompt: 'hi' }),
    });
    const lines = (await streamed.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { response: string; done: boolean });
    assert.equal(lines.map((l) => l.response).join(''), 'Emulated answer from llama3.1:8b: hi');
    assert.equal(lines[lines.length - 1].done, true);
  });

  it('records which client sent a request through /client/<name>/, and serves it like the unprefixed path', async () => {
    const tagged = new OpenAI({ apiKey: 'k', baseURL: `${emu.url}/client/promptfoo/v1`, maxRetries: 0 });
    await tagged.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tagged' }] });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'untagged' }] });
    assert.deepEqual(
      emu.requests.map((r) => [r.client, r.path]),
      [
        ['promptfoo', '/v1/chat/completions'],
        [undefined, '/v1/chat/completions'],
      ],
    );
  });
});
