/** OpenAI's Responses API (`POST /v1/responses`): streamed as its typed SSE events, or one JSON response. */
import { contentText, sse, type Exchange } from './exchange';
import { openaiErrorBody } from './openaiProtocol';
import { planReply } from './plannedReply';
import { writeJson, writeStatus, writeStream, type StreamFrames } from './replyWriter';

let nextId = 1;

/** The input as the matcher sees it: a string, or the text parts of its messages. */
function inputText(input: unknown, instructions: unknown): { prompt: string; lastUser: string } {
  if (typeof input === 'string') return { prompt: [contentText(instructions), input].filter(Boolean).join('\n'), lastUser: input };
  const list = Array.isArray(input) ? (input as Array<{ role?: string; content?: unknown }>) : [];
  const text = (content: unknown) =>
    typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('') : '';
  const lastUser = [...list].reverse().find((m) => m.role === 'user');
  return { prompt: [contentText(instructions), ...list.map((m) => text(m.content))].filter(Boolean).join('\n'), lastUser: text(lastUser?.content) };
}

export async function handleOpenAIResponses(x: Exchange): Promise<void> {
  const model = String(x.body.model ?? 'unknown-model');
  const { prompt, lastUser } = inputText(x.body.input, x.body.instructions);
  const plan = planReply(x.script.take({ protocol: x.record.protocol, model, prompt }), model, prompt, lastUser);
  if (plan.fault?.kind === 'status' && plan.fault.afterChunks === undefined) return writeStatus(x.res, plan.fault, openaiErrorBody(plan.fault));
  const id = `resp_emu${nextId++}`;
  const incomplete = plan.stopReason === 'max_tokens';
  const usage = {
    input_tokens: plan.usage.input,
    input_tokens_details: { cached_tokens: plan.usage.cacheRead },
    output_tokens: plan.usage.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: plan.usage.input + plan.usage.output,
  };
  const message = { id: `msg_${id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: plan.text, annotations: [] }] };
  const response = (status: string, output: unknown[]) => ({
    id, object: 'response', created_at: Math.floor(Date.now() / 1000), status, model, output,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null, usage: status === 'in_progress' ? null : usage, error: null,
  });
  if (x.body.stream !== true) return writeJson(x.req, x.res, { ...response(incomplete ? 'incomplete' : 'completed', [message]), output_text: plan.text }, plan.fault);
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) => sse({ type, sequence_number: sequence++, ...data }, type);
  const frames: StreamFrames = {
    contentType: 'text/event-stream; charset=utf-8',
    prelude: [
      event('response.created', { response: response('in_progress', []) }),
      event('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
      event('response.content_part.added', { output_index: 0, item_id: message.id, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ],
    texts: plan.chunks.map((delta) => event('response.output_text.delta', { output_index: 0, item_id: message.id, content_index: 0, delta, logprobs: [] })),
    epilogue: [
      event('response.output_text.done', { output_index: 0, item_id: message.id, content_index: 0, text: plan.text, logprobs: [] }),
      event('response.output_item.done', { output_index: 0, item: message }),
      event(incomplete ? 'response.incomplete' : 'response.completed', { response: response(incomplete ? 'incomplete' : 'completed', [message]) }),
    ],
    malformed: 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":\n\n',
    inStreamError: (fault) => sse({ type: 'error', code: 'server_error', message: (openaiErrorBody(fault) as { error: { message: string } }).error.message, param: null, sequence_number: sequence++ }, 'error'),
  };
  return writeStream(x.req, x.res, frames, plan.fault, plan.chunkDelayMs);
}
