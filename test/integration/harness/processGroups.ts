import type { ChildProcess } from 'node:child_process';

/**
 * Every process group the harness starts, so they all end: on normal stop, on a test failure, on Ctrl+C or a
 * CI timeout's SIGTERM, and on an unexpected exit of the driver itself.
 */
const groups = new Set<number>();
let handlersInstalled = false;

export function trackProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  // Kept even after the leader exits: its children (file watcher, extension host) may still be running.
  groups.add(child.pid);
  installHandlers();
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left after `graceMs`. */
export async function killProcessGroup(pid: number, graceMs = 3000): Promise<void> {
  groups.delete(pid);
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!signalGroup(pid, 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  signalGroup(pid, 'SIGKILL');
}

/** Kills every tracked group at once, synchronously (safe to call from an exit handler). */
export function killAllProcessGroupsNow(): void {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
  groups.clear();
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', killAllProcessGroupsNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllProcessGroupsNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}
