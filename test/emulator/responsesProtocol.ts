import { contentText, promptOf, sse, type Exchange } from './exchange';
import { openaiErrorBody } from './openaiProtocol';
import { planReply, type PlannedReply } from './plannedReply';
import { writeJson, writeStatus, writeStream, type StreamFrames } from './replyWriter';

let nextId = 1;

/** The Responses API's `input`: a string, or a list of messages whose content is a string or `input_text` parts. */
function inputPrompt(body: Record<string, unknown>): { prompt: string; lastUser: string } {
  const input = body.input;
  const messages = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
  return promptOf(messages, typeof body.instructions === 'string' ? body.instructions : undefined);
}

function usageOf(plan: PlannedReply) {
  return {
    input_tokens: plan.usage.input,
    input_tokens_details: { cached_tokens: plan.usage.cacheRead },
    output_tokens: plan.usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: plan.usage.input + plan.usage.output,
  };
}

/** `POST /v1/responses` (OpenAI's Responses API), plain or streamed as its typed SSE events. */
export async function handleOpenAIResponses(x: Exchange): Promise<void> {
  const model = String(x.body.model ?? 'unknown-model');
  const { prompt, lastUser } = inputPrompt(x.body);
  const plan = planReply(x.script.take({ protocol: 'openai', model, prompt }), model, prompt, lastUser);
  if (plan.fault?.kind === 'status' && plan.fault.afterChunks === undefined)
    return writeStatus(x.res, plan.fault, openaiErrorBody(plan.fault));
  const id = `resp_emu${nextId}`;
  const itemId = `msg_emu${nextId++}`;
  const incomplete = plan.stopReason === 'max_tokens';
  const message = (text: string, status: string) => ({
    type: 'message',
    id: itemId,
    status,
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  });
  const response = (status: string, output: unknown[], usage: unknown) => ({
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output,
    usage,
    ...(incomplete && status !== 'in_progress' ? { incomplete_details: { reason: 'max_output_tokens' } } : { incomplete_details: null }),
  });
  const finalStatus = incomplete ? 'incomplete' : 'completed';
  if (x.body.stream !== true)
    return writeJson(x.req, x.res, response(finalStatus, [message(plan.text, 'completed')], usageOf(plan)), plan.fault);

  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) => sse({ type, sequence_number: sequence++, ...data }, type);
  const frames: StreamFrames = {
    contentType: 'text/event-stream; charset=utf-8',
    prelude: [
      event('response.created', { response: response('in_progress', [], null) }),
      event('response.output_item.added', { output_index: 0, item: { ...message('', 'in_progress'), content: [] } }),
      event('response.content_part.added', {
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      }),
    ],
    texts: plan.chunks.map((delta) => event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta })),
    textFrame: (delta) => event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta }),
    epilogue: [
      event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: plan.text }),
      event('response.output_item.done', { output_index: 0, item: message(plan.text, 'completed') }),
      event(`response.${finalStatus}`, { response: response(finalStatus, [message(plan.text, 'completed')], usageOf(plan)) }),
    ],
    malformed: `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n`,
    inStreamError: (fault) => event('error', { ...(openaiErrorBody(fault) as { error: object }).error }),
  };
  return writeStream(x.req, x.res, frames, plan.fault, plan.chunkDelayMs);
}

/** `POST /v1/completions` (the legacy text-completion endpoint): not streamed. */
export async function handleOpenAICompletions(x: Exchange): Promise<void> {
  const model = String(x.body.model ?? 'unknown-model');
  const prompt = Array.isArray(x.body.prompt) ? x.body.prompt.map(contentText).join('\n') : contentText(x.body.prompt);
  const plan = planReply(x.script.take({ protocol: 'openai', model, prompt }), model, prompt, prompt);
  if (plan.fault?.kind === 'status') return writeStatus(x.res, plan.fault, openaiErrorBody(plan.fault));
  const body = {
    id: `cmpl-emu${nextId++}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ text: plan.text, index: 0, logprobs: null, finish_reason: plan.stopReason === 'max_tokens' ? 'length' : 'stop' }],
    usage: { prompt_tokens: plan.usage.input, completion_tokens: plan.usage.output, total_tokens: plan.usage.input + plan.usage.output },
  };
  return writeJson(x.req, x.res, body, plan.fault);
}
