import type { Fault } from './emulatorTypes';
import { promptOf, sendJson, sse, type Exchange } from './exchange';
import { estimateTokens, fragments, nativeStopReason, planReply } from './plannedReply';
import { writeJson, writeStatus, writeStream, type StreamFrames } from './replyWriter';

const STOP_REASONS = {
  end: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
  content_filter: 'refusal',
};

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

let nextId = 1;

/** `{type:'error', error:{type, message}}`; `code` names the error type (e.g. `overloaded_error`). */
export function anthropicErrorBody(fault: Extract<Fault, { kind: 'status' }>): unknown {
  const type = fault.code ?? ERROR_TYPES[fault.status] ?? (fault.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: fault.message ?? defaultMessage(type) }, request_id: `req_emu${nextId++}` };
}

function defaultMessage(type: string): string {
  switch (type) {
    case 'authentication_error':
      return 'invalid x-api-key';
    case 'rate_limit_error':
      return 'Number of request tokens has exceeded your per-minute rate limit.';
    case 'overloaded_error':
      return 'Overloaded';
    case 'not_found_error':
      return 'model: not found';
    case 'api_error':
      return 'Internal server error';
  }
  return 'Invalid request';
}

/** The classic `x-api-key`, or `Authorization: Bearer`, which newer SDKs (1.x) send for an API key. */
function checkKey(x: Exchange): boolean {
  const key = x.options.requireKey;
  return key === undefined || x.req.headers['x-api-key'] === key || x.req.headers.authorization === `Bearer ${key}`;
}

export async function handleAnthropicMessages(x: Exchange): Promise<void> {
  if (!checkKey(x)) return writeStatus(x.res, { kind: 'status', status: 401 }, anthropicErrorBody({ kind: 'status', status: 401 }));
  const model = String(x.body.model ?? 'unknown-model');
  const { prompt, lastUser } = promptOf(x.body.messages, x.body.system);
  const plan = planReply(x.script.take({ protocol: 'anthropic', model, prompt }), model, prompt, lastUser);
  if (plan.fault?.kind === 'status' && plan.fault.afterChunks === undefined) {
    return writeStatus(x.res, plan.fault, anthropicErrorBody(plan.fault));
  }
  const id = `msg_emu${nextId++}`;
  const stopReason = nativeStopReason(plan.stopReason, STOP_REASONS);
  // Anthropic's input_tokens excludes the cached part, which it reports separately.
  const inputTokens = Math.max(0, plan.usage.input - plan.usage.cacheRead - plan.usage.cacheWrite);
  // As the API reports it: the write total, and its split between the 5-minute and the 1-hour cache.
  const cacheFields = {
    cache_creation_input_tokens: plan.usage.cacheWrite,
    cache_read_input_tokens: plan.usage.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: plan.usage.cacheWrite - plan.usage.cacheWrite1h,
      ephemeral_1h_input_tokens: plan.usage.cacheWrite1h,
    },
  };

  if (x.body.stream !== true || plan.fault?.kind === 'ignore_stream') {
    const fault = plan.fault?.kind === 'ignore_stream' ? undefined : plan.fault;
    return writeJson(
      x.req,
      x.res,
      {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [
          ...(plan.text || !plan.toolCalls.length ? [{ type: 'text', text: plan.text }] : []),
          ...plan.toolCalls.map((c) => ({ type: 'tool_use', id: `toolu_${c.id}`, name: c.name, input: c.input })),
        ],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: plan.usage.output, ...cacheFields, service_tier: 'standard' },
      },
      fault,
    );
  }

  // A text block only when there is text (or nothing else), as the API does; tool_use blocks follow it.
  const hasText = plan.text !== '' || plan.toolCalls.length === 0;
  const firstTool = hasText ? 1 : 0;
  const toolBlocks = plan.toolCalls.flatMap((c, i) => [
    sse(
      {
        type: 'content_block_start',
        index: firstTool + i,
        content_block: { type: 'tool_use', id: `toolu_${c.id}`, name: c.name, input: {} },
      },
      'content_block_start',
    ),
    ...fragments(c.argumentsText).map((partial_json) =>
      sse({ type: 'content_block_delta', index: firstTool + i, delta: { type: 'input_json_delta', partial_json } }, 'content_block_delta'),
    ),
    sse({ type: 'content_block_stop', index: firstTool + i }, 'content_block_stop'),
  ]);
  const frames: StreamFrames = {
    contentType: 'text/event-stream; charset=utf-8',
    prelude: [
      sse(
        {
          type: 'message_start',
          message: {
            id,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: inputTokens, output_tokens: 1, ...cacheFields, service_tier: 'standard' },
          },
        },
        'message_start',
      ),
      ...(hasText
        ? [sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start')]
        : []),
      sse({ type: 'ping' }, 'ping'),
    ],
    texts: plan.chunks.map((text) =>
      sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
    ),
    textFrame: (text) => sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
    epilogue: [
      ...(hasText ? [sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop')] : []),
      ...toolBlocks,
      sse(
        { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: plan.usage.output } },
        'message_delta',
      ),
      sse({ type: 'message_stop' }, 'message_stop'),
    ],
    malformed: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\n\n',
    inStreamError: (fault) => sse(anthropicErrorBody(fault), 'error'),
  };
  return writeStream(x.req, x.res, frames, plan.fault, plan.chunkDelayMs);
}

/** `POST /v1/messages/count_tokens`: the same deterministic count the usage reports. */
export function handleAnthropicCountTokens(x: Exchange): void | Promise<void> {
  if (!checkKey(x)) return writeStatus(x.res, { kind: 'status', status: 401 }, anthropicErrorBody({ kind: 'status', status: 401 }));
  const { prompt } = promptOf(x.body.messages, x.body.system);
  sendJson(x.res, 200, { input_tokens: estimateTokens(prompt) });
}
