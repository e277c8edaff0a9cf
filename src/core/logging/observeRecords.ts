import type { CallRecord } from '../cost/callRecord';
import type { ChatGateway, GatewayEvent, GatewayRequest, GatewayResult } from '../gateway/gatewayApi';

/**
 * Wraps a gateway so every call's record is also handed to `onRecord` (the editor's log), whoever made the call.
 * Events pass through unchanged and in order.
 */
export function observeRecords(inner: ChatGateway, onRecord: (record: CallRecord) => void): ChatGateway {
  async function* stream(request: GatewayRequest): AsyncIterable<GatewayEvent> {
    for await (const event of inner.stream(request)) {
      if (event.type === 'record') notify(event.record);
      yield event;
    }
  }
  function notify(record: CallRecord): void {
    try {
      onRecord(record);
    } catch {
      // Logging must never break a call.
    }
  }
  return {
    stream,
    async complete(request: GatewayRequest): Promise<GatewayResult> {
      const result = await inner.complete(request);
      notify(result.record);
      return result;
    },
  };
}
