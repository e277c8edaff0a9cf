import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { costOfUsage } from '../../src/core/cost/pricing';
import { ModelCatalog } from '../../src/core/models/catalog';
import { CatalogStore, loadShippedCatalog } from '../../src/core/models/catalogStore';
import type { CatalogPrice } from '../../src/core/models/litellm/catalogData';
import { describeChanges, refreshCatalog } from '../../src/core/models/refreshCatalog';
import { createAdapter } from '../../src/core/providers/createAdapter';
import { keys, run } from './adapterHarness';
import { startEmulator, type Emulator } from './emulator';

/**
 * "Update Model Prices" / `models --update` against a loopback server serving LiteLLM-shaped tables: a good one,
 * a truncated one, wrong types, 100 MB, a 404 and a server that never answers. Every failure keeps the table.
 */
describe('model price refresh (loopback HTTP)', () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();

  /** A real table: the shipped catalog written back in LiteLLM's shape, with o3's price changed and one model added. */
  function litellmTable(): Record<string, unknown> {
    const table: Record<string, unknown> = { sample_spec: { litellm_provider: 'one of …' }, last_updated: '2026-11-20T10:00:00+00:00' };
    for (const model of loadShippedCatalog().models) {
      const [provider, id] = [model.ref.slice(0, model.ref.indexOf(':')), model.ref.slice(model.ref.indexOf(':') + 1)];
      if (provider !== 'openai' && provider !== 'anthropic') continue;
      table[id] = {
        litellm_provider: provider,
        mode: 'chat',
        ...(model.in ? { max_input_tokens: model.in } : {}),
        ...(model.out ? { max_output_tokens: model.out } : {}),
        ...(model.price ? litellmPrices(model.price) : {}),
        ...(model.deprecated?.source === 'litellm' ? { deprecation_date: model.deprecated.date } : {}),
      };
    }
    table['o3'] = { ...(table['o3'] as object), input_cost_per_token: 1.5e-6, output_cost_per_token: 6e-6 };
    table['gpt-7'] = {
      litellm_provider: 'openai',
      mode: 'chat',
      max_input_tokens: 500_000,
      max_output_tokens: 100_000,
      input_cost_per_token: 3e-6,
      output_cost_per_token: 12e-6,
    };
    return table;
  }

  /** A catalog price back in LiteLLM's field names (per token). */
  function litellmPrices(price: CatalogPrice): Record<string, number> {
    const out: Record<string, number> = { input_cost_per_token: price.in / 1e6, output_cost_per_token: price.out / 1e6 };
    if (price.cacheRead !== undefined) out.cache_read_input_token_cost = price.cacheRead / 1e6;
    if (price.cacheWrite !== undefined) out.cache_creation_input_token_cost = price.cacheWrite / 1e6;
    if (price.cacheWrite1h !== undefined) out.cache_creation_input_token_cost_above_1hr = price.cacheWrite1h / 1e6;
    if (price.reasoning !== undefined) out.output_cost_per_reasoning_token = price.reasoning / 1e6;
    for (const tier of price.tiers ?? []) {
      const k = `above_${tier.above / 1000}k_tokens`;
      out[`input_cost_per_token_${k}`] = tier.in / 1e6;
      out[`output_cost_per_token_${k}`] = tier.out / 1e6;
      if (tier.cacheRead !== undefined) out[`cache_read_input_token_cost_${k}`] = tier.cacheRead / 1e6;
      if (tier.cacheWrite !== undefined) out[`cache_creation_input_token_cost_${k}`] = tier.cacheWrite / 1e6;
      if (tier.cacheWrite1h !== undefined) out[`cache_creation_input_token_cost_above_1hr_${k}`] = tier.cacheWrite1h / 1e6;
    }
    return out;
  }

  before(async () => {
    server = createServer((req, res) => {
      const handler = routes.get(req.url ?? '');
      if (handler) handler(res);
      else res.writeHead(404, 'Not Found').end('404: Not Found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const good = JSON.stringify(litellmTable());
    routes.set('/good.json', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(good));
    routes.set('/truncated.json', (res) => res.writeHead(200).end(good.slice(0, Math.floor(good.length / 2))));
    const wrong = litellmTable();
    wrong['gpt-4o'] = { ...(wrong['gpt-4o'] as object), input_cost_per_token: '0.0000025' };
    routes.set('/wrong-types.json', (res) => res.writeHead(200).end(JSON.stringify(wrong)));
    routes.set('/huge.json', (res) => {
      // 100 MB streamed without a content-length: the reader must stop at its cap, not buffer it all.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 100 && res.write(chunk)) sent++;
        if (sent >= 100) res.end();
        else res.once('drain', pump);
      };
      res.on('close', () => (sent = 100));
      pump();
    });
    routes.set('/never.json', () => undefined); // accepts, never answers
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const freshStore = () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmwb-prices-'));
    return new CatalogStore({ storedPath: join(dir, 'model-catalog.json') });
  };

  it('a good table: stored, used at once, and what changed is said', async () => {
    const store = freshStore();
    const before = new ModelCatalog([], { store }).lookup('openai:o3')!;
    assert.equal(before.price!.input * 1e6, 2);
    const outcome = await refreshCatalog(store, { url: `${base}/good.json`, now: () => new Date('2026-11-27T12:00:00Z') });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.after.source.date, '2026-11-20');
    assert.ok(outcome.changes.added.includes('openai:gpt-7'));
    assert.ok(outcome.changes.removed.includes('gemini:gemini-2.5-pro'), 'this table has only OpenAI and Anthropic');
    assert.ok(outcome.changes.priceChanged.some((c) => c.ref === 'openai:o3' && c.after?.in === 1.5));
    assert.deepEqual(
      outcome.changes.priceChanged.map((c) => c.ref),
      ['openai:o3'],
    );
    assert.match(
      describeChanges(outcome.changes),
      /^1 added \(openai:gpt-7\); \d+ removed \(.*\); 1 price changed \(openai:o3: input \$2 → \$1\.5, output \$8 → \$6 per 1M\)\.$/,
    );
    // Stored, and a new catalog (or a new process) uses it.
    assert.ok(existsSync(store.storedPath!));
    const after = new ModelCatalog([], { store: new CatalogStore({ storedPath: store.storedPath }) });
    assert.equal(after.origin().kind, 'refreshed');
    assert.equal(after.lookup('openai:o3')!.price!.input * 1e6, 1.5);
    assert.equal(new ModelCatalog([], { store }).lookup('openai:gpt-7')!.maxInputTokens, 500_000);
    // The Anthropic SDK's dates carry over: LiteLLM lacks them.
    assert.equal(after.lookup('anthropic:claude-sonnet-4-5')!.deprecation?.source, 'anthropic-sdk');
  });

  for (const [name, path, reason] of [
    ['a truncated table', '/truncated.json', /is not valid JSON \(cut off or not the price table\)/],
    ['a table with wrong types', '/wrong-types.json', /entry "gpt-4o": input_cost_per_token is "0.0000025", not a number/],
    ['a 100 MB table', '/huge.json', /larger than the 20 MB a price table can be: stopped reading/],
    ['a 404', '/missing.json', /answered HTTP 404/],
  ] as const) {
    it(`${name} is refused and the previous table kept`, async () => {
      const store = freshStore();
      const outcome = await refreshCatalog(store, { url: `${base}${path}` });
      assert.equal(outcome.ok, false);
      assert.match(outcome.ok ? '' : outcome.reason, reason);
      assert.equal(existsSync(store.storedPath!), false, 'nothing stored');
      assert.equal(store.origin().kind, 'shipped');
      assert.equal(new ModelCatalog([], { store }).lookup('openai:o3')!.price!.input * 1e6, 2);
    });
  }

  it('a server that never answers times out and the previous table is kept', async () => {
    const store = freshStore();
    const outcome = await refreshCatalog(store, { url: `${base}/never.json`, timeoutMs: 300 });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.reason, /did not answer within 0 s/);
    assert.equal(store.origin().kind, 'shipped');
  });

  it('a stored table that is damaged, or older than the shipped snapshot, is not used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmwb-prices-'));
    const path = join(dir, 'model-catalog.json');
    writeFileSync(path, '{"format":1,"models":[');
    const damaged = new CatalogStore({ storedPath: path });
    assert.equal(damaged.origin().kind, 'shipped');
    assert.match(damaged.origin().problem!, /could not be read/);
    const old = { ...loadShippedCatalog(), source: { url: 'x', date: '2025-01-01', retrieved: '2025-01-01T00:00:00Z' } };
    writeFileSync(path, JSON.stringify(old));
    assert.equal(new CatalogStore({ storedPath: path }).origin().kind, 'shipped');
    assert.ok(readFileSync(path, 'utf8').length > 0, 'left in place');
  });
});

describe('Anthropic 1-hour cache writes reach Usage and the cost (SDK against the emulator)', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it('usage.cache_creation splits writes into 5-minute and 1-hour; the 1-hour part is billed at 2× input', async () => {
    emu.enqueue(
      { text: 'ok', usage: { input: 50_000, output: 2000, cacheRead: 20_000, cacheWrite: 20_000, cacheWrite1h: 15_000 } },
      { protocol: 'anthropic' },
    );
    const out = await run(
      createAdapter({ id: 'anthropic', kind: 'anthropic', baseUrl: emu.anthropicBaseUrl }, keys({ anthropic: 'k' })),
      'claude-sonnet-4-5',
    );
    assert.deepEqual(out.usage, {
      input: { total: 50_000, cacheRead: 20_000, cacheWrite: 20_000, cacheWrite1h: 15_000 },
      output: { total: 2000 },
      source: 'provider',
    });
    // 10,000 × $3 + 20,000 × $0.30 + 5,000 × $3.75 + 15,000 × $6 + 2,000 × $15 per 1M = $0.17475
    const cost = costOfUsage(new ModelCatalog().lookup('anthropic:claude-sonnet-4-5'), out.usage!)!;
    assert.ok(Math.abs(cost - 0.17475) < 1e-12, String(cost));
  });
});
