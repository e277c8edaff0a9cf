import { ExponentialBackoff, type GeneratorFn, type IBackoff } from 'cockatiel';
import { isRetryable } from '../providers/isRetryable';
import type { ProviderError } from '../providers/providerError';
import type { ResilienceSettings } from '../config/resilienceSettings';
import type { WatchdogLimits } from './streamWatchdog';

export type RetryDecision = { retry: true; delayMs: number; basis: 'retry-after' | 'backoff' } | { retry: false; because: string };

/**
 * "Equal jitter": half the exponential delay fixed, half random, so retries from many clients spread out
 * yet never come back immediately. Takes the gateway's `random` so tests can pin it.
 */
export function equalJitter(random: () => number): GeneratorFn<number> {
  return (attempt = 0, options) => {
    const ceiling = Math.min(options.maxDelay, options.initialDelay * options.exponent ** attempt);
    return [Math.round(ceiling / 2 + random() * (ceiling / 2)), attempt + 1];
  };
}

/**
 * The retry decisions of one gateway request: per model an exponential backoff sequence (cockatiel's), across models
 * one shared cap on the total wait. A provider's Retry-After is honoured as given, never shortened; when it exceeds
 * what is left of the cap, the request moves on to the fallback instead of waiting.
 */
export class RetryBudget {
  private waited = 0;
  /** Waiting on the current model: its backoffs and Retry-After waits, and the silence of its stalled attempts. */
  private modelWaited = 0;
  private backoff: IBackoff<unknown> | undefined;
  private readonly factory: ExponentialBackoff<number>;

  constructor(
    private readonly settings: ResilienceSettings,
    random: () => number,
  ) {
    this.factory = new ExponentialBackoff({
      generator: equalJitter(random),
      initialDelay: settings.initialDelayMs,
      maxDelay: settings.maxDelayMs,
      exponent: 2,
    });
  }

  get waitedMs(): number {
    return this.waited;
  }

  /** A new model starts a new backoff sequence (the total-wait cap carries over). */
  startModel(): void {
    this.backoff = undefined;
    this.modelWaited = 0;
  }

  /** An attempt on the current model ended in silence that lasted `ms`: a stall is waiting too. */
  stalledFor(ms: number): void {
    this.modelWaited += ms;
  }

  /**
   * Silence limits for the next attempt on the current model: the configured timeouts, cut to what is left of the
   * cap, so a model that stalls is given up within `maxTotalWaitMs` however many attempts it gets.
   */
  silenceLimits(): WatchdogLimits {
    const { firstByteTimeoutMs, idleTimeoutMs, maxTotalWaitMs } = this.settings;
    const left = Math.max(1, maxTotalWaitMs - this.modelWaited);
    return {
      firstByteTimeoutMs: Math.min(firstByteTimeoutMs, left),
      idleTimeoutMs: Math.min(idleTimeoutMs, left),
      capped: left < Math.max(firstByteTimeoutMs, idleTimeoutMs),
    };
  }

  /** @param attemptsOnModel attempts already made on the current model, the failed one included. */
  decide(error: ProviderError, attemptsOnModel: number): RetryDecision {
    if (!isRetryable(error)) return { retry: false, because: `${describeKind(error)} is not retried` };
    if (attemptsOnModel >= this.settings.maxAttempts) {
      return { retry: false, because: `${describeKind(error)} after ${attemptsOnModel} attempts` };
    }
    const left = this.settings.maxTotalWaitMs - Math.max(this.waited, this.modelWaited);
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > left) {
        return {
          retry: false,
          because: `${describeKind(error)}: the provider asked to wait ${seconds(error.retryAfterMs)}, more than the ${seconds(left)} left of the ${seconds(this.settings.maxTotalWaitMs)} retry cap`,
        };
      }
      return { retry: true, delayMs: error.retryAfterMs, basis: 'retry-after' };
    }
    this.backoff = this.backoff ? this.backoff.next(undefined) : this.factory.next();
    const delayMs = this.backoff.duration;
    if (delayMs > left) {
      return {
        retry: false,
        because: `${describeKind(error)}: the next retry would pass the ${seconds(this.settings.maxTotalWaitMs)} retry cap`,
      };
    }
    // A model that stalled gets another attempt only with time left to wait for it (a second or a quarter of the cap).
    if (error.kind === 'timeout' && left - delayMs < Math.min(1000, this.settings.maxTotalWaitMs / 4)) {
      return {
        retry: false,
        because: `${describeKind(error)}: its silence used up the ${seconds(this.settings.maxTotalWaitMs)} wait cap (llmWorkbench.gateway.maxTotalWaitMs)`,
      };
    }
    return { retry: true, delayMs, basis: 'backoff' };
  }

  /** Counts a wait against the cap once it has happened. */
  waitedFor(ms: number): void {
    this.waited += ms;
    this.modelWaited += ms;
  }
}

const KIND_WORDS: Record<string, string> = {
  rate_limit: 'rate limited',
  quota: 'out of quota',
  overloaded: 'overloaded',
  server: 'server error',
  timeout: 'timed out',
  network: 'network error',
  incomplete: 'answer broke off',
  auth: 'key rejected',
  bad_request: 'request rejected',
  context_overflow: 'prompt too long',
  aborted: 'cancelled',
  invalid_output: 'output failed validation',
};

/** `rate limited (429)`: short enough for a reason line. */
export function describeKind(error: ProviderError): string {
  const words = KIND_WORDS[error.kind] ?? error.kind;
  return error.status ? `${words} (${error.status})` : words;
}

export function seconds(ms: number): string {
  return ms >= 10_000 || ms % 1000 === 0 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}
