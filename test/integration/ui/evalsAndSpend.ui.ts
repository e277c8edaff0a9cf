import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { localDayKey } from '../../../src/core/cost/calendarDay';
import { formatSpendUsd } from '../../../src/core/cost/spendSummary';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { scriptTickets, TICKET_MODELS } from '../fixtures/emulatorTickets';
import { writeSettings } from './chatView';
import { session } from './session';

/**
 * Evals in the editor and spend, in the real VS Code against the emulator: the ticket fixtures' answers are scripted
 * (tests/integration/fixtures/emulatorTickets.ts), so the verdicts, costs and the recommendation are known.
 */
const SPEND = 'llmWorkbench.spend';
/** Above what the run spends (about $0.02), so no confirmation interrupts it; drawn as a line in the cost report. */
const DAILY_BUDGET = 0.05;

/** Hovers the spend item until its tooltip contains `text`; returns the tooltip text. */
async function spendTooltip(workbench: ReturnType<typeof session>['workbench'], text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    await workbench.page.mouse.move(700, 400);
    await workbench.statusBarItem(SPEND).hover();
    const tooltip = workbench.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'LLM Workbench spend' }).first();
    if (
      await tooltip.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      )
    ) {
      last = await tooltip.innerText();
      if (last.includes(text)) return last;
    }
    await workbench.page.waitForTimeout(500);
  }
  throw new Error(`the spend tooltip never showed "${text}"; last: ${last}`);
}

/** The after-line decorations' text in the visible editor (rendered as CSS ::after content). */
async function decorationTexts(frame: Frame): Promise<string[]> {
  return frame.locator('.monaco-editor .view-lines span').evaluateAll((spans) =>
    spans
      .map((span) => getComputedStyle(span, '::after').content)
      .filter((c) => c && c !== 'none' && c !== 'normal' && /[✓✗]/.test(c))
      .map((c) => JSON.parse(c) as string),
  );
}

/** The frame of a webview panel that holds `selector` (webviews are nested iframes). */
async function webviewFrame(frames: () => Frame[], selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of frames()) {
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no webview showed ${selector}`);
}

/**
 * The chat view's frame, showing the view first. Found by what it contains rather than by iframe attributes, which
 * differ between a view's first show and a later one.
 */
async function chatFrame(workbench: ReturnType<typeof session>['workbench'], selector: string): Promise<Frame> {
  const icon = workbench.page
    .locator('.activitybar .action-item [aria-label^="LLM Workbench"], .activitybar .action-item[aria-label^="LLM Workbench"]')
    .first();
  await icon.waitFor({ timeout: 60_000 });
  const shown = workbench.page.locator('.sidebar .title-label', { hasText: /LLM Workbench/i });
  if (!(await shown.isVisible().catch(() => false))) await icon.click();
  return webviewFrame(() => workbench.page.frames(), selector, 60_000);
}

/** Today's spend straight from the ledger file: the number the status bar must show. */
function ledgerToday(home: string): { usd: number; unknown: number; calls: number; sources: Set<string> } {
  const file = join(home, 'ledger.jsonl');
  const today = localDayKey(new Date());
  const out = { usd: 0, unknown: 0, calls: 0, sources: new Set<string>() };
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { at: string; costUsd: number | null; source?: string };
    if (localDayKey(new Date(record.at)) !== today) continue;
    out.calls++;
    out.sources.add(record.source ?? '');
    if (record.costUsd === null) out.unknown++;
    else out.usd += record.costUsd;
  }
  return out;
}

describe('evals in the editor and spend, as a user sees them', function () {
  let emulator: Emulator;
  const saved: Record<'User' | 'Machine', string | undefined> = { User: undefined, Machine: undefined };

  before(async () => {
    const { userDataDir, workbench } = session();
    assert.ok(userDataDir);
    // Start from a usable workbench even if an earlier spec failed with a modal dialog or a quick pick open.
    for (let i = 0; i < 3; i++) {
      const modal = workbench.page.locator('.monaco-dialog-box');
      const quickPick = workbench.page.locator('.quick-input-widget:visible');
      if (!(await modal.isVisible().catch(() => false)) && !(await quickPick.isVisible().catch(() => false))) break;
      await workbench.page.keyboard.press('Escape');
      await workbench.page.waitForTimeout(300);
    }
    emulator = await startEmulator();
    scriptTickets(emulator);
    for (const scope of ['User', 'Machine'] as const) {
      const file = join(userDataDir, scope, 'settings.json');
      saved[scope] = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    }
    // An OpenAI-compatible endpoint needs no key; the models and their prices come from llmWorkbench.models.
    // Settings files apply a moment after they are written: wait until the spend tooltip shows the new budget,
    // writing again if a change right after an earlier spec's restore went unnoticed.
    let applied = false;
    for (let attempt = 0; attempt < 3 && !applied; attempt++) {
      writeSettings(userDataDir, { 'llmWorkbench.providers': [{ id: 'emu', kind: 'openai-compatible', baseUrl: emulator.openaiBaseUrl }] });
      writeSettings(userDataDir, {
        'llmWorkbench.models': TICKET_MODELS,
        'llmWorkbench.routes': { chat: { primary: 'emu:small' } },
        'llmWorkbench.budget.dailyUsd': DAILY_BUDGET + attempt * 1e-9,
      });
      applied = await spendTooltip(workbench, `of ${formatSpendUsd(DAILY_BUDGET)}`, 15_000).then(
        () => true,
        () => false,
      );
    }
    if (!applied) {
      await workbench.screenshot('FAILED-evals-settings-not-applied');
      throw new Error('the user settings written for this spec were never applied');
    }
  });

  after(async () => {
    const { userDataDir, workbench } = session();
    for (const scope of ['User', 'Machine'] as const) {
      if (userDataDir && saved[scope] !== undefined) writeFileSync(join(userDataDir, scope, 'settings.json'), saved[scope]!);
    }
    await workbench.runCommand('View: Close All Editors').catch(() => undefined);
    await emulator?.close();
  });

  it('runs an eval file: pass/fail in the gutter and decorations with the right numbers', async () => {
    const { workbench } = session();
    await workbench.openFile('evals/tickets.eval.yaml');
    await workbench.waitForCodeLenses((titles) => titles.filter((t) => t.includes('Run')).length >= 3);
    await workbench.runCommand('LLM Workbench: Run Evals in File');
    const page = workbench.page;
    let texts: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && texts.length < 3) {
      texts = await decorationTexts(page.mainFrame());
      await page.waitForTimeout(250);
    }
    assert.equal(texts.length, 3, `decorations: ${JSON.stringify(texts)}`);
    // 1,000 input + 10 output tokens at $0.10 / $0.40 per 1M = $0.000104 per call.
    assert.match(texts[0], /^✓ \d+ ms · \$0\.0001$/);
    assert.match(texts[1], /^✓ \d+ ms · \$0\.0001$/);
    assert.ok(texts[2].startsWith('✗ expected "invoice", got "maybe billing or legal"'), texts[2]);
    // Gutter icons only: left of the line numbers (the inline failure message carries a failed icon too).
    const inGutter = async (icon: string) => {
      const numbersX = (await page.locator('.monaco-editor .line-numbers').first().boundingBox())?.x ?? 0;
      const xs = await page
        .locator(`.monaco-editor .codicon-testing-${icon}-icon`)
        .evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().x));
      return xs.filter((x) => x < numbersX).length;
    };
    const gutter = async () => ({ passed: await inGutter('passed'), failed: await inGutter('failed') });
    let icons = await gutter();
    for (let i = 0; i < 60 && (icons.passed !== 2 || icons.failed !== 1); i++) {
      await page.waitForTimeout(250);
      icons = await gutter();
    }
    assert.deepEqual(icons, { passed: 2, failed: 1 });
    await workbench.screenshot('evals-decorations');
  });

  it('a failing case shows the expected/actual diff at the failing assertion', async () => {
    const { workbench } = session();
    // VS Code shows a diff message inline as "actual != expected", on the line the message points at.
    const inline = workbench.page.locator('.monaco-editor').getByText('maybe billing or legal != invoice');
    await inline.first().waitFor({ timeout: 15_000 });
    // It sits on the failing `equals` (line 26), not on the passing `not-icontains` above it nor on the case line.
    const y = (await inline.first().boundingBox())!.y;
    const equalsLine = await workbench.page.locator('.monaco-editor .line-numbers', { hasText: /^26$/ }).first().boundingBox();
    assert.ok(equalsLine && Math.abs(equalsLine.y - y) < equalsLine.height, `inline message at y=${y}, line 26 at y=${equalsLine?.y}`);
    await inline.first().click();
    const peek = workbench.page.locator('.test-output-peek');
    await peek.waitFor({ state: 'visible', timeout: 20_000 });
    await peek.locator('.monaco-diff-editor').first().waitFor({ timeout: 20_000 });
    const text = (await peek.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /maybe billing or legal/);
    assert.match(text, /invoice/);
    await workbench.screenshot('evals-failure-diff');
    await workbench.page.keyboard.press('Escape');
  });

  it('the status bar spend equals the ledger after a chat and an eval run', async () => {
    const { workbench, workbenchHome } = session();
    assert.ok(workbenchHome);
    const before = ledgerToday(workbenchHome).calls;
    const chat = await chatFrame(workbench, 'textarea.input').catch(async (error) => {
      await workbench.screenshot('FAILED-evals-chat-view');
      throw error;
    });
    await chat.locator('textarea.input').fill('Which label fits "please resend the invoice for March"?');
    await chat.locator('textarea.input').press('Enter');
    for (let i = 0; i < 120 && ledgerToday(workbenchHome).calls === before; i++) await workbench.page.waitForTimeout(250);
    const ledger = ledgerToday(workbenchHome);
    assert.ok(ledger.sources.has('chat') && ledger.sources.has('eval'), `ledger sources: ${[...ledger.sources]}`);
    const expected = `${formatSpendUsd(ledger.usd)}${ledger.unknown > 0 ? '+' : ''} today`;
    const shown = await workbench.waitForStatusBarText(SPEND, (t) => t === expected, 30_000);
    assert.equal(shown, expected);
    const tooltip = await spendTooltip(workbench, 'Top models today');
    assert.match(tooltip, /emu:small/);
    assert.match(tooltip, new RegExp(`Daily budget: \\${formatSpendUsd(ledger.usd)} of \\$0\\.05`));
    await workbench.screenshot('spend-status-tooltip');
    await workbench.page.keyboard.press('Escape');
    await workbench.page.mouse.move(700, 400);
  });

  it('compares models on an eval file and recommends the cheapest one that passes', async () => {
    const { workbench } = session();
    // Keyboard focus back from the chat webview to the workbench (the editor), so Ctrl+P reaches Quick Open.
    await workbench.page.locator('.part.editor .monaco-editor .view-lines').first().click();
    await workbench.page.keyboard.press('Control+Shift+E');
    await workbench.openFile('evals/compare.eval.yaml');
    await workbench.page.keyboard.press('F1');
    const input = workbench.page.locator('.quick-input-widget input');
    await input.fill('>LLM Workbench: Compare Models on This Eval File');
    await workbench.page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await workbench.page.waitForTimeout(200);
    await input.press('Enter');
    // The pick list opens with the file's three providers checked; accept them.
    await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'emu:large' }).first().waitFor({ timeout: 20_000 });
    await workbench.page.waitForTimeout(200);
    await input.press('Enter');
    const frame = await webviewFrame(() => workbench.page.frames(), '#recommended-model', 90_000);
    assert.equal((await frame.locator('#recommended-model').innerText()).trim(), 'emu:medium');
    const rows = await frame
      .locator('table[aria-label="Models"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')));
    assert.deepEqual(rows, ['emu:small', 'emu:medium', 'emu:large']);
    assert.match(await frame.locator('tr[data-model="emu:small"]').innerText(), /66\.7% \(2\/3\)/);
    await workbench.screenshot('evals-compare');
  });

  it('opens the cost report: spend by day as a chart, by model and task as tables', async () => {
    const { workbench } = session();
    await workbench.runCommand('View: Close All Editors');
    await workbench.runCommand('LLM Workbench: Open Cost Report');
    const frame = await webviewFrame(() => workbench.page.frames(), 'svg.chart', 60_000);
    assert.equal(await frame.locator('svg.chart g.bar').count(), 30);
    const models = await frame
      .locator('table[aria-label="By model"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    for (const model of ['emu:small', 'emu:medium', 'emu:large']) assert.ok(models.includes(model), `${model} in ${models}`);
    const tasks = await frame
      .locator('table[aria-label="By task"] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    assert.ok(tasks.includes('classify') && tasks.includes('chat'), `tasks: ${tasks}`);
    await workbench.screenshot('cost-report');
  });
});
