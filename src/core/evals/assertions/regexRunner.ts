import { Worker } from 'node:worker_threads';

export const DEFAULT_REGEX_TIMEOUT_MS = 1000;

/**
 * The worker's whole program. A pattern from an eval file can backtrack for minutes (`^((\w+\s?)+)+$` on 44
 * characters); run on the main thread it would also block Ctrl+C. In a worker it runs with JavaScript's own RegExp
 * (so the semantics are exactly promptfoo's `new RegExp(value).test(output)`), and a stuck match is ended with
 * `terminate()`, which V8 honours inside the regexp engine's backtracking loop.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const compiled = new Map();
parentPort.on('message', ({ id, pattern, flags, text }) => {
  try {
    const key = flags + '/' + pattern;
    let re = compiled.get(key);
    if (!re) {
      re = new RegExp(pattern, flags);
      if (compiled.size > 500) compiled.clear();
      compiled.set(key, re);
    }
    re.lastIndex = 0;
    parentPort.postMessage({ id, matched: re.test(text) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

export type RegexTestResult = { matched: boolean } | { error: string } | { timedOut: true } | { aborted: true };

interface Pending {
  id: number;
  resolve: (result: RegexTestResult) => void;
  timer: NodeJS.Timeout;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/**
 * One long-lived worker that tests patterns one at a time (a message round trip costs well under a millisecond, so
 * 200 cases do not pay a thread start each). Each test gets `timeoutMs` from the moment it reaches the worker; on
 * timeout or abort the worker is terminated and the next test starts a fresh one.
 */
export class RegexRunner {
  private worker: Worker | undefined;
  /** Resolves when the current worker runs: its start-up (slow on a loaded machine) is not the pattern's time. */
  private online: Promise<void> = Promise.resolve();
  private nextId = 1;
  private current: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  test(
    pattern: string,
    text: string,
    options: { flags?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<RegexTestResult> {
    const run = () => this.runOne(pattern, options.flags ?? '', text, options.timeoutMs ?? DEFAULT_REGEX_TIMEOUT_MS, options.signal);
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }

  /** Ends the worker (idle workers are unref'd and never keep the process alive, so this is only for tidiness). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private async runOne(pattern: string, flags: string, text: string, timeoutMs: number, signal?: AbortSignal): Promise<RegexTestResult> {
    if (signal?.aborted) return { aborted: true };
    const worker = this.ensureWorker();
    // Held open while a test waits for it or runs (the answer is awaited); idle, the worker never keeps the process alive.
    worker.ref();
    await this.online;
    if (signal?.aborted) {
      worker.unref();
      return { aborted: true };
    }
    return new Promise<RegexTestResult>((resolve) => {
      const id = this.nextId++;
      const finish = (result: RegexTestResult, kill: boolean) => {
        if (this.current?.id !== id) return;
        clearTimeout(this.current.timer);
        if (this.current.onAbort) this.current.signal?.removeEventListener('abort', this.current.onAbort);
        this.current = undefined;
        worker.unref();
        if (kill) this.kill(worker);
        resolve(result);
      };
      const timer = setTimeout(() => finish({ timedOut: true }, true), timeoutMs);
      const onAbort = () => finish({ aborted: true }, true);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.current = { id, resolve: (r) => finish(r, false), timer, onAbort, signal };
      worker.postMessage({ id, pattern, flags, text });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.online = new Promise<void>((resolve) => {
      worker.once('online', () => resolve());
      worker.once('error', () => resolve());
      worker.once('exit', () => resolve());
    });
    worker.unref();
    worker.on('message', (message: { id: number; matched?: boolean; error?: string }) => {
      if (this.current?.id !== message.id) return;
      this.current.resolve(message.error !== undefined ? { error: message.error } : { matched: Boolean(message.matched) });
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = undefined;
      this.current?.resolve({ error: error.message });
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }

  private kill(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }
}

/** Shared by every regex assertion of the process. */
export const sharedRegexRunner = new RegexRunner();
