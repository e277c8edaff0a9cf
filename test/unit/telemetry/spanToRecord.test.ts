import { strict as assert } from 'node:assert';
import { ModelCatalog } from '../../../src/core/models/catalog';
import type { ReceivedSpan } from '../../../src/core/telemetry/receiver/decodeTraces';
import { spanToRecord } from '../../../src/core/telemetry/receiver/spanToRecord';

const catalog = new ModelCatalog();
const base = (attributes: ReceivedSpan['attributes'], extra: Partial<ReceivedSpan> = {}): ReceivedSpan => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  name: 'chat',
  kind: 3,
  startUnixNano: 1_772_870_400_000_000_000,
  endUnixNano: 1_772_870_401_250_000_000,
  attributes,
  statusCode: 0,
  statusMessage: '',
  scopeName: 'some-tool',
  resource: { 'service.name': 'my-agent' },
  ...extra,
});

describe('a received span as a ledger record', () => {
  it('older conventions (no gen_ai.operation.name, prompt/completion token names) are read', () => {
    const record = spanToRecord(
      base({
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.prompt_tokens': 100,
        'gen_ai.usage.completion_tokens': 10,
      }),
      catalog,
    );
    assert.ok(!('skip' in record));
    assert.equal(record.inputTokens, 100);
    assert.equal(record.outputTokens, 10);
    assert.equal(record.totalMs, 1250);
    assert.equal(record.source, 'my-agent');
    assert.ok(typeof record.costUsd === 'number' && record.costUsd > 0);
  });

  it('a provider billed at its own rates (Azure, Bedrock) or a model the catalog lacks costs unknown, never $0', () => {
    for (const attributes of [
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'azure.ai.openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': 5,
      },
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-9-turbo',
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': 5,
      },
    ]) {
      const record = spanToRecord(base(attributes), catalog);
      assert.ok(!('skip' in record));
      assert.equal(record.costUsd, null);
    }
  });

  it('a dated response model falls back to the requested model for the price', () => {
    const record = spanToRecord(
      base({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 0,
      }),
      catalog,
    );
    assert.ok(!('skip' in record));
    assert.equal(record.model, 'gpt-4o-mini-2024-07-18');
    assert.ok(record.costUsd !== null && Math.abs(record.costUsd - 0.00015) < 1e-12);
  });

  it('what is not a model call is passed over, with the reason', () => {
    assert.deepEqual(spanToRecord(base({ 'http.method': 'GET' }), catalog), { skip: 'not-genai' });
    assert.deepEqual(spanToRecord(base({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai' }), catalog), {
      skip: 'not-inference',
    });
    assert.deepEqual(spanToRecord(base({ 'gen_ai.operation.name': 'chat' }, { scopeName: 'llm-workbench' }), catalog), { skip: 'ours' });
    assert.deepEqual(spanToRecord(base({ 'gen_ai.operation.name': 'chat' }, { spanId: '' }), catalog), { skip: 'invalid' });
    assert.deepEqual(spanToRecord(base({ 'gen_ai.operation.name': 'chat' }, { endUnixNano: 1 }), catalog), { skip: 'invalid' });
  });

  it('a cancelled Copilot request is aborted; error.type makes an error', () => {
    const cancelled = spanToRecord(
      base({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'github',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.finish_reasons': ['cancelled'],
      }),
      catalog,
    );
    assert.ok(!('skip' in cancelled) && cancelled.outcome === 'aborted');
    const failed = spanToRecord(
      base({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'error.type': 'rate_limit_exceeded',
      }),
      catalog,
    );
    assert.ok(!('skip' in failed) && failed.outcome === 'error' && failed.errorMessage === 'rate_limit_exceeded');
  });
});
