import { RunQueueClock, threadCpuMs as cpuMs } from '../core/runtime/threadClock';

/**
 * Where activation's time goes: wall clock and this process's CPU time per step (a shared service, a feature, the
 * work deferred until after `activate()` returned). Wall time is what the user waits for; CPU time is what the
 * activation bench compares on a loaded machine, where the wall clock mostly measures waiting for a core.
 */
export interface PhaseTimes {
  /** Wall clock per step, ms. */
  wall: Record<string, number>;
  /** CPU time of the extension host's thread per step, ms (src/core/runtime/threadClock.ts). */
  cpu: Record<string, number>;
}

export class ActivationTimer {
  readonly phases: PhaseTimes = { wall: {}, cpu: {} };
  private readonly startedWall = performance.now();
  private readonly startedCpu = cpuMs();
  // The thread's wait for a core (Linux): what of the wall clock other processes took.
  private readonly runQueue = new RunQueueClock();
  private readonly startedWaited = this.runQueue.waitedMs();
  private lastWall = this.startedWall;
  private lastCpu = this.startedCpu;

  /** Closes the step that began at the previous lap (or at construction) under `name`. */
  readonly lap = (name: string): void => {
    const wall = performance.now();
    const cpu = cpuMs();
    this.phases.wall[name] = (this.phases.wall[name] ?? 0) + wall - this.lastWall;
    this.phases.cpu[name] = (this.phases.cpu[name] ?? 0) + cpu - this.lastCpu;
    this.lastWall = wall;
    this.lastCpu = cpu;
  };

  /** Since construction: wall and CPU ms, and ms spent waiting for a core (undefined where unknown). Called once. */
  elapsed(): { ms: number; cpuMs: number; waitMs: number | undefined } {
    const ms = performance.now() - this.startedWall;
    const cpu = cpuMs() - this.startedCpu;
    const waited = this.runQueue.waitedMs();
    this.runQueue.close();
    const waitMs = waited === undefined || this.startedWaited === undefined ? undefined : waited - this.startedWaited;
    return { ms, cpuMs: cpu, waitMs };
  }
}
