import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { scriptTickets, TICKET_MODELS } from '../fixtures/emulatorTickets';
import { session, workbenchMode } from './session';

/**
 * #16 item 9: Restricted Mode gives one signal. This file's workbench starts with workspace trust on and the folder
 * not trusted (the harness's `untrusted` mode), as a user who chose "Don't Trust" has it. An eval file with three
 * cases, each with a javascript assertion that would fail if it ran: one checked only by it, one whose `equals`
 * passes beside it, one whose `equals` fails beside it. The javascript never runs; a case whose only open question is
 * the skipped javascript is Skipped — in the gutter, the decoration (in the skipped colour) and the Testing view alike,
 * never a green ✓ —, and the failing `equals` still fails.
 */
let emulator: Emulator | undefined;
workbenchMode({
  workspaceTrust: 'untrusted',
  // The provider is in place before the window opens: the eval file is read once with it known.
  userSettings: async () => {
    emulator = await startEmulator();
    scriptTickets(emulator);
    return {
      'llmWorkbench.providers': [{ id: 'emu', kind: 'openai-compatible', baseUrl: emulator.openaiBaseUrl }],
      'llmWorkbench.models': TICKET_MODELS,
    };
  },
});

const FILE = 'evals/restricted.eval.yaml';

interface Decoration {
  text: string;
  color: string;
}

/**
 * The after-line decorations of eval verdicts (✓ ✗ ○) in the visible editor, top to bottom (the editor reuses line
 * elements, so their order in the page is not the lines' order), with their colour.
 */
async function verdictDecorations(): Promise<Decoration[]> {
  const { page } = session().workbench;
  return page.locator('.monaco-editor .view-lines span').evaluateAll((spans) =>
    spans
      .map((span) => {
        const style = getComputedStyle(span, '::after');
        return { content: style.content, color: style.color, y: span.getBoundingClientRect().y };
      })
      .filter(({ content }) => content && content !== 'none' && content !== 'normal' && /[✓✗○]/.test(content))
      .sort((a, b) => a.y - b.y)
      .map(({ content, color }) => ({ text: JSON.parse(content) as string, color })),
  );
}

/** Gutter icons of one kind (left of the line numbers: the inline failure message carries icons too). */
async function gutterIcons(kind: 'passed' | 'failed' | 'skipped'): Promise<{ count: number; color?: string }> {
  const { page } = session().workbench;
  const numbersX = (await page.locator('.monaco-editor .line-numbers').first().boundingBox())?.x ?? 0;
  const found = await page
    .locator(`.monaco-editor .codicon-testing-${kind}-icon`)
    .evaluateAll((nodes) => nodes.map((n) => ({ x: n.getBoundingClientRect().x, color: getComputedStyle(n).color })));
  const inGutter = found.filter((f) => f.x < numbersX);
  return { count: inGutter.length, color: inGutter[0]?.color };
}

describe('Restricted Mode, as a user sees it (#16 item 9)', function () {
  before(async () => {
    const { workbench } = session();
    assert.ok(emulator, 'the workbench started with the emulator as its provider');
    // The harness mode worked: the window is in Restricted Mode (VS Code's own status bar item says so).
    await workbench.page
      .locator('.statusbar-item', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        await workbench.screenshot('FAILED-restricted-mode-not-restricted');
        throw new Error(`the untrusted workbench shows no Restricted Mode indicator: ${String(error)}`);
      });
  });

  after(async () => {
    await emulator?.close();
  });

  it('a case checked only by javascript is Skipped in the gutter, the decoration and the Testing view; its code never runs', async function () {
    this.timeout(240_000);
    const { workbench } = session();
    const { page } = workbench;
    await workbench.openFile(FILE);
    await workbench.waitForCodeLenses((titles) => titles.filter((t) => t.includes('Run')).length >= 2, 90_000);
    await workbench.runCommand('LLM Workbench: Run Evals in File');

    let decorations: Decoration[] = [];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && decorations.length < 3) {
      decorations = await verdictDecorations();
      if (decorations.length < 3) await page.waitForTimeout(250);
    }
    assert.equal(decorations.length, 3, `decorations: ${JSON.stringify(decorations)}`);
    const [onlyCode, labelAndCode, wrongLabel] = decorations;
    // 1,000 + 10 tokens on emu:small: $0.0001 a call (fixtures/emulatorTickets.ts).
    const skipped = /^○ skipped: its javascript assertion did not run \(workspace not trusted\) · \d+ ms · \$0\.0001$/;
    assert.match(onlyCode.text, skipped);
    // Its equals passed, but the javascript is an open question: skipped, never a ✓.
    assert.match(labelAndCode.text, skipped);
    // The checks that can run still do: a wrong label fails, and says its javascript was skipped.
    assert.match(
      wrongLabel.text,
      /^✗ expected "invoice", got "maybe billing or legal" · \d+ ms · \$0\.0001 · 1 skipped: workspace not trusted$/,
    );

    // Gutter: two skipped, one failed, no pass (a javascript assertion that ran would have failed all three).
    const gutter = async () => ({
      passed: await gutterIcons('passed'),
      failed: await gutterIcons('failed'),
      skipped: await gutterIcons('skipped'),
    });
    let icons = await gutter();
    for (let i = 0; i < 60 && (icons.skipped.count !== 2 || icons.failed.count !== 1); i++) {
      await page.waitForTimeout(250);
      icons = await gutter();
    }
    assert.deepEqual(
      { passed: icons.passed.count, failed: icons.failed.count, skipped: icons.skipped.count },
      { passed: 0, failed: 1, skipped: 2 },
    );
    // The skipped decorations have the skipped icon's colour, never the pass colour.
    const passColour = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--vscode-testing-iconPassed)';
      document.body.append(probe);
      const colour = getComputedStyle(probe).color;
      probe.remove();
      return colour;
    });
    for (const decoration of [onlyCode, labelAndCode]) {
      assert.equal(decoration.color, icons.skipped.color, `"${decoration.text}" in the gutter's skipped colour`);
      assert.notEqual(decoration.color, passColour, `"${decoration.text}" is not in the pass colour`);
    }
    assert.equal(wrongLabel.color, icons.failed.color);
    await workbench.screenshot('restricted-mode-eval-decorations');

    // The Testing view says the same.
    await workbench.runCommand('Testing: Focus on Test Explorer View');
    const tree = page.locator('.test-explorer .monaco-list-row');
    const rowLabel = async (name: string) =>
      (await tree
        .filter({ hasText: name })
        .first()
        .getAttribute('aria-label')
        .catch(() => null)) ?? '';
    // Expand the file's node until its cases are rows.
    for (let i = 0; i < 40 && !(await tree.filter({ hasText: 'only code checks it' }).count()); i++) {
      const collapsed = tree.filter({ hasText: 'restricted.eval.yaml' }).first();
      if ((await collapsed.getAttribute('aria-expanded').catch(() => null)) === 'false') await collapsed.click();
      else {
        const anyCollapsed = tree.locator('xpath=self::*[@aria-expanded="false"]').first();
        if (await anyCollapsed.count()) await anyCollapsed.click();
      }
      await page.waitForTimeout(250);
    }
    const skippedRow = tree.filter({ hasText: 'only code checks it' }).first();
    await skippedRow.waitFor({ timeout: 20_000 });
    const icon = async (row: typeof skippedRow) =>
      row
        .locator('.codicon[class*="codicon-testing-"]')
        .first()
        .evaluate((n) => n.className);
    assert.match(await icon(skippedRow), /testing-skipped-icon/, `row: ${await rowLabel('only code checks it')}`);
    assert.match(await icon(tree.filter({ hasText: 'a label and code' }).first()), /testing-skipped-icon/);
    assert.match(await icon(tree.filter({ hasText: 'a wrong label and code' }).first()), /testing-failed-icon/);
    assert.equal(emulator!.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 3, 'every case asked the model');
    await workbench.screenshot('restricted-mode-test-explorer');
  });
});
