import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, FrameLocator, Locator } from 'playwright-core';
import type { Workbench } from '../harness/workbench';

/**
 * The chat webview as a user reaches it in code-server: the view's outer iframe (VS Code's webview host) holds an
 * inner `#active-frame` with our page. Locators go through `frameLocator` chains; `frame()` gives a Frame for
 * `evaluate` (reading globals such as a flag a hostile answer might try to set).
 */
const OUTER = 'iframe.webview[src*="purpose=webviewView"][src*="llm-workbench"]:visible';

export class ChatView {
  constructor(readonly workbench: Workbench) {}

  get ui(): FrameLocator {
    return this.workbench.page.frameLocator(OUTER).first().frameLocator('#active-frame');
  }

  async open(): Promise<void> {
    const page = this.workbench.page;
    const icon = page
      .locator('.activitybar .action-item [aria-label^="LLM Workbench"], .activitybar .action-item[aria-label^="LLM Workbench"]')
      .first();
    await icon.waitFor({ timeout: 60_000 });
    // Clicking the icon of the container already shown would hide the sidebar: click only when it is not shown. After
    // a reload the workbench restores the sidebar a moment after the icon appears, so a click decided before that
    // can toggle the restored sidebar away: the check and the click are repeated until the input shows.
    const shown = page.locator('.sidebar .title-label', { hasText: /LLM Workbench/i });
    const input = this.ui.locator('textarea.input');
    const deadline = Date.now() + 60_000;
    for (;;) {
      // While the view loads, the icon wears a progress badge that Playwright sees as covering it; a user's click on
      // the badge reaches the icon all the same, so the click is forced.
      if (!(await shown.isVisible().catch(() => false))) await icon.click({ force: true });
      try {
        await input.waitFor({ timeout: Math.max(1, Math.min(10_000, deadline - Date.now())) });
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
      }
    }
  }

  async frame(): Promise<Frame> {
    const outer = await this.workbench.page.locator(OUTER).first().elementHandle();
    const outerFrame = await outer?.contentFrame();
    const inner = await outerFrame?.locator('#active-frame').elementHandle();
    const frame = await inner?.contentFrame();
    if (!frame) throw new Error('chat webview frame not found');
    return frame;
  }

  async ask(text: string): Promise<void> {
    const input = this.ui.locator('textarea.input');
    await input.click();
    await input.fill(text);
    await input.press('Enter');
  }

  /** Finishes "LLM Workbench: Set API Key" once its quick pick is open: picks the provider, types the key, Enter. */
  async completeSetApiKey(provider: string, key: string): Promise<void> {
    const page = this.workbench.page;
    const quickInput = page.locator('.quick-input-widget input');
    await quickInput.waitFor({ state: 'visible' });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: provider }).first().waitFor();
    await quickInput.fill(provider);
    await page.waitForTimeout(200);
    await quickInput.press('Enter');
    await page.locator('.quick-input-widget input[type="password"]').waitFor({ state: 'visible' });
    await page.keyboard.type(key, { delay: 5 });
    await page.keyboard.press('Enter');
    await page
      .locator('.notifications-toasts', { hasText: `API key for ${provider} saved` })
      .last()
      .waitFor({ timeout: 15_000 });
  }

  /** Runs "LLM Workbench: Set API Key" from the command palette. */
  async setApiKeyFromPalette(provider: string, key: string): Promise<void> {
    const page = this.workbench.page;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>LLM Workbench: Set API Key');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Set API Key' }).first().waitFor();
    await page.waitForTimeout(200);
    await input.press('Enter');
    await this.completeSetApiKey(provider, key);
  }

  answers(): Locator {
    return this.ui.locator('.turn.assistant');
  }

  lastAnswer(): Locator {
    return this.answers().last();
  }

  /**
   * Waits for answer number `index` (0-based; the next one is `await answers().count()` taken before asking) to
   * finish: no longer streaming, with a footer or an error.
   */
  async waitForAnswer(index: number, timeoutMs = 60_000): Promise<Locator> {
    const answer = this.answers().nth(index);
    await answer.locator('.answer-footer, .error-box').first().waitFor({ timeout: timeoutMs });
    await this.ui.locator('.turn.assistant.streaming').waitFor({ state: 'detached', timeout: timeoutMs });
    return answer;
  }

  /**
   * Waits until the last answer is no longer streaming and has a footer or an error. Call it only once the new
   * answer exists (e.g. after `askAndWait`), else it may return the previous answer: prefer `askAndWait`.
   */
  async waitForFinished(timeoutMs = 60_000): Promise<Locator> {
    return this.waitForAnswer((await this.answers().count()) - 1, timeoutMs);
  }

  /** Asks, then waits for the answer to this question to finish. */
  async askAndWait(text: string, timeoutMs = 60_000): Promise<Locator> {
    const index = await this.answers().count();
    await this.ask(text);
    return this.waitForAnswer(index, timeoutMs);
  }

  async footer(answer: Locator): Promise<Record<string, string>> {
    const parts = answer.locator('.answer-footer .footer-part');
    const names = await parts.evaluateAll((nodes) => nodes.map((n) => [n.className.replace('footer-part ', ''), n.textContent ?? '']));
    return Object.fromEntries(names);
  }

  async selectModel(ref: string): Promise<void> {
    await this.ui.locator('select.model-select').selectOption(ref);
  }

  /** Waits until the model selector lists `ref` (settings applied and the view refreshed). */
  async waitForModel(ref: string, timeoutMs = 30_000): Promise<void> {
    await this.ui.locator(`select.model-select option[value="${ref}"]`).waitFor({ state: 'attached', timeout: timeoutMs });
  }
}

/**
 * Merges `values` into one of code-server's settings files; VS Code notices the change and applies it.
 * code-server's workbench is a remote window. `llmWorkbench.providers` and `logPrompts` are application-scoped: they
 * are read from the User settings (`User/settings.json`) there too, as in any VS Code remote — and a value in the
 * remote machine's settings (`Machine/settings.json`) is ignored.
 */
export function writeSettings(userDataDir: string, values: Record<string, unknown>, scope: 'User' | 'Machine' = 'User'): void {
  mkdirSync(join(userDataDir, scope), { recursive: true });
  const file = join(userDataDir, scope, 'settings.json');
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2));
}
