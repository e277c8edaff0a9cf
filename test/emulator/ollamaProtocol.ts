import type { Fault, OllamaModelSpec } from './emulatorTypes';
import { promptOf, sendJson, type Exchange } from './exchange';
import { nativeStopReason, planReply } from './plannedReply';
import { writeJson, writeStatus, writeStream, type StreamFrames } from './replyWriter';

const STOP_REASONS = { end: 'stop', max_tokens: 'length', tool_use: 'stop' };

export const DEFAULT_OLLAMA_MODELS: OllamaModelSpec[] = [
  { name: 'llama3.1:8b', contextLength: 131072, architecture: 'llama' },
  { name: 'qwen2.5-coder:7b', numCtx: 8192, contextLength: 32768, architecture: 'qwen2' },
];

/** Ollama's errors are a bare string: `{"error":"…"}`. */
export function ollamaErrorBody(fault: Extract<Fault, { kind: 'status' }>): unknown {
  return { error: fault.message ?? (fault.status >= 500 ? 'llama runner process has terminated' : `status ${fault.status}`) };
}

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

export async function handleOllamaChat(x: Exchange): Promise<void> {
  const model = String(x.body.model ?? 'unknown-model');
  const { prompt, lastUser } = promptOf(x.body.messages);
  const plan = planReply(x.script.take({ protocol: 'ollama', model, prompt }), model, prompt, lastUser);
  if (plan.fault?.kind === 'status' && plan.fault.afterChunks === undefined) {
    return writeStatus(x.res, plan.fault, ollamaErrorBody(plan.fault));
  }
  const createdAt = new Date().toISOString();
  const final = {
    model,
    created_at: createdAt,
    message: { role: 'assistant', content: '' },
    done_reason: nativeStopReason(plan.stopReason, STOP_REASONS),
    done: true,
    total_duration: 1_000_000 * (plan.chunks.length + 5),
    load_duration: 1_000_000,
    prompt_eval_count: plan.usage.input,
    prompt_eval_duration: 2_000_000,
    eval_count: plan.usage.output,
    eval_duration: 1_000_000 * plan.chunks.length,
  };
  // Ollama streams unless told otherwise.
  // Native tool calls: arguments as an object (or the scripted raw text), no call id, all in one message.
  const toolCalls = plan.toolCalls.map((c) => ({
    function: { name: c.name, arguments: c.argumentsText === JSON.stringify(c.input) ? c.input : c.argumentsText },
  }));
  if (x.body.stream === false || plan.fault?.kind === 'ignore_stream') {
    const fault = plan.fault?.kind === 'ignore_stream' ? undefined : plan.fault;
    return writeJson(
      x.req,
      x.res,
      { ...final, message: { role: 'assistant', content: plan.text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) } },
      fault,
    );
  }
  const frames: StreamFrames = {
    contentType: 'application/x-ndjson',
    prelude: [],
    texts: plan.chunks.map((content) => line({ model, created_at: createdAt, message: { role: 'assistant', content }, done: false })),
    textFrame: (content) => line({ model, created_at: createdAt, message: { role: 'assistant', content }, done: false }),
    epilogue: [
      ...(toolCalls.length
        ? [line({ model, created_at: createdAt, message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false })]
        : []),
      line(final),
    ],
    malformed: `{"model":"${model}","message":{"role":"assistant","content":\n`,
    inStreamError: (fault) => line(ollamaErrorBody(fault)),
  };
  return writeStream(x.req, x.res, frames, plan.fault, plan.chunkDelayMs);
}

export function handleOllamaTags(x: Exchange): void {
  const models = x.options.ollamaModels ?? DEFAULT_OLLAMA_MODELS;
  sendJson(x.res, 200, {
    models: models.map((m) => ({
      name: m.name,
      model: m.name,
      modified_at: '2025-01-01T00:00:00Z',
      size: 4_661_224_676,
      digest: 'emulator',
      details: { format: 'gguf', family: m.architecture ?? 'llama', parameter_size: '8B', quantization_level: 'Q4_K_M' },
    })),
  });
}

export function handleOllamaShow(x: Exchange): void {
  const name = String(x.body.model ?? x.body.name ?? '');
  const spec = (x.options.ollamaModels ?? DEFAULT_OLLAMA_MODELS).find((m) => m.name === name);
  if (!spec) return sendJson(x.res, 404, { error: `model '${name}' not found` });
  const arch = spec.architecture ?? 'llama';
  const parameters = [
    spec.numCtx !== undefined ? `num_ctx                        ${spec.numCtx}` : '',
    'stop                           "<|eot_id|>"',
  ]
    .filter(Boolean)
    .join('\n');
  sendJson(x.res, 200, {
    license: 'emulated',
    modelfile: `FROM ${name}\n`,
    parameters,
    template: '{{ .Prompt }}',
    details: { format: 'gguf', family: arch, parameter_size: '8B', quantization_level: 'Q4_K_M' },
    model_info: {
      'general.architecture': arch,
      'general.parameter_count': 8_030_261_248,
      ...(spec.contextLength !== undefined ? { [`${arch}.context_length`]: spec.contextLength } : {}),
    },
    capabilities: spec.capabilities ?? ['completion'],
  });
}

/** `POST /api/generate`: Ollama's completion endpoint (`prompt` and optional `system`), streamed as NDJSON unless `stream: false`. */
export async function handleOllamaGenerate(x: Exchange): Promise<void> {
  const model = String(x.body.model ?? 'unknown-model');
  const promptText = typeof x.body.prompt === 'string' ? x.body.prompt : '';
  const prompt = [typeof x.body.system === 'string' ? x.body.system : '', promptText].filter(Boolean).join('\n');
  const plan = planReply(x.script.take({ protocol: 'ollama', model, prompt }), model, prompt, promptText);
  if (plan.fault?.kind === 'status' && plan.fault.afterChunks === undefined)
    return writeStatus(x.res, plan.fault, ollamaErrorBody(plan.fault));
  const createdAt = new Date().toISOString();
  const final = {
    model,
    created_at: createdAt,
    response: '',
    done: true,
    done_reason: nativeStopReason(plan.stopReason, STOP_REASONS),
    prompt_eval_count: plan.usage.input,
    eval_count: plan.usage.output,
    total_duration: 1_000_000 * (plan.chunks.length + 5),
  };
  if (x.body.stream === false) return writeJson(x.req, x.res, { ...final, response: plan.text }, plan.fault);
  const frames: StreamFrames = {
    contentType: 'application/x-ndjson',
    prelude: [],
    texts: plan.chunks.map((response) => line({ model, created_at: createdAt, response, done: false })),
    textFrame: (response) => line({ model, created_at: createdAt, response, done: false }),
    epilogue: [line(final)],
    malformed: `{"model":"${model}","response":\n`,
    inStreamError: (fault) => line(ollamaErrorBody(fault)),
  };
  return writeStream(x.req, x.res, frames, plan.fault, plan.chunkDelayMs);
}
