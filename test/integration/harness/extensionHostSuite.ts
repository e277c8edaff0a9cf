import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteResults } from '../extensionHost/index';
import type { IntegrationEnvironment } from './environment';
import { startCodeServer } from './codeServer';
import { DRIVER_ENV } from './driverProtocol';
import { DriverRequests, removeDriverFiles } from './driverRequests';
import { launchBrowser, Workbench } from './workbench';

export interface ExtensionHostRunOptions {
  env: IntegrationEnvironment;
  vsix: string;
  suiteBundle: string;
  workspace: string;
  artifactsDir: string;
  userSettings?: Record<string, unknown>;
  extraEnv?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Runs the mocha extension-host suite inside code-server: the extension's test hook loads the bundle named by
 * LLM_WORKBENCH_TEST_SUITE once a window connects, and the suite writes its results where we wait for them.
 */
export async function runExtensionHostSuite(options: ExtensionHostRunOptions): Promise<SuiteResults> {
  const resultsFile = join(options.artifactsDir, `extension-host-results-${process.pid}-${Date.now()}.json`);
  const driverPrefix = `${resultsFile}.driver`;
  const server = await startCodeServer({
    env: options.env,
    vsix: options.vsix,
    workspace: options.workspace,
    artifactsDir: options.artifactsDir,
    userSettings: options.userSettings,
    extraEnv: {
      ...options.extraEnv,
      LLM_WORKBENCH_TEST: '1',
      LLM_WORKBENCH_TEST_SUITE: options.suiteBundle,
      LLM_WORKBENCH_TEST_RESULTS: resultsFile,
      [DRIVER_ENV]: driverPrefix,
    },
  });
  const browser = await launchBrowser(options.env.chromium);
  let workbench: Workbench | undefined;
  try {
    workbench = await Workbench.open(browser, server.workspaceUrl);
    // Tests that open a dialog or want a screenshot ask for it here (driverProtocol.ts).
    const requests = new DriverRequests(workbench, driverPrefix);
    const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) {
        await workbench.screenshot('extension-host-suite-timeout').catch(() => undefined);
        throw new Error(
          `the extension-host suite wrote no results within ${(options.timeoutMs ?? 300_000) / 1000} s (code-server log: ${server.logFile})`,
        );
      }
      await requests.poll();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The file is written in one call; give a partial write a moment to finish.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults;
  } finally {
    workbench?.saveConsole(`${resultsFile}.console.log`);
    await browser.close().catch(() => undefined);
    await server.stop();
    removeDriverFiles(driverPrefix);
  }
}
