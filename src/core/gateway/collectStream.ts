import type { StopReason, ToolCallPart } from '../providers/chat';
import type { Usage } from '../providers/usage';
import type { ProviderError } from '../providers/providerError';
import type { CallRecord } from '../cost/callRecord';
import type { GatewayEvent, GatewayResult } from './gatewayApi';

/** What `complete()` returns, folded from a gateway's event stream (shared by the gateway and its decorators). */
export async function collectGatewayStream(events: AsyncIterable<GatewayEvent>): Promise<GatewayResult> {
  let text = '';
  let record: CallRecord | undefined;
  let usage: Usage | undefined;
  let error: ProviderError | undefined;
  let stopReason: StopReason | undefined;
  let logProbs: number[] | undefined;
  let toolCalls: ToolCallPart[] = [];
  for await (const event of events) {
    if (event.type === 'text') text += event.text;
    else if (event.type === 'done') {
      stopReason = event.stopReason;
      logProbs = event.logProbs;
    } else if (event.type === 'tool_call') toolCalls.push(event.call);
    else if (event.type === 'restart') {
      text = ''; // only the answer that succeeded counts
      toolCalls = [];
    } else if (event.type === 'usage') usage = event.usage;
    else if (event.type === 'error') error = event.error;
    else if (event.type === 'record') record = event.record;
  }
  if (!record) throw new Error('gateway bug: a stream ended without its record');
  return {
    text: error ? '' : text,
    record,
    usage,
    error,
    stopReason,
    ...(toolCalls.length > 0 && !error ? { toolCalls } : {}),
    ...(logProbs && !error ? { logProbs } : {}),
  };
}
