/**
 * The fault matrix (issue #12): every fault the emulator injects × each wire protocol (OpenAI, Anthropic, Ollama)
 * × (direct, with a fallback), over real HTTP through the official SDK-based adapters. For each cell: the outcome,
 * the attempts, whether the fallback answered, the answer text, and the one ledger record.
 */
import * as assert from 'node:assert/strict';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import type { ResilienceSettings } from '../../src/core/config/resilienceSettings';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { ErrorKind } from '../../src/core/providers/providerError';
import type { EmulatorReply } from './emulator';
import { startEmulator, type Emulator } from './emulator';

const FAST: Partial<ResilienceSettings> = {
  maxAttempts: 3,
  initialDelayMs: 5,
  maxDelayMs: 10,
  maxTotalWaitMs: 8_000,
  // Short enough for stalls to be quick, long enough that a loaded machine does not look like a stalled provider.
  firstByteTimeoutMs: 1_500,
  idleTimeoutMs: 600,
  // High: each cell gets a fresh gateway anyway; circuits have their own tests.
  breakerThreshold: 50,
};

const PROTOCOLS = [
  { name: 'openai', ref: 'openai:gpt-4o-mini', model: 'gpt-4o-mini', fallback: 'anthropic:claude-haiku-4-5' },
  { name: 'anthropic', ref: 'anthropic:claude-haiku-4-5', model: 'claude-haiku-4-5', fallback: 'openai:gpt-4o' },
  { name: 'ollama', ref: 'ollama:llama3.1:8b', model: 'llama3.1:8b', fallback: 'openai:gpt-4o' },
] as const;

const ANSWER = ['The ', 'whole ', 'answer.'];

/** What one fault leads to, direct and with a fallback after the faulty model. */
interface Expectation {
  /** Direct: how the call ends; `ok` with the answer, or the error kind. */
  direct: { outcome: 'ok'; attempts: number } | { outcome: 'error'; kind: ErrorKind; attempts: number; message?: RegExp };
  /** With a fallback: attempts in all (faulty model's + 1), or the primary answering itself. */
  withFallback: { attempts: number; fallbackUsed: boolean };
  stopReason?: string;
}

interface FaultCase {
  name: string;
  reply: EmulatorReply;
  expect: Expectation;
  /** Protocols the fault applies to (all by default). */
  only?: readonly string[];
}

const retried = (kind: ErrorKind, message?: RegExp): Expectation => ({
  direct: { outcome: 'error', kind, attempts: 3, message },
  withFallback: { attempts: 4, fallbackUsed: true },
});
/** Text already shown: with a fallback the gateway moves on at once instead of repeating the model that broke off. */
const midAnswer = (kind: ErrorKind, message?: RegExp): Expectation => ({
  direct: { outcome: 'error', kind, attempts: 3, message },
  withFallback: { attempts: 2, fallbackUsed: true },
});
const notRetried = (kind: ErrorKind, message?: RegExp): Expectation => ({
  direct: { outcome: 'error', kind, attempts: 1, message },
  withFallback: { attempts: 2, fallbackUsed: true },
});
const answered = (stopReason = 'end'): Expectation => ({
  direct: { outcome: 'ok', attempts: 1 },
  withFallback: { attempts: 1, fallbackUsed: false },
  stopReason,
});

const FAULTS: FaultCase[] = [
  { name: '429 with Retry-After', reply: { fault: { kind: 'status', status: 429, retryAfterMs: 20 } }, expect: retried('rate_limit') },
  {
    name: '429 out of quota',
    reply: { fault: { kind: 'status', status: 429, code: 'insufficient_quota' } },
    expect: notRetried('quota'),
    only: ['openai'],
  },
  { name: '500', reply: { fault: { kind: 'status', status: 500 } }, expect: retried('server') },
  { name: '503', reply: { fault: { kind: 'status', status: 503 } }, expect: retried('server') },
  { name: '529 overloaded', reply: { fault: { kind: 'status', status: 529 } }, expect: retried('overloaded') },
  { name: '401 bad key', reply: { fault: { kind: 'status', status: 401 } }, expect: notRetried('auth') },
  {
    name: '400 bad request',
    reply: { fault: { kind: 'status', status: 400, message: 'Invalid request.' } },
    expect: notRetried('bad_request'),
  },
  { name: 'slow first byte within the limit', reply: { chunks: ANSWER, fault: { kind: 'slow_first_byte', ms: 100 } }, expect: answered() },
  { name: 'stall before the first byte', reply: { fault: { kind: 'stall', afterChunks: 0 } }, expect: retried('timeout') },
  {
    name: 'stall mid-answer',
    reply: { chunks: ANSWER, fault: { kind: 'stall', afterChunks: 1 } },
    expect: midAnswer('timeout', /went silent/),
  },
  { name: 'reset before the response', reply: { fault: { kind: 'reset', afterChunks: 0 } }, expect: retried('network') },
  {
    name: 'reset mid-answer',
    reply: { chunks: ANSWER, fault: { kind: 'reset', afterChunks: 1 } },
    expect: midAnswer('network', /dropped the connection in the middle of the answer/),
  },
  {
    name: 'cut mid-answer (no terminal event)',
    reply: { chunks: ANSWER, fault: { kind: 'cut', afterChunks: 1 } },
    expect: midAnswer('incomplete', /broke off/),
  },
  { name: 'malformed chunk', reply: { chunks: ANSWER, fault: { kind: 'malformed', afterChunks: 1 } }, expect: midAnswer('incomplete') },
  {
    name: 'error frame mid-stream',
    reply: { chunks: ANSWER, fault: { kind: 'status', status: 500, afterChunks: 1 } },
    expect: midAnswer('server'),
  },
  {
    name: '200 with an HTML page',
    reply: { fault: { kind: 'html' } },
    expect: notRetried('bad_request', /answered 200 with text\/html instead of an answer/),
  },
  {
    name: '200 with the complete JSON body (stream ignored)',
    reply: { chunks: ANSWER, fault: { kind: 'ignore_stream' } },
    expect: answered(),
  },
  {
    name: 'text after the terminal event',
    reply: { chunks: ANSWER, fault: { kind: 'trailing_text', text: ' INJECTED' } },
    expect: answered(),
  },
  { name: 'cut at the output limit', reply: { chunks: ANSWER, stopReason: 'max_tokens' }, expect: answered('max_tokens') },
];

describe('fault matrix: every fault × protocol × (direct, with fallback)', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
    // Load each SDK once (a cold process spends ~1 s on it): that one-time load is not what the cells measure.
    const { gateway: warm } = gateway();
    for (const p of PROTOCOLS) await warm.complete({ task: 'chat', model: p.ref, messages: [{ role: 'user', content: 'warm up' }] });
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  function gateway() {
    const config: WorkbenchConfig = {
      ...defaultConfig(),
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
        { id: 'ollama', kind: 'ollama', baseUrl: emulator.ollamaBaseUrl },
      ],
    };
    const ledger = new MemoryLedger();
    const logs: string[] = [];
    return {
      gateway: createGateway({ config, keys: async () => 'sk-matrix-key', ledger, resilience: FAST, log: (line) => logs.push(line) }),
      ledger,
      logs,
    };
  }

  const cellCount = FAULTS.reduce((sum, f) => sum + (f.only?.length ?? PROTOCOLS.length) * 2, 0);
  it(`covers ${cellCount} cells: ${FAULTS.length} faults × ${PROTOCOLS.length} protocols × (direct, with fallback)`, () =>
    assert.ok(cellCount >= 100));

  for (const fault of FAULTS) {
    for (const protocol of PROTOCOLS) {
      if (fault.only && !fault.only.includes(protocol.name)) continue;
      for (const withFallback of [false, true]) {
        it(`${fault.name} · ${protocol.name} · ${withFallback ? 'with fallback' : 'direct'}`, async () => {
          emulator.rule({ model: protocol.model }, { chunks: ANSWER, ...fault.reply });
          const { gateway: g, ledger, logs } = gateway();
          const result = await g.complete({
            task: 'chat',
            model: protocol.ref,
            fallbacks: withFallback ? [protocol.fallback] : [],
            messages: [{ role: 'user', content: 'Answer please' }],
          });
          const { record } = result;
          // Exactly one record per call, in the ledger as returned.
          assert.equal(ledger.records.length, 1);
          assert.deepEqual(ledger.records[0], record);
          assert.ok(record.inputTokens >= 0 && Number.isFinite(record.inputTokens) && Number.isFinite(record.outputTokens));

          const { expect } = fault;
          if (withFallback) {
            assert.equal(record.outcome, 'ok', `${record.errorKind}: ${record.errorMessage}`);
            assert.equal(record.attempts, expect.withFallback.attempts, logs.join('\n'));
            assert.equal(record.fallbackUsed, expect.withFallback.fallbackUsed);
            assert.equal(`${record.provider}:${record.model}`, expect.withFallback.fallbackUsed ? protocol.fallback : protocol.ref);
            if (expect.withFallback.fallbackUsed) {
              assert.match(result.text, /^Emulated answer from /, 'only the fallback answer, no text of the failed model');
              assert.ok(record.fallbackReason?.startsWith(protocol.ref), record.fallbackReason);
            } else assert.equal(result.text, ANSWER.join(''));
            return;
          }
          const direct = expect.direct;
          assert.equal(record.attempts, direct.attempts, `${record.errorKind}: ${record.errorMessage}`);
          assert.equal(record.fallbackUsed, false);
          if (direct.outcome === 'ok') {
            assert.equal(record.outcome, 'ok', record.errorMessage);
            assert.equal(
              result.text,
              ANSWER.join(''),
              'the answer exactly: nothing after the terminal event, nothing lost from a JSON body',
            );
            assert.equal(record.stopReason, expect.stopReason);
            assert.equal(result.stopReason, expect.stopReason);
          } else {
            assert.equal(record.outcome, 'error');
            assert.equal(record.errorKind, direct.kind, record.errorMessage);
            if (direct.message) assert.match(record.errorMessage ?? '', direct.message);
            assert.equal(result.text, '');
            assert.equal(record.stopReason, undefined);
          }
          assert.ok(!JSON.stringify(record).includes('sk-matrix-key'));
        });
      }
    }
  }
});
