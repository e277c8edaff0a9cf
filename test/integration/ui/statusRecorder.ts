import type { Page } from 'playwright-core';

/** One state of the window as the recorder saw it change. */
export interface StatusSample {
  /** performance.now() in the page, ms. */
  t: number;
  /** The item's text (icons are glyphs, left out), or null when it is not in the status bar. */
  status: string | null;
  /** The active editor tab's label. */
  tab: string;
  /** A key pressed (keydown) or a click, at `t`; the sample is then the state just before it. */
  input?: string;
}

declare global {
  interface Window {
    __statusSamples?: StatusSample[];
    __statusRecorder?: MutationObserver;
    __statusPush?: (input?: string) => void;
  }
}

/**
 * Records every change of a status bar item and of the active tab inside the page, as it happens (a MutationObserver
 * sees each DOM update, which polling from the test process would miss between two reads), plus each key press and
 * click with its time: the time from a user's action to what the status bar shows, and everything it showed between.
 */
export async function startStatusRecorder(page: Page, itemId: string): Promise<void> {
  // Plain JavaScript in a string: the test runner's transpiler would wrap named functions in a helper the page lacks.
  await page.evaluate(`(() => {
    const id = ${JSON.stringify(itemId)};
    window.__statusRecorder?.disconnect();
    const samples = [];
    window.__statusSamples = samples;
    function read() {
      const item = document.querySelector('.statusbar-item[id$="' + id + '"]');
      const shown = item && item.isConnected && item.getClientRects().length > 0;
      const status = shown ? (item.textContent ?? '').replace(/\\s+/g, ' ').trim() : null;
      const tab = document.querySelector('.tabs-container .tab.active')?.getAttribute('aria-label') ?? '';
      return { status, tab };
    }
    function push(input) {
      const state = read();
      const last = samples[samples.length - 1];
      if (!input && last && !last.input && last.status === state.status && last.tab === state.tab) return;
      samples.push(Object.assign({ t: performance.now() }, state, input ? { input } : {}));
    }
    push();
    const observer = new MutationObserver(() => push());
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'aria-label', 'style'] });
    window.__statusRecorder = observer;
    if (!window.__statusPush) {
      // Capture phase: before the workbench handles the key or click (and before the state it changes). Installed
      // once; they record into the recorder running now.
      window.addEventListener('keydown', (e) => window.__statusPush?.('key:' + e.key), true);
      window.addEventListener('mousedown', () => window.__statusPush?.('click'), true);
    }
    window.__statusPush = push;
  })()`);
}

export async function statusSamples(page: Page): Promise<StatusSample[]> {
  return page.evaluate(() => window.__statusSamples ?? []);
}

export async function stopStatusRecorder(page: Page): Promise<StatusSample[]> {
  return page.evaluate(() => {
    window.__statusRecorder?.disconnect();
    window.__statusRecorder = undefined;
    window.__statusPush = () => undefined;
    return window.__statusSamples ?? [];
  });
}
