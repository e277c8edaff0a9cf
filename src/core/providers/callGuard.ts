import { timerDelay } from './timerDelay';

/**
 * One call's cancellation: the caller's signal plus an idle watchdog, combined into the signal handed to fetch or
 * the SDK. Afterwards it tells whether an interruption was the caller (aborted) or silence (timeout), because the
 * SDKs end an aborted stream silently or with the same error in both cases.
 */
export class CallGuard {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOutFlag = false;
  private respondedFlag = false;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    readonly idleTimeoutMs: number | undefined,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }

  get timedOut(): boolean {
    return this.timedOutFlag;
  }

  /** The provider's response (status and headers) arrived: a transport failure from now on broke an answer. */
  get responded(): boolean {
    return this.respondedFlag;
  }

  markResponded(): void {
    this.respondedFlag = true;
  }

  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Data arrived: restart the idle clock. */
  touch(): void {
    if (this.idleTimeoutMs === undefined || this.controller.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOutFlag = true;
      this.controller.abort(new Error(`idle for ${this.idleTimeoutMs} ms`));
    }, timerDelay(this.idleTimeoutMs));
  }

  /** The consumer is holding an event: its slowness is not the provider's silence. `touch()` resumes. */
  pause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
