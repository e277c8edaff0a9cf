import type { Workbench } from '../harness/workbench';

/** What the Playwright UI specs share: one workbench on a fresh copy of the fixture workspace. */
export interface UiSession {
  workbench: Workbench;
  /** Absolute path of the opened workspace folder. */
  workspace: string;
  /** Absolute path of the repository (for the CLI in dist/). */
  repo: string;
  /** code-server's user-data dir: user settings (User/settings.json) and everything the workbench stores on disk. */
  userDataDir?: string;
  /** LLM_WORKBENCH_HOME of the extension host: the ledger of this run. */
  workbenchHome?: string;
  /** Leader of code-server's process group: its members include the extension host. */
  serverPid?: number;
}

/** How the harness starts the workbench of one spec file (see `workbenchMode`). */
export interface WorkbenchMode {
  /** `untrusted`: workspace trust on and the folder not trusted, so the window opens in Restricted Mode. */
  workspaceTrust: 'disabled' | 'untrusted';
  /**
   * User settings in place before the workbench starts (e.g. a provider on a loopback emulator the hook starts): a
   * settings file written while the window runs is applied a moment later, or, rarely, missed.
   */
  userSettings?: () => Promise<Record<string, unknown>>;
}

let current: UiSession | undefined;
let mode: WorkbenchMode = { workspaceTrust: 'disabled' };
const metrics: Record<string, number> = {};

export function setSession(session: UiSession | undefined): void {
  current = session;
}

export function session(): UiSession {
  if (!current) throw new Error('UI specs run through test/integration/run.ts, which opens the workbench first');
  return current;
}

/**
 * Called at the top level of a spec file (it runs when the file is loaded, before its workbench starts) to start that
 * file's workbench differently from the default (every folder trusted).
 */
export function workbenchMode(wanted: WorkbenchMode): void {
  mode = wanted;
}

/** The mode the last loaded spec file asked for; resets to the default for the next file. */
export function takeWorkbenchMode(): WorkbenchMode {
  const taken = mode;
  mode = { workspaceTrust: 'disabled' };
  return taken;
}

/** A number a spec measured (ms, counts): written to .test-artifacts/integration-metrics.json at the end of the run. */
export function recordMetric(name: string, value: number): void {
  metrics[name] = value;
}

export function recordedMetrics(): Record<string, number> {
  return { ...metrics };
}
