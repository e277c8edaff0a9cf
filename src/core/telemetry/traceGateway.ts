import { collectGatewayStream } from '../gateway/collectStream';
import type { ChatGateway, GatewayEvent, GatewayRequest, GatewayResult } from '../gateway/gatewayApi';
import { CallSpan, type CallSpanDeps } from './callSpan';
import { currentParent, withParent } from './traceScope';

/**
 * Wraps a gateway so every call becomes spans (see `CallSpan`), whoever made it. Events pass through unchanged, in
 * order and at once: spans are built beside the stream and handed to the batch processor, never awaited. While it
 * routes, the inner stream runs inside the call's trace scope, so the gateway's own nested calls (the router's
 * classification) become children of this call.
 */
export function traceGateway(inner: ChatGateway, deps: CallSpanDeps): ChatGateway {
  async function* stream(request: GatewayRequest): AsyncGenerator<GatewayEvent> {
    const call = new CallSpan(deps, request, currentParent());
    const iterator = inner.stream(request)[Symbol.asyncIterator]();
    let finished = false;
    // Nested calls (the router's classification) happen while routing, before the `route` event: only until then
    // does the inner stream need to run in the call's scope (entering it per event would cost every chunk).
    let routing = true;
    try {
      for (;;) {
        const step = routing ? await withParent(call.context, () => iterator.next()) : await iterator.next();
        if (step.done) {
          finished = true;
          return;
        }
        if (step.value.type === 'route') routing = false;
        call.observe(step.value);
        yield step.value;
      }
    } finally {
      call.close();
      // A caller that stops early closes the inner stream too, so the gateway cancels and records the call.
      if (!finished) await iterator.return?.();
    }
  }
  return {
    stream,
    complete(request: GatewayRequest): Promise<GatewayResult> {
      return collectGatewayStream(stream(request));
    },
  };
}
