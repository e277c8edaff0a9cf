import type { ChatEvent } from '../providers/chat';
import { ProviderError } from '../providers/providerError';
import { timerDelay } from '../providers/timerDelay';
import { seconds } from './retryPolicy';

export interface WatchdogLimits {
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  /** The limits were cut to what is left of `maxTotalWaitMs` for this model: the message says so. */
  capped?: boolean;
}

/**
 * Passes an adapter's events through, turning silence into a `timeout`: no first event within `firstByteTimeoutMs`,
 * or a gap longer than `idleTimeoutMs` once the answer is flowing. On a timeout it aborts `controller` (the attempt's
 * HTTP request) so the stalled connection is closed, not left hanging.
 */
export async function* watchStream(
  source: AsyncIterable<ChatEvent>,
  limits: WatchdogLimits,
  controller: AbortController,
  who: string,
  /** Told how long the silence lasted when it ends the attempt (it counts against the model's wait cap). */
  onSilence?: (ms: number) => void,
): AsyncGenerator<ChatEvent> {
  const iterator = source[Symbol.asyncIterator]();
  let first = true;
  let finished = false;
  try {
    for (;;) {
      const limit = first ? limits.firstByteTimeoutMs : limits.idleTimeoutMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silence = new Promise<'silence'>((resolve) => (timer = setTimeout(() => resolve('silence'), timerDelay(limit))));
      const next = await Promise.race([iterator.next(), silence]);
      clearTimeout(timer);
      if (next === 'silence') {
        controller.abort(new Error('timeout'));
        onSilence?.(limit);
        const cap = limits.capped ? ' (what was left of llmWorkbench.gateway.maxTotalWaitMs for this model)' : '';
        throw new ProviderError({
          kind: 'timeout',
          message: first
            ? `${who} sent nothing for ${seconds(limit)}${cap} — the provider may be overloaded; the gateway moved on (raise llmWorkbench.gateway.firstByteTimeoutMs and maxTotalWaitMs for slow models)`
            : `${who} went silent for ${seconds(limit)}${cap} in the middle of the answer — the stream stalled`,
        });
      }
      if (next.done) {
        finished = true;
        return;
      }
      first = false;
      yield next.value;
    }
  } finally {
    // Let the adapter release its connection; never wait on it (a stalled one may take a moment to notice the abort).
    if (!finished) void iterator.return?.(undefined)?.catch(() => undefined);
  }
}
