import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { replyPath, type DialogSeen, type DriverReply, type DriverRequest } from './driverProtocol';
import type { Workbench } from './workbench';

/**
 * The driver's side of driverProtocol.ts: answers the extension-host suite's requests, one at a time, in the browser
 * page that shows the workbench. Call `poll()` from the loop that waits for the suite's results.
 */
export class DriverRequests {
  private busy = false;

  constructor(
    private readonly workbench: Workbench,
    private readonly prefix: string,
  ) {}

  async poll(): Promise<void> {
    if (this.busy) return;
    const dir = dirname(this.prefix);
    const start = `${basename(this.prefix)}.request-`;
    const pending = readdirSync(dir).filter((name) => name.startsWith(start) && name.endsWith('.json'));
    if (pending.length === 0) return;
    this.busy = true;
    try {
      for (const name of pending) {
        // Claimed by renaming, so a request is answered once even if a poll overlaps.
        const claimed = join(dir, `${name}.taken`);
        renameSync(join(dir, name), claimed);
        const request = JSON.parse(readFileSync(claimed, 'utf8')) as DriverRequest;
        rmSync(claimed, { force: true });
        const reply = await this.answer(request);
        const path = replyPath(this.prefix, request.id);
        writeFileSync(`${path}.tmp`, JSON.stringify(reply));
        renameSync(`${path}.tmp`, path);
      }
    } finally {
      this.busy = false;
    }
  }

  private async answer(request: DriverRequest): Promise<DriverReply> {
    try {
      if (request.kind === 'dialog') return { id: request.id, ok: true, ...(await this.dialog(request.click, request.screenshot)) };
      if (request.waitForText)
        await this.workbench.page.getByText(request.waitForText).first().waitFor({ state: 'visible', timeout: 30_000 });
      await this.workbench.page.waitForTimeout(500); // let the view finish painting
      return { id: request.id, ok: true, screenshot: await this.workbench.screenshot(request.name) };
    } catch (error) {
      return { id: request.id, ok: false, error: (error as Error).message };
    }
  }

  private async dialog(click: string, screenshot: string | undefined): Promise<{ dialog: DialogSeen; screenshot?: string }> {
    const box = this.workbench.page.locator('.monaco-dialog-box');
    await box.waitFor({ state: 'visible', timeout: 60_000 });
    const text = async (selector: string) =>
      (await box.locator(selector).count()) ? (await box.locator(selector).first().innerText()).trim() : '';
    const dialog: DialogSeen = {
      message: await text('.dialog-message-text'),
      detail: await text('.dialog-message-detail'),
      buttons: (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim()),
    };
    const path = screenshot ? await this.workbench.screenshot(screenshot) : undefined;
    const index = dialog.buttons.indexOf(click);
    if (index < 0) throw new Error(`the dialog has no button "${click}": ${JSON.stringify(dialog)}`);
    await box.locator('.dialog-buttons .monaco-button').nth(index).click();
    await box.waitFor({ state: 'hidden', timeout: 10_000 });
    return { dialog, screenshot: path };
  }
}

/** Removes what a run's requests and replies left behind (a suite that failed mid-request). */
export function removeDriverFiles(prefix: string): void {
  const dir = dirname(prefix);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.startsWith(`${basename(prefix)}.`)) rmSync(join(dir, name), { force: true });
}
