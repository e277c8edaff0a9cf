/**
 * Where activation's time goes: wall clock and this process's CPU time per step (a shared service, a feature, the
 * work deferred until after `activate()` returned). Wall time is what the user waits for; CPU time is what the
 * activation bench compares on a loaded machine, where the wall clock mostly measures waiting for a core.
 */
export interface PhaseTimes {
  /** Wall clock per step, ms. */
  wall: Record<string, number>;
  /** CPU time of the extension host's thread per step, ms (see `cpuMs`). */
  cpu: Record<string, number>;
}

export class ActivationTimer {
  readonly phases: PhaseTimes = { wall: {}, cpu: {} };
  private readonly startedWall = performance.now();
  private readonly startedCpu = cpuMs();
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

  /** Since construction: wall and CPU ms. */
  elapsed(): { ms: number; cpuMs: number } {
    return { ms: performance.now() - this.startedWall, cpuMs: cpuMs() - this.startedCpu };
  }
}

/**
 * This thread's user + system CPU time, ms: `process.threadCpuUsage` (Node ≥ 23.9; VS Code's extension host runs a
 * newer Node) leaves out the extension host's other threads (GC, compiler, I/O), which run whatever we do. On an
 * older Node, the whole process's.
 */
export function cpuMs(): number {
  const { user, system } = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
  return (user + system) / 1000;
}
