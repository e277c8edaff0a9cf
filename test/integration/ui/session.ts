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
}

let current: UiSession | undefined;

export function setSession(session: UiSession | undefined): void {
  current = session;
}

export function session(): UiSession {
  if (!current) throw new Error('UI specs run through test/integration/run.ts, which opens the workbench first');
  return current;
}
