import type { Fault } from './emulatorTypes';
import { promptOf, sendJson, sse, type Exchange } from './exchange';
import { fragments, nativeStopReason, planReply } from './plannedReply';
import { writeJson, writeStatus, writeStream, type StreamFrames } from './replyWriter';

let nextId = 1;
const STOP_REASONS = { end: 'stop', max_tokens: 'length', content_filter: 'content_filter', tool_use: 'tool_calls' };

/** `{error:{message,type,param,code}}` as OpenAI sends it; `code` picks the type where OpenAI ties them. */
export function openaiErrorBody(fault: Extract<Fault, { kind: 'status' }>): unknown {
  const code = fault.code ?? defaultCode(fault.status);
  const type =
    code === 'insufficient_quota'
      ? 'insufficient_quota'
      : fault.status === 429
        ? 'requests'
        : fault.status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  return { error: { message: fault.message ?? defaultMessage(fault.status, code), type, param: null, code } };
}

function defaultCode(status: number): string | null {
  if (status === 401) return 'invalid_api_key';
  if (status === 404) return 'model_not_found';
  if (status === 429) return 'rate_limit_exceeded';
  return null;
}

function defaultMessage(status: number, code: string | null): string {
  switch (code) {
    case 'insufficient_quota':
      return 'You exceeded your current quota, please check your plan and billing details.';
    case 'rate_limit_exceeded':
      return 'Rate limit reached for requests. Please try again later.';
    case 'context_length_exceeded':
      return "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.";
    case 'invalid_api_key':
      return 'Incorrect API key provided.';
    case 'model_not_found':
      return 'The model does not exist or you do not have access to it.';
  }
  return status >= 500 ? 'The server had an error while processing your request. Sorry about that!' : 'Invalid request.';
}

export async function handleOpenAIChat(x: Exchange): Promise<void> {
  const key = x.options.requireKey;
  if (key !== undefined && x.path.startsWith('/openai/deployments/')) {
    // Azure OpenAI: the key travels in `api-key`; a wrong one gets Azure's own 401 body (it does not echo the key).
    if (x.req.headers['api-key'] !== key) {
      const message =
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';
      return sendJson(x.res, 401, { error: { code: '401', message } });
    }
  } else if (key !== undefined && x.req.headers.authorization !== `Bearer ${key}`) {
    // Like OpenAI, the refusal echoes the key it was given: callers must not pass this text on.
    const presented = String(x.req.headers.authorization ?? '').replace(/^Bearer /, '');
    const message = `Incorrect API key provided: ${presented}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    return writeStatus(x.res, { kind: 'status', status: 401 }, openaiErrorBody({ kind: 'status', status: 401, message }));
  }
  const model = String(x.body.model ?? 'unknown-model');
  const { prompt, lastUser } = promptOf(x.body.messages);
  const plan = planReply(x.script.take({ protocol: x.record.protocol, model, prompt }), model, prompt, lastUser);
  if (plan.fault?.kind === 'status' && plan.fault.afterChunks === undefined) {
    return writeStatus(x.res, plan.fault, openaiErrorBody(plan.fault));
  }
  const id = `chatcmpl-emu${nextId++}`;
  const created = Math.floor(Date.now() / 1000);
  const finish = nativeStopReason(plan.stopReason, STOP_REASONS);
  const usage = {
    prompt_tokens: plan.usage.input,
    completion_tokens: plan.usage.output,
    total_tokens: plan.usage.input + plan.usage.output,
    prompt_tokens_details: { cached_tokens: plan.usage.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };

  // `logprobs: true` (promptfoo sends it only through `passthrough`): each text chunk's tokens with a logprob derived
  // from the token's text, so the same answer always carries the same logprobs, streamed or not.
  const wantsLogprobs = x.body.logprobs === true;
  const logprobsOf = (texts: string[]) => (wantsLogprobs ? { content: texts.flatMap(tokenLogprobs), refusal: null } : null);

  if (x.body.stream !== true || plan.fault?.kind === 'ignore_stream') {
    const body = {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: 'fp_emulator',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: plan.text || (plan.toolCalls.length ? null : ''),
            refusal: null,
            annotations: [],
            ...(plan.toolCalls.length
              ? {
                  tool_calls: plan.toolCalls.map((c) => ({
                    id: `call_${c.id}`,
                    type: 'function',
                    function: { name: c.name, arguments: c.argumentsText },
                  })),
                }
              : {}),
          },
          logprobs: logprobsOf(plan.chunks),
          finish_reason: finish,
        },
      ],
      usage,
      service_tier: 'default',
    };
    return writeJson(x.req, x.res, body, plan.fault?.kind === 'ignore_stream' ? undefined : plan.fault);
  }

  const includeUsage = !plan.omitUsage && (x.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sse({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_emulator',
      choices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    });
  const frames: StreamFrames = {
    contentType: 'text/event-stream; charset=utf-8',
    prelude: [chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }])],
    texts: plan.chunks.map((text) => chunk([{ index: 0, delta: { content: text }, logprobs: logprobsOf([text]), finish_reason: null }])),
    textFrame: (text) => chunk([{ index: 0, delta: { content: text }, logprobs: logprobsOf([text]), finish_reason: null }]),
    epilogue: [
      // Each call: id, type and name first with empty arguments, then the arguments in fragments, keyed by index.
      ...plan.toolCalls.flatMap((c, index) => [
        chunk([
          {
            index: 0,
            delta: { tool_calls: [{ index, id: `call_${c.id}`, type: 'function', function: { name: c.name, arguments: '' } }] },
            logprobs: null,
            finish_reason: null,
          },
        ]),
        ...fragments(c.argumentsText).map((part) =>
          chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: part } }] }, logprobs: null, finish_reason: null }]),
        ),
      ]),
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]),
      ...(includeUsage ? [chunk([], { usage })] : []),
      sse('[DONE]'),
    ],
    malformed: `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`,
    inStreamError: (fault) => sse(openaiErrorBody(fault)),
  };
  return writeStream(x.req, x.res, frames, plan.fault, plan.chunkDelayMs);
}

export function handleOpenAIModels(x: Exchange): void {
  const models = x.options.openaiModels ?? ['gpt-4o-mini', 'gpt-4o', 'emulated-model'];
  sendJson(x.res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'emulator' })) });
}

/** A chunk's tokens (whitespace-led words) with deterministic logprobs in (-2, 0): a function of the token's text. */
export function tokenLogprobs(text: string): Array<{ token: string; logprob: number; bytes: number[]; top_logprobs: [] }> {
  return (text.match(/\s*\S+|\s+/g) ?? []).map((token) => {
    let hash = 0;
    for (const c of token) hash = (hash * 31 + c.codePointAt(0)!) % 1000;
    return { token, logprob: -(hash + 1) / 500, bytes: [...Buffer.from(token, 'utf8')], top_logprobs: [] };
  });
}
