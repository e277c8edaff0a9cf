import assert from 'node:assert/strict';
import { mapAnthropicStopReason } from '../../../src/core/providers/mapAnthropicStopReason';
import { mapOllamaStopReason } from '../../../src/core/providers/mapOllamaStopReason';
import { mapOpenAIStopReason } from '../../../src/core/providers/mapOpenAIStopReason';
import { ndjsonLines } from '../../../src/core/providers/ndjsonLines';
import { parseNumCtx, trainedContextLength } from '../../../src/core/providers/ollamaAdapter';

describe('stop reason maps', () => {
  it('OpenAI', () => {
    assert.deepEqual(['stop', 'length', 'content_filter', 'tool_calls', null, 'weird'].map(mapOpenAIStopReason), [
      'end',
      'max_tokens',
      'content_filter',
      'tool_use',
      'other',
      'other',
    ]);
  });
  it('Anthropic', () => {
    assert.deepEqual(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal', 'pause_turn'].map(mapAnthropicStopReason), [
      'end',
      'max_tokens',
      'stop_sequence',
      'tool_use',
      'content_filter',
      'other',
    ]);
  });
  it('Ollama', () => {
    assert.deepEqual(['stop', 'length', 'unload', undefined].map(mapOllamaStopReason), ['end', 'max_tokens', 'other', 'other']);
  });
});

describe('ndjsonLines', () => {
  it('reassembles lines split across chunks (and multi-byte characters split across bytes)', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":2}\n{"c":3}');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const lines: string[] = [];
    for await (const line of ndjsonLines(body)) lines.push(line);
    assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });
});

describe('Ollama /api/show parsing', () => {
  it('reads num_ctx from the Modelfile parameters', () => {
    assert.equal(parseNumCtx('stop "<|eot_id|>"\nnum_ctx                        8192\ntemperature 0.7'), 8192);
    assert.equal(parseNumCtx('stop "x"'), undefined);
    assert.equal(parseNumCtx(undefined), undefined);
  });
  it('reads <arch>.context_length from model_info', () => {
    assert.equal(trainedContextLength({ 'general.architecture': 'llama', 'llama.context_length': 131072 }), 131072);
    assert.equal(trainedContextLength({ 'gemma3.context_length': 32768 }), 32768);
    assert.equal(trainedContextLength({}), undefined);
  });
});
