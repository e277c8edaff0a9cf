import * as assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitForExtensionHostIdle } from './extensionHostIdle';
import { cliCount } from './referenceCount';
import { recordMetric, session } from './session';
import { startStatusRecorder, statusSamples, stopStatusRecorder, type StatusSample } from './statusRecorder';

/**
 * #16 item 10, as a user sees it: the first count after opening a prompt file appears within 1 s on a warm window and
 * is that file's exact count; switching files never shows another file's number; the item never disappears while a
 * file (1 MB) is counted. What the status bar showed is recorded inside the page on every DOM change (statusRecorder),
 * so nothing between two reads is missed, with the time of the key press or click that caused it.
 */
const TOKENS = 'llmWorkbench.tokens';
const COUNTING = 'Counting tokens…';
/** Shown text, icons excluded: `[1,204 / ]≈?12,408 tok · 9.7% of GPT-4o`. */
const COUNT = /(?:(≈?[\d,]+) \/ )?≈?([\d,]+) tok · ([\d.<]+)% of (.+)$/;

function shownTotal(text: string | null): number | undefined {
  const match = text === null ? null : COUNT.exec(text);
  return match ? Number(match[2].replace(/,/g, '')) : undefined;
}

/** The samples from the last `input` (key press or click) on: what one action caused. */
function sinceLastInput(samples: StatusSample[]): StatusSample[] {
  const start = samples.map((s) => s.input !== undefined).lastIndexOf(true);
  assert.ok(start >= 0, 'the recorder saw the key press or click');
  return samples.slice(start);
}

/**
 * The window's own UI thread, the part of a wait that is VS Code's: its long tasks (over 50 ms, Chromium's 'longtask'
 * performance entries) from now on. While its UI thread runs one, the window applies no status bar update.
 */
async function startLongTaskRecorder(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__longTasks = [];
    if (window.__longTaskObserver) return;
    window.__longTaskObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
    });
    window.__longTaskObserver.observe({ entryTypes: ['longtask'] });
  })()`);
}

/** Milliseconds of [start, end] (page time) the window's UI thread spent in long tasks. */
async function longTaskMsBetween(page: Page, start: number, end: number): Promise<number> {
  const tasks = (await page.evaluate('window.__longTasks ?? []')) as [number, number][];
  return Math.round(tasks.reduce((sum, [t, d]) => sum + Math.max(0, Math.min(end, t + d) - Math.max(start, t)), 0));
}

const describeSamples = (samples: StatusSample[]) =>
  samples.map((s) => `${Math.round(s.t - samples[0].t)} ms ${s.input ?? ''} [${s.tab}] ${s.status ?? '(no item)'}`).join('\n');

describe('the token count when opening and switching files (#16 item 10)', function () {
  /** Exact counts, from the CLI over the same files (o200k_base: GPT-4o mini, GPT-4o and GPT-4.1). */
  const counts: Record<string, number> = {};

  before(async function () {
    this.timeout(180_000);
    const { workspace, repo, serverPid, workbench } = session();
    for (const file of ['triage.prompt.md', 'prompts/summary.txt', 'large.prompt.md'])
      counts[file] = cliCount(repo, join(workspace, file), 'o200k_base');
    assert.notEqual(counts['triage.prompt.md'], counts['prompts/summary.txt'], 'two files with different numbers');
    // A warm window: the extension is active (its spend item is up) and its host has finished starting.
    await workbench.statusBarItem('llmWorkbench.spend').waitFor({ timeout: 90_000 });
    assert.ok(serverPid, 'the harness passes code-server’s pid');
    const waited = await waitForExtensionHostIdle(serverPid);
    console.log(`      (window warm after ${waited} ms more)`);
  });

  it('opening a prompt file shows its exact count within 1 s, with no other number before it', async function () {
    this.timeout(120_000);
    const { workbench } = session();
    const { page } = workbench;
    const expected = counts['triage.prompt.md'];
    await workbench.typeInQuickOpen('triage.prompt.md');
    await startStatusRecorder(page, TOKENS);
    await startLongTaskRecorder(page);
    await page.keyboard.press('Enter');
    await workbench.waitForEditor('triage.prompt.md');
    await workbench.waitForStatusBarText(TOKENS, (t) => shownTotal(t) === expected, 30_000);
    const samples = sinceLastInput(await stopStatusRecorder(page));
    const first = samples.find((s) => shownTotal(s.status) === expected)!;
    const elapsed = Math.round(first.t - samples[0].t);
    const windowBusy = await longTaskMsBetween(page, samples[0].t, first.t);
    const reaction = samples.find((s) => s.status !== null);
    const reactionMs = Math.round((reaction ?? first).t - samples[0].t);
    const load = loadavg()[0];
    recordMetric('firstCountOnOpenMs', elapsed);
    recordMetric('firstCountFirstReactionMs', reactionMs);
    recordMetric('firstCountLoadAverage', Math.round(load * 10) / 10);
    recordMetric('firstCountWindowBusyMs', windowBusy);
    console.log(
      `      first count ${elapsed} ms after Enter (the window's UI thread busy in long tasks ${windowBusy} ms of them):\n${describeSamples(samples).replace(/^/gm, '        ')}`,
    );
    // Before it: nothing (no editor was open), or the spinner — never a number.
    const before = samples.slice(0, samples.indexOf(first));
    assert.deepEqual(
      before.filter((s) => s.status !== null && !s.status.includes(COUNTING)),
      [],
      'only the spinner before the count',
    );
    // The ≤ 1 s target is a benchmark row, not an assertion (timings never decide a test): `npm run bench --
    // activation` runs this spec and reports firstCountOnOpenMs against it.
  });

  it('switching between two prompt files never shows the other file’s number, and the item stays up', async function () {
    this.timeout(180_000);
    const { workbench } = session();
    const { page } = workbench;
    const numbers: Record<string, number> = {
      'triage.prompt.md': counts['triage.prompt.md'],
      'summary.txt': counts['prompts/summary.txt'],
    };
    // First opening of the second file while the first one's number is shown: the spinner, then its own number.
    await workbench.typeInQuickOpen('prompts/summary.txt');
    await startStatusRecorder(page, TOKENS);
    await page.keyboard.press('Enter');
    await workbench.waitForEditor('prompts/summary.txt');
    await workbench.waitForStatusBarText(TOKENS, (t) => shownTotal(t) === numbers['summary.txt'], 30_000);
    const opening = sinceLastInput(await statusSamples(page));
    recordMetric(
      'secondFileCountOnOpenMs',
      Math.round(opening.find((s) => shownTotal(s.status) === numbers['summary.txt'])!.t - opening[0].t),
    );
    assertOneFileAtATime(opening, 'triage.prompt.md', 'summary.txt', numbers);

    // Quick switches by clicking the tabs, the next as soon as the status bar has reacted to the last.
    let from = 'summary.txt';
    const staleMs: number[] = [];
    for (let i = 0; i < 8; i++) {
      const to = from === 'summary.txt' ? 'triage.prompt.md' : 'summary.txt';
      const shownBefore = await workbench.statusBarText(TOKENS);
      await page.locator('.tabs-container .tab', { hasText: to }).first().click();
      await workbench.waitForStatusBarText(TOKENS, (t) => t !== shownBefore, 30_000);
      const switched = sinceLastInput(await statusSamples(page));
      const reacted = switched.find((s) => s.status !== switched[0].status);
      if (reacted) staleMs.push(Math.round(reacted.t - switched[0].t));
      from = to;
    }
    await workbench.waitForStatusBarText(TOKENS, (t) => shownTotal(t) === numbers[from], 30_000);
    const all = await stopStatusRecorder(page);
    // Each click: from the click until the next one, one file at a time.
    const clicks = all.map((s, i) => (s.input === 'click' ? i : -1)).filter((i) => i >= 0);
    let previous = 'summary.txt';
    clicks.forEach((start, n) => {
      const to = previous === 'summary.txt' ? 'triage.prompt.md' : 'summary.txt';
      assertOneFileAtATime(all.slice(start, clicks[n + 1] ?? all.length), previous, to, numbers);
      previous = to;
    });
    recordMetric('switchStaleMaxMs', Math.max(...staleMs));
    console.log(`      status bar reacted ${staleMs.join(', ')} ms after each tab click`);
  });

  it('opening a 1 MB prompt file shows the spinner, never an empty status bar, then its exact count', async function () {
    this.timeout(180_000);
    const { workbench } = session();
    const { page } = workbench;
    const expected = counts['large.prompt.md'];
    await workbench.typeInQuickOpen('large.prompt.md');
    await startStatusRecorder(page, TOKENS);
    await page.keyboard.press('Enter');
    await workbench.waitForEditor('large.prompt.md');
    await workbench.waitForStatusBarText(TOKENS, (t) => shownTotal(t) === expected, 120_000);
    const samples = sinceLastInput(await stopStatusRecorder(page));
    const done = samples.find((s) => shownTotal(s.status) === expected)!;
    recordMetric('largeFileCountOnOpenMs', Math.round(done.t - samples[0].t));
    const until = samples.slice(0, samples.indexOf(done) + 1);
    assert.deepEqual(
      until.filter((s) => s.status === null),
      [],
      `the item never left the status bar:\n${describeSamples(until)}`,
    );
    assert.ok(
      until.some((s) => s.status?.includes(COUNTING)),
      `the spinner while counting:\n${describeSamples(until)}`,
    );
    const others = until.filter((s) => {
      const n = shownTotal(s.status);
      return n !== undefined && n !== expected && n !== counts['prompts/summary.txt'];
    });
    assert.deepEqual(others, [], 'no number but the previous file’s (before the switch) and this one’s');
    // The previous file's number is gone once the status bar reacted to the switch, and never comes back.
    const reacted = until.findIndex((s) => s.status !== until[0].status);
    assert.deepEqual(
      until.slice(reacted).filter((s) => shownTotal(s.status) === counts['prompts/summary.txt']),
      [],
      `the previous file's number did not come back:\n${describeSamples(until)}`,
    );
    await workbench.screenshot('status-bar-large-prompt-opened');
  });
});

/**
 * What the status bar showed from one action (opening or switching to `to`, from `from`): `from`'s number only until
 * the status bar first changed (the window telling the extension takes a round trip), then only the spinner or `to`'s
 * number — never `from`'s number again, never another number, never no item.
 */
function assertOneFileAtATime(samples: StatusSample[], from: string, to: string, numbers: Record<string, number>): void {
  const text = describeSamples(samples);
  assert.deepEqual(
    samples.filter((s) => s.status === null),
    [],
    `the item never left the status bar (${from} → ${to}):\n${text}`,
  );
  const reacted = samples.findIndex((s) => s.status !== samples[0].status);
  assert.ok(reacted >= 0, `the status bar changed (${from} → ${to}):\n${text}`);
  for (const sample of samples.slice(reacted)) {
    const shown = shownTotal(sample.status);
    assert.ok(
      sample.status!.includes(COUNTING) || shown === numbers[to],
      `after switching ${from} → ${to} the status bar showed "${sample.status}" (${to}: ${numbers[to]}, ${from}: ${numbers[from]}):\n${text}`,
    );
  }
}
