import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { createGateway } from '../../src/core/gateway/createGateway';
import type { GatewayEvent } from '../../src/core/gateway/gatewayApi';
import { recordLogLine } from '../../src/core/logging/recordLogLine';
import { startEmulator, type Emulator } from './emulator';

/**
 * Provider error bodies echo the key they refused (OpenAI: "Incorrect API key provided: sk-…"). Over real HTTP,
 * nothing the gateway hands on — error events, the ledger record, the log — may contain it.
 */
describe('keys never leak through provider error text', function () {
  this.timeout(20_000);
  const KEY = 'wrong-key-9f8e7d6c5b4a';
  let strict: Emulator;
  let plain: Emulator;
  before(async () => {
    strict = await startEmulator({ requireKey: 'the-right-key' });
    plain = await startEmulator();
  });
  after(async () => {
    await strict.close();
    await plain.close();
  });
  beforeEach(() => plain.reset());

  async function call(emu: Emulator, key: string) {
    const config: WorkbenchConfig = {
      ...defaultConfig(),
      providers: [{ id: 'openai', kind: 'openai', baseUrl: emu.openaiBaseUrl }],
      routes: { chat: { primary: 'openai:gpt-4o-mini', fallbacks: [] } },
    };
    const ledger = new MemoryLedger();
    const logs: string[] = [];
    const gateway = createGateway({
      config,
      keys: async () => key,
      ledger,
      resilience: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      sleep: async () => undefined,
      log: (l) => logs.push(l),
    });
    const events: GatewayEvent[] = [];
    for await (const event of gateway.stream({ task: 'chat', messages: [{ role: 'user', content: 'hi' }] })) events.push(event);
    const records = ledger.records;
    const everything = [
      ...events.map((e) => inspect(e, { depth: 20 })),
      ...events.map((e) => (e.type === 'error' || e.type === 'retry' ? e.error.message : '')),
      JSON.stringify(records),
      ...records.map((r) => recordLogLine(r, true).line),
      ...logs,
    ].join('\n');
    return { events, records, everything };
  }

  it('a 401 whose body echoes the key: the key reached the server, and appears nowhere after it', async () => {
    const { records, everything } = await call(strict, KEY);
    assert.equal(strict.requests.at(-1)?.headers.authorization, `Bearer ${KEY}`, 'the emulator saw the key');
    assert.equal(records[0].errorKind, 'auth');
    assert.ok(!everything.includes(KEY), everything);
  });

  for (const status of [400, 500]) {
    it(`a ${status} whose message (shown to the user) echoes the key and a key-shaped token: both redacted`, async () => {
      plain.rule(
        { protocol: 'openai' },
        { fault: { kind: 'status', status, message: `Request with key ${KEY} refused; also saw sk-proj-AAAAbbbbCCCC1234` } },
      );
      const { records, everything } = await call(plain, KEY);
      assert.match(records[0].errorMessage ?? '', /Request with key \[redacted\] refused; also saw \[redacted\]/);
      assert.ok(!everything.includes(KEY), everything);
      assert.ok(!everything.includes('sk-proj-AAAAbbbbCCCC1234'), everything);
    });
  }

  // Issue #12: error text was clipped to 200 characters before redaction, so 37 of 40 characters of a non-`sk-`
  // key survived; a URL-encoded or base64 echo survived whole.
  const ODD_KEY = 'pk_live/Qz8+Xw7=Vu6~Ts5!Rq4*Po3(Nm2)Lk1Ji0';
  const forms: Array<[string, (k: string) => string]> = [
    ['straddling the clip point', (k) => `${'x'.repeat(180)} ${k} and more text after it`],
    ['URL-encoded', (k) => `upstream GET /v1?key=${encodeURIComponent(k)} failed`],
    ['JSON-escaped', (k) => `upstream said ${JSON.stringify({ key: k })}`],
    ['base64 in a Basic header', (k) => `Authorization: Basic ${Buffer.from(`u:${k}`).toString('base64')} refused`],
    ['a clipped prefix', (k) => `key ${k.slice(0, 14)}… refused`],
  ];
  for (const [name, echo] of forms) {
    it(`a key of no known shape echoed ${name}: no 8-character piece of it is left anywhere`, async () => {
      plain.rule({ protocol: 'openai' }, { fault: { kind: 'status', status: 400, message: echo(ODD_KEY) } });
      const { records, everything } = await call(plain, ODD_KEY);
      assert.equal(records[0].errorKind, 'bad_request');
      const views = [
        everything,
        decodeURIComponent(everything.replace(/%(?![0-9a-f]{2})/gi, '%25')),
        ...(everything.match(/[A-Za-z0-9+/=]{12,}/g) ?? []).map((b) => Buffer.from(b, 'base64').toString('latin1')),
      ];
      for (const view of views)
        for (let i = 0; i + 8 <= ODD_KEY.length; i++)
          assert.ok(!view.includes(ODD_KEY.slice(i, i + 8)), `${ODD_KEY.slice(i, i + 8)} in ${view}`);
    });
  }
});
