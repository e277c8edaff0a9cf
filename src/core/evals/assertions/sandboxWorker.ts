import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program: regex tests (regexRunner.ts) and `javascript` assertions on text outputs
 * (javascriptAssertion.ts), one at a time. Both can run for ever (a backtracking pattern, `while (true) {}`); here
 * the main thread's timer ends them with `terminate()`, which V8 honours inside a loop or the regexp engine.
 *
 * Why javascript runs here: on the main thread its time limit is `node:vm`'s `timeout`, which starts and joins a
 * watchdog thread on every call; on a busy machine each join waits for the scheduler (~1 s of a 200-case run's
 * wall time at load 12, measured with --cpu-prof). Here one long-lived thread and one timer per run do the same.
 *
 * The javascript part mirrors codeSandbox.ts's `runSandboxed` (one shared context for code that cannot change it,
 * a fresh one otherwise) and javascriptAssertion.ts's error text; it sends back only what `javascriptResultCheck`
 * reads of the result (test/unit/evals/codeSandbox.test.ts runs the same assertions both ways).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { Script, createContext } = require('node:vm');
const patterns = new Map();
const scripts = new Map();
let shared;

function testRegex({ id, pattern, flags, text }) {
  try {
    const key = flags + '/' + pattern;
    let re = patterns.get(key);
    if (!re) {
      re = new RegExp(pattern, flags);
      if (patterns.size > 500) patterns.clear();
      patterns.set(key, re);
    }
    re.lastIndex = 0;
    parentPort.postMessage({ id, matched: re.test(text) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
}

function runSandboxed(script, reusable, globals) {
  if (!reusable) return script.runInContext(createContext({ ...globals }));
  const context = (shared ??= createContext({}));
  Object.assign(context, globals);
  try {
    return script.runInContext(context);
  } finally {
    for (const name of Object.keys(globals)) delete context[name];
    if (Object.getOwnPropertyNames(context).length > 0) shared = undefined;
  }
}

/** What javascriptResultCheck reads: a boolean or number as it is, {pass, score, reason} read once, else its type. */
function summary(result) {
  if (typeof result === 'boolean' || typeof result === 'number') return { value: result };
  if (result && typeof result === 'object' && typeof result.pass === 'boolean') {
    const r = { pass: result.pass };
    const score = result.score;
    if (typeof score === 'number') r.score = score;
    const reason = result.reason;
    if (typeof reason === 'string') r.reason = reason;
    return { object: r };
  }
  return { type: result === null ? 'null' : typeof result };
}

const errorText = (error) => (error instanceof Error ? error.message : String(error));

function runJavascript({ id, source, reusable, output, context }) {
  let result;
  try {
    let script = scripts.get(source);
    if (!script) {
      script = new Script(source, { filename: 'javascript-assertion.js' });
      if (scripts.size > 1000) scripts.clear();
      scripts.set(source, script);
    }
    result = runSandboxed(script, reusable, { __output: output, __context: JSON.parse(context) });
  } catch (error) {
    parentPort.postMessage({ id, error: errorText(error) });
    return;
  }
  if (result && typeof result.then === 'function') {
    // The promise gets its own time limit from here, as on the main thread (withTimeout after the vm's).
    parentPort.postMessage({ id, restartTimer: true });
    try {
      result.then(
        (value) => parentPort.postMessage({ id, result: summary(value) }),
        (error) => parentPort.postMessage({ id, error: errorText(error) }),
      );
    } catch (error) {
      parentPort.postMessage({ id, error: errorText(error) });
    }
    return;
  }
  parentPort.postMessage({ id, result: summary(result) });
}

// A promise the code rejected and left unhandled would end this thread, and the main thread would blame whichever
// request runs at that moment: the code's own result is what counts, as on the main thread.
process.on('unhandledRejection', () => {});

parentPort.on('message', (message) => {
  if (message.kind === 'regex') testRegex(message);
  else runJavascript(message);
});
`;

export type SandboxOutcome<R> = R | { timedOut: true } | { aborted: true };

interface Pending {
  id: number;
  resolve: (reply: unknown) => void;
  restartTimer: () => void;
}

/**
 * One long-lived worker that runs requests one at a time (a message round trip costs well under a millisecond, so
 * 200 cases do not pay a thread start each). Each request gets `timeoutMs` from the moment it reaches the worker
 * (a returned promise: again from when the worker reports it); on timeout or abort the worker is terminated and
 * the next request starts a fresh one.
 */
export class SandboxWorker {
  private worker: Worker | undefined;
  /** Resolves when the current worker runs: its start-up (slow on a loaded machine) is not the request's time. */
  private online: Promise<void> = Promise.resolve();
  private nextId = 1;
  private current: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  run<R>(request: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<SandboxOutcome<R>> {
    const run = () => this.runOne<R>(request, timeoutMs, signal);
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }

  /**
   * Starts the thread now, when a run knows it will need it: its start-up then overlaps the run's first model calls
   * instead of delaying the first cases' assertions. Idle, it never keeps the process alive.
   */
  warmUp(): void {
    this.ensureWorker();
  }

  /** Ends the worker (idle workers are unref'd and never keep the process alive, so this is only for tidiness). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private async runOne<R>(request: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<SandboxOutcome<R>> {
    if (signal?.aborted) return { aborted: true };
    const worker = this.ensureWorker();
    // Held open while a request waits for it or runs (the answer is awaited); idle, the worker never keeps the process alive.
    worker.ref();
    await this.online;
    if (signal?.aborted) {
      worker.unref();
      return { aborted: true };
    }
    return new Promise<SandboxOutcome<R>>((resolve) => {
      const id = this.nextId++;
      let timer: NodeJS.Timeout;
      const finish = (result: SandboxOutcome<R>, kill: boolean) => {
        if (this.current?.id !== id) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.current = undefined;
        worker.unref();
        if (kill) this.kill(worker);
        resolve(result);
      };
      const startTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ timedOut: true }, true), timeoutMs);
      };
      const onAbort = () => finish({ aborted: true }, true);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.current = { id, resolve: (r) => finish(r as R, false), restartTimer: startTimer };
      startTimer();
      worker.postMessage({ ...request, id });
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
    worker.on('message', (message: { id: number; restartTimer?: boolean }) => {
      if (this.current?.id !== message.id) return;
      if (message.restartTimer) this.current.restartTimer();
      else this.current.resolve(message);
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.worker = undefined;
      this.current?.resolve({ error: error.message });
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    // After the listeners: a 'message' listener refs the worker's port again, and a worker started ahead of use
    // (warmUp) that no request ever ref'd and unref'd would then keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private kill(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }
}

/** Shared by every regex and `javascript` assertion of the process: one thread, started on first use. */
export const sharedSandbox = new SandboxWorker();
