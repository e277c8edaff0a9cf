import assert from 'node:assert/strict';
import type { Usage } from '../../src/core/providers/usage';
import type { KeySource, ProviderAdapter } from '../../src/core/providers/adapter';
import type { ChatEvent, ChatRequest, StopReason, ToolCallPart } from '../../src/core/providers/chat';
import type { ProviderError } from '../../src/core/providers/providerError';

/** Everything one adapter call produced, after checking the event contract held. */
export interface Outcome {
  events: ChatEvent[];
  text: string;
  usage?: Usage;
  stopReason?: StopReason;
  error?: ProviderError;
  toolCalls: ToolCallPart[];
}

/**
 * Runs a call to the end and asserts the contract: text events, then exactly one usage and one done (in that order,
 * last); or text events and one error, last. Never a usage or done alongside an error.
 */
export async function run(adapter: ProviderAdapter, model: string, request: Partial<ChatRequest> = {}): Promise<Outcome> {
  const events: ChatEvent[] = [];
  for await (const event of adapter.stream(model, { task: 'chat', messages: [{ role: 'user', content: 'Say hello' }], ...request })) {
    events.push(event);
  }
  const kinds = events.map((e) => e.type);
  const last = kinds[kinds.length - 1];
  const texts = kinds.filter((k) => k === 'text').length;
  const calls = kinds.filter((k) => k === 'tool_call').length;
  if (last === 'error') {
    assert.deepEqual(kinds.slice(0, -1), Array(kinds.length - 1).fill('text'), `only text may precede an error: ${kinds.join(',')}`);
  } else {
    assert.deepEqual(
      kinds,
      [...Array(texts).fill('text'), ...Array(calls).fill('tool_call'), 'usage', 'done'],
      `expected text*, tool_call*, usage, done: ${kinds.join(',')}`,
    );
  }
  const find = <T extends ChatEvent['type']>(type: T) => events.find((e) => e.type === type) as Extract<ChatEvent, { type: T }> | undefined;
  return {
    events,
    text: events.map((e) => (e.type === 'text' ? e.text : '')).join(''),
    usage: find('usage')?.usage,
    stopReason: find('done')?.stopReason,
    error: find('error')?.error,
    toolCalls: events.flatMap((e) => (e.type === 'tool_call' ? [e.call] : [])),
  };
}

export const keys =
  (map: Record<string, string | undefined>): KeySource =>
  async (id) =>
    map[id];

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
