import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Chromium flags that keep Debian's Chromium headless, offline and quiet (notes/real-vscode.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = join(__dirname, '..', 'screenshots');

export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * A VS Code workbench in a browser page, driven as a user would: keyboard, mouse, and what is on screen.
 * Helpers for what tests look at: files, the status bar, Problems, hovers, CodeLens, screenshots.
 */
export class Workbench {
  /** The page's console, which includes the extension host's console output forwarded by VS Code. */
  readonly consoleLines: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => this.consoleLines.push(`[${message.type()}] ${message.text()}`));
  }

  static async open(browser: Browser, url: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const workbench = new Workbench(page);
    // A loaded 2-core machine can take well over the default 30 s to serve the first page.
    await page.goto(url, { timeout: 120_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The extension host starts after the workbench: wait for the status bar to be populated.
    await page.waitForSelector('.statusbar-item', { timeout: 60_000 });
    return workbench;
  }

  /** Runs a command from the palette by its title, e.g. `View: Close All Editors`. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await this.page.waitForTimeout(200);
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P), as a user would, and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    await this.typeInQuickOpen(relativePath);
    await this.page.keyboard.press('Enter');
    await this.waitForEditor(relativePath);
  }

  /**
   * Opens Quick Open and types the path until the file is listed first: Enter then opens it (what `openFile` does;
   * split so a spec can start measuring just before the key press).
   */
  async typeInQuickOpen(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    const name = relativePath.split('/').pop()!;
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    // File search can answer before the workspace's files are indexed (a window just opened, a loaded machine): type
    // the name again, which searches again, until the file is listed.
    const deadline = Date.now() + 60_000;
    for (let attempt = 0; ; attempt++) {
      await input.fill(attempt % 2 === 0 ? relativePath : name);
      const listed = await row.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (listed) break;
      if (Date.now() > deadline) throw new Error(`Quick Open never listed ${relativePath}`);
      await input.fill('');
    }
    await this.page.waitForTimeout(200);
    await input.focus();
  }

  /** Waits for the editor of a file just opened: its tab active and its text shown. */
  async waitForEditor(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop()!;
    await this.page.locator(`.tabs-container .tab.active`, { hasText: name }).waitFor({ timeout: 30_000 });
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /**
   * The modal editor VS Code 1.139 opens over the workbench for some editors (the User settings.json, the Settings
   * editor): no tab, its title in a header, closed with Escape or its close button. Behind it the workbench stays as it
   * was (a Problems panel opened before keeps updating), but the command palette (F1) does not open while it has focus.
   */
  modalEditor(): Locator {
    return this.page.locator('.modal-editor-part');
  }

  /** Waits for the modal editor of `name` (e.g. `settings.json`) with its text shown and the keyboard in its text. */
  async waitForModalEditor(name: string, timeoutMs = 30_000): Promise<Locator> {
    const modal = this.modalEditor();
    await modal.locator('.modal-editor-title', { hasText: name }).waitFor({ timeout: timeoutMs });
    const text = modal.locator('.monaco-editor .view-lines').first();
    await text.waitFor({ timeout: timeoutMs });
    const focused = () => this.page.evaluate(() => Boolean(document.activeElement?.closest('.modal-editor-part .monaco-editor')));
    const deadline = Date.now() + timeoutMs;
    while (!(await focused())) {
      if (Date.now() > deadline) throw new Error(`the modal editor of ${name} never took the keyboard`);
      // VS Code focuses the text as it opens; if not yet, click below the last line (by coordinates: a hover popup over
      // the text would intercept a locator click), which puts the cursor in the text.
      const box = await modal.locator('.monaco-editor').first().boundingBox();
      if (box) await this.page.mouse.click(box.x + box.width / 2, box.y + box.height - 8);
      await this.page.waitForTimeout(200);
    }
    return modal;
  }

  /** Closes the modal editor as a user does (Escape; its close button if Escape did not) and waits until it is gone. */
  async closeModalEditor(): Promise<void> {
    const block = this.page.locator('.monaco-modal-editor-block');
    for (let attempt = 0; attempt < 4 && (await block.count()) > 0; attempt++) {
      if (attempt < 2) await this.page.keyboard.press('Escape');
      else await this.modalEditor().locator('.action-label.codicon-close').click({ force: true });
      await block.waitFor({ state: 'detached', timeout: 3_000 }).catch(() => undefined);
    }
    await block.waitFor({ state: 'detached', timeout: 5_000 });
  }

  /**
   * Pastes `text` where the keyboard is (Ctrl+V), as a user pastes a snippet from the docs: through the browser's
   * clipboard, so the editor takes it as a paste (no per-line auto-indent, no auto-closed brackets as typing would).
   */
  async paste(text: string): Promise<void> {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(this.page.url()).origin });
    await this.page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await this.page.keyboard.press('Control+V');
  }

  /** The Problems panel's rows as they are now (severity, message, position), without toggling the panel. */
  async problemRows(): Promise<string[]> {
    return this.page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
  }

  /** A status bar item by the id its extension gave it (`llmWorkbench.tokens`). */
  statusBarItem(id: string): Locator {
    return this.page.locator(`.statusbar-item[id$="${id}"]`);
  }

  /** The item's text as shown (icons are glyphs, so `$(name)` markers are absent). */
  async statusBarText(id: string): Promise<string> {
    const item = this.statusBarItem(id);
    if ((await item.count()) === 0) return '';
    return ((await item.first().innerText()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Polls the status bar item until its text satisfies `accept`; returns the text. */
  async waitForStatusBarText(id: string, accept: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await this.statusBarText(id);
      if (accept(text)) return text;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`status bar item ${id} never matched; last text: "${text}"`);
  }

  /** Opens the Problems panel and returns its rows' accessible labels (severity, message, position). */
  async problems(): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible' });
    await this.page.waitForTimeout(300);
    return panel
      .locator('.monaco-list-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? row.textContent ?? ''));
  }

  /** The visible editor line whose text contains `text` (the editor must have scrolled it into view). */
  editorLine(text: string): Locator {
    return this.page.locator('.monaco-editor .view-lines .view-line', { hasText: text }).first();
  }

  /** Hovers the mouse over the first visible line containing `text` and returns the hover widget's text. */
  async hoverAt(text: string, timeoutMs = 20_000): Promise<string> {
    const line = this.editorLine(text);
    await line.waitFor();
    const box = await line.boundingBox();
    if (!box) throw new Error(`line "${text}" is not visible`);
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-resizable-hover .monaco-hover-content');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.page.mouse.move(box.x + 5, box.y + box.height / 2);
      await this.page.mouse.move(box.x + 30, box.y + box.height / 2, { steps: 3 });
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 3000 });
        return (await hover.first().innerText()).trim();
      } catch {
        await this.page.mouse.move(0, 0);
      }
    }
    throw new Error(`no hover appeared over "${text}"`);
  }

  /** The CodeLens titles currently rendered in the active editor. */
  async codeLenses(): Promise<string[]> {
    return this.page.locator('.monaco-editor .codelens-decoration').evaluateAll((nodes) => nodes.map((n) => (n.textContent ?? '').trim()));
  }

  async waitForCodeLenses(accept: (titles: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      titles = await this.codeLenses();
      if (accept(titles)) return titles;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`CodeLens never matched; last: ${JSON.stringify(titles)}`);
  }

  /** Puts the cursor at the end of the first visible line containing `text`. */
  async clickEndOfLine(text: string): Promise<void> {
    await this.editorLine(text).click();
    await this.page.keyboard.press('End');
  }

  saveConsole(path: string): void {
    writeFileSync(path, this.consoleLines.join('\n'));
  }

  /** Saves a PNG under test/integration/screenshots/ (gitignored; the README's pictures are copied from there). */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
