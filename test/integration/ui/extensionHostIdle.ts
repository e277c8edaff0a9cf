import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The extension host of a code-server: the member of its process group started with `--type=extensionHost`. */
export function extensionHostPid(serverPid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid !== serverPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('--type=extensionHost')) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

/** CPU time (user + system, all threads: the counting worker included) of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of /proc/PID/stat (utime, stime) are the 12th and 13th after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * Waits until the extension host has finished starting: less than `maxShare` of one core used over `windowMs`, twice
 * in a row. This is "a warm window" measured instead of assumed: activation, the tokenizer's warm-up in the counting
 * worker and whatever else the extensions do at start-up are over. Returns how long it waited.
 */
export async function waitForExtensionHostIdle(serverPid: number, timeoutMs = 90_000, windowMs = 1000, maxShare = 0.1): Promise<number> {
  const started = Date.now();
  const pid = extensionHostPid(serverPid);
  if (pid === undefined) throw new Error(`no extension host in code-server's process group ${serverPid}`);
  let quiet = 0;
  let last = cpuMs(pid);
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = cpuMs(pid);
    quiet = now - last < windowMs * maxShare ? quiet + 1 : 0;
    last = now;
    if (quiet >= 2) return Date.now() - started;
  }
  throw new Error(`the extension host (pid ${pid}) was still busy after ${timeoutMs / 1000} s`);
}
