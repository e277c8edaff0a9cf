import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { DRIVER_ENV, replyPath, requestPath, type DialogSeen, type DriverReply, type DriverRequest } from '../harness/driverProtocol';

let next = 0;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Whether a Playwright driver answers requests (code-server runs; not @vscode/test-electron). */
export const hasDriver = (): boolean => Boolean(process.env[DRIVER_ENV]);

/** Asks the driver for something only the browser side can do and waits for its answer (driverProtocol.ts). */
async function ask(request: WithoutId<DriverRequest>, timeoutMs = 90_000): Promise<DriverReply & { ok: true }> {
  const prefix = process.env[DRIVER_ENV];
  if (!prefix) throw new Error(`no driver: ${DRIVER_ENV} is not set`);
  const id = `${process.pid}-${next++}`;
  const path = requestPath(prefix, id);
  writeFileSync(`${path}.tmp`, JSON.stringify({ ...request, id }));
  renameSync(`${path}.tmp`, path);
  const reply = replyPath(prefix, id);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(reply)) {
    if (Date.now() > deadline) throw new Error(`the driver did not answer ${JSON.stringify(request)} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const answer = JSON.parse(readFileSync(reply, 'utf8')) as DriverReply;
  rmSync(reply, { force: true });
  if (!answer.ok) throw new Error(`the driver could not do ${JSON.stringify(request)}: ${answer.error}`);
  return answer;
}

/**
 * The driver waits for the next modal dialog, reads it (and saves a screenshot when named), then clicks `click` as a
 * user would. Start it before the call that opens the dialog, and await it alongside.
 */
export async function answerDialog(click: string, screenshot?: string): Promise<DialogSeen> {
  return (await ask({ kind: 'dialog', click, screenshot })).dialog!;
}

/** Saves a screenshot of the workbench (test/integration/screenshots/NAME.png) once `waitForText` is on screen. */
export async function screenshot(name: string, waitForText?: string): Promise<string> {
  return (await ask({ kind: 'screenshot', name, waitForText })).screenshot!;
}
