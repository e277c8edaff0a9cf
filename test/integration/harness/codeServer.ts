import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { IntegrationEnvironment } from './environment';
import { killProcessGroup, trackProcessGroup } from './processGroups';

/**
 * User settings that keep the workbench quiet and predictable for screenshots and assertions. Two values are older
 * spellings (the theme's former name "Default Dark Modern", `extensions.autoUpdate: false`) that VS Code 1.139
 * migrates by rewriting settings.json a few seconds after start. Keep them: with the current spellings (no rewrite),
 * settings.json written by a spec while VS Code runs went unnoticed (chat, evals and Ollama specs never saw their
 * providers). A spec that edits settings.json through VS Code's own editor waits for that rewrite first
 * (remoteUserSettings.ui.ts), since an edit during it races it.
 */
export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  'files.autoSave': 'off',
  'problems.autoReveal': false,
};

export interface CodeServerOptions {
  env: IntegrationEnvironment;
  vsix: string;
  /** Folder opened as the workspace. */
  workspace: string;
  /** Where profiles and logs go (a fresh subfolder per start). */
  artifactsDir: string;
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host (test hooks, emulator URLs). */
  extraEnv?: Record<string, string>;
  /**
   * `disabled` (default): `--disable-workspace-trust`, every folder trusted. `untrusted`: workspace trust on (VS Code's
   * own default) and the folder not trusted, so the window opens in Restricted Mode without asking: code-server sends
   * the workbench `enableWorkspaceTrust: true` unless given `--disable-workspace-trust`, the trusted folders live in
   * the browser's fresh storage (none), and `startupPrompt: never` opens it restricted instead of asking.
   */
  workspaceTrust?: 'disabled' | 'untrusted';
}

/** User settings of the `untrusted` mode: trust on, no modal at start-up, the Restricted Mode banner shown. */
export const UNTRUSTED_USER_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
};

export interface RunningCodeServer {
  url: string;
  /** `url` with the workspace folder opened. */
  workspaceUrl: string;
  userDataDir: string;
  logFile: string;
  /** Leader of code-server's process group (the extension host is one of its members). */
  pid: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A throwaway profile: the VSIX installed the way a user installs it, plus quiet user settings. */
export function prepareProfile(options: CodeServerOptions): { userDataDir: string; extensionsDir: string; root: string } {
  mkdirSync(options.artifactsDir, { recursive: true });
  const root = mkdtempSync(join(options.artifactsDir, 'profile-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const trust = options.workspaceTrust === 'untrusted' ? UNTRUSTED_USER_SETTINGS : {};
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_USER_SETTINGS, ...trust, ...options.userSettings }, null, 2),
  );
  execFileSync(
    options.env.node24,
    [options.env.codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', options.vsix],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${join(options.env.node24, '..')}:${process.env.PATH}` } },
  );
  return { userDataDir, extensionsDir, root };
}

/** Starts code-server in its own process group on a free loopback port and waits until it answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const { userDataDir, extensionsDir, root } = prepareProfile(options);
  const port = await freePort();
  const logFile = join(root, 'code-server.log');
  const log = createWriteStream(logFile);
  const child = spawn(
    options.env.node24,
    [
      options.env.codeServerEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust === 'untrusted' ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      options.workspace,
    ],
    {
      detached: true, // own process group: stop() ends code-server and every child it spawned
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${join(options.env.node24, '..')}:${process.env.PATH}`, ...options.extraEnv },
    },
  );
  trackProcessGroup(child);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined) await killProcessGroup(child.pid);
    log.end();
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message} (log: ${logFile})`, { cause: error });
  }
  return { url, workspaceUrl: `${url}/?folder=${encodeURIComponent(options.workspace)}`, userDataDir, logFile, pid: child.pid!, stop };
}

async function waitForHealth(url: string, child: ReturnType<typeof spawn>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`code-server exited with code ${exited} before it answered`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs / 1000} s`);
}
