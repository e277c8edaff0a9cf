import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The clocks activation is timed with beside the wall clock (src/boot.ts, src/features/activationTimer.ts): this
 * thread's CPU time, and — on Linux — the time it was ready to run but waiting for a core. Activation runs
 * synchronously from boot's `activate` to the extension's return (nothing is awaited, no other work of the extension
 * host runs in between), so its wall time is CPU time + waiting for a core + blocked in the kernel (a disk read, a
 * page fault): the waiting says how much of a slow wall clock other processes took (code-server, the browser, other
 * builds on a loaded machine), not our code.
 */

/**
 * This thread's user + system CPU time, ms: `process.threadCpuUsage` (Node ≥ 23.9; VS Code's extension host runs a
 * newer Node) leaves out the process's other threads (GC, compiler, I/O), which run whatever we do. On an older
 * Node, the whole process's.
 */
export function threadCpuMs(): number {
  const { user, system } = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The calling thread's scheduler statistics (`/proc/thread-self/schedstat`: ns on a CPU, ns runnable but waiting on
 * the run queue, time slices), opened on the first call and read again at offset 0 each time (~40 µs; a fresh
 * `readFileSync` costs several times that). Undefined where there is no such file (not Linux, a kernel without
 * scheduler statistics): the figures that use it are then left out, never guessed.
 */
export class RunQueueClock {
  private fd: number | undefined;
  private readonly buffer = Buffer.alloc(96);

  constructor() {
    try {
      this.fd = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /** ms this thread has waited for a core since it started, or undefined. */
  waitedMs(): number | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const delayNs = Number(this.buffer.toString('latin1', 0, length).split(' ')[1]);
      return Number.isFinite(delayNs) ? delayNs / 1e6 : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
