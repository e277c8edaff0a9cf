import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { session } from './session';
import { cliCount, textCount } from './referenceCount';

const TOKENS = 'llmWorkbench.tokens';
/** Shown text, icons excluded: `[1,204 / ]≈?12,408 tok · 9.7% of GPT-4o`. */
const COUNT = /(?:(≈?[\d,]+) \/ )?≈?([\d,]+) tok · ([\d.<]+)% of (.+)$/;

function shownTotal(text: string): number {
  const match = COUNT.exec(text);
  if (!match) throw new Error(`no count in "${text}"`);
  return Number(match[2].replace(/,/g, ''));
}

describe('token features, as a user sees them', () => {
  it('shows the exact count of a 1 MB prompt file in the status bar, matching the CLI', async () => {
    const { workbench, workspace, repo } = session();
    await workbench.openFile('large.prompt.md');
    const text = await workbench.waitForStatusBarText(TOKENS, (t) => COUNT.test(t), 90_000);
    const expected = cliCount(repo, join(workspace, 'large.prompt.md'), 'o200k_base');
    assert.equal(shownTotal(text), expected, `status bar "${text}" vs llm-workbench count`);
    assert.match(text, /of GPT-4\.1$/);
    await workbench.screenshot('status-bar-large-prompt');
  });

  it('updates the count while typing', async () => {
    const { workbench, workspace } = session();
    const before = shownTotal(await workbench.statusBarText(TOKENS));
    const question = 'Which releases changed the billing export?';
    await workbench.page.keyboard.press('Control+End');
    await workbench.clickEndOfLine(question);
    const typed = ' Also list the dates and the people who approved them.';
    await workbench.page.keyboard.type(typed, { delay: 15 });
    const original = readFileSync(join(workspace, 'large.prompt.md'), 'utf8');
    const expected = await textCount(original.replace(question, question + typed), 'o200k_base');
    const text = await workbench.waitForStatusBarText(TOKENS, (t) => COUNT.test(t) && shownTotal(t) === expected, 30_000);
    assert.ok(shownTotal(text) > before);
    await workbench.screenshot('status-bar-after-typing');
  });

  it('shows the budget breakdown and one call’s cost per model in the status bar tooltip', async () => {
    const { workbench } = session();
    await workbench.statusBarItem(TOKENS).hover();
    const tooltip = workbench.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'reserved output' });
    await tooltip.first().waitFor({ state: 'visible', timeout: 15_000 });
    const text = await tooltip.first().innerText();
    assert.match(text, /GPT-4\.1/);
    assert.match(text, /One call/);
    await workbench.screenshot('status-bar-tooltip');
    await workbench.page.keyboard.press('Escape');
    await workbench.page.mouse.move(700, 400);
  });

  it('lists an Error in Problems for a prompt that does not fit the window', async () => {
    const { workbench } = session();
    await workbench.openFile('oversized.prompt.md');
    await workbench.waitForStatusBarText(TOKENS, (t) => COUNT.test(t), 60_000);
    let rows: string[] = [];
    for (let attempt = 0; attempt < 40 && !rows.some((r) => /128,000/.test(r)); attempt++) {
      rows = await workbench.problems();
      if (!rows.some((r) => /128,000/.test(r))) await workbench.page.waitForTimeout(500);
    }
    const error = rows.find((r) => /128,000/.test(r));
    assert.ok(error, `an over-window problem among ${JSON.stringify(rows)}`);
    assert.match(error, /^Error/i);
    await workbench.screenshot('problems-oversized-prompt');
  });

  it('shows a CodeLens with tokens and share above each section', async () => {
    const { workbench } = session();
    await workbench.runCommand('View: Close Panel');
    await workbench.openFile('triage.prompt.md');
    const titles = await workbench.waitForCodeLenses((t) => t.filter((title) => / tokens · /.test(title)).length >= 3);
    assert.ok(
      titles.every((title) => /of GPT-4o mini/.test(title)),
      JSON.stringify(titles),
    );
    assert.ok(
      titles.some((title) => /user [\d,]+ \/ 10/.test(title)),
      `a bucket limit shown in ${JSON.stringify(titles)}`,
    );
    await workbench.screenshot('codelens-sections');
  });

  it('shows tokens, cost per model and the monthly projection when hovering a section heading', async () => {
    const { workbench } = session();
    const text = await workbench.hoverAt('## Examples');
    assert.match(text, /Examples — [\d,]+ tokens/);
    assert.match(text, /One call/);
    assert.match(text, /Monthly/);
    await workbench.screenshot('hover-section');
    await workbench.page.mouse.move(0, 0);
  });

  it('picks another budget model from the status bar', async () => {
    const { workbench } = session();
    await workbench.page.keyboard.press('Escape');
    await workbench.statusBarItem(TOKENS).click();
    const input = workbench.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('Claude Sonnet 4.5');
    await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Claude Sonnet 4.5' }).first().waitFor();
    await workbench.screenshot('pick-budget-model');
    await input.press('Enter');
    // triage.prompt.md names its own model in front matter; notes.txt follows the budget model.
    await workbench.openFile('notes.txt');
    const text = await workbench.waitForStatusBarText(TOKENS, (t) => /Claude Sonnet 4\.5$/.test(t), 30_000);
    assert.match(text, /≈[\d,]+ tok/, 'Claude counts are estimates');
  });

  it('an eval file is counted but is not a prompt: Run lenses and no token lenses, and the tooltip says what is sent', async () => {
    // A fixture naming openai, known in every workspace (nothing is called): a file naming only providers unknown to
    // the workspace is an error with no Run lens.
    await evalFileIsNotAPrompt('not-a-prompt.eval.yaml');
  });
});

/** Run lenses and no token lenses on an eval file, and a tooltip that says what is sent. */
async function evalFileIsNotAPrompt(name: string): Promise<void> {
  const { workbench } = session();
  await workbench.page.keyboard.press('Escape');
  await workbench.openFile(name);
  await workbench.waitForStatusBarText(TOKENS, (t) => COUNT.test(t), 60_000);
  // The eval lenses (Run) are there: the token lenses, had there been any, would have been asked at the same time.
  const titles = await workbench.waitForCodeLenses((t) => t.some((title) => /Run/.test(title)), 60_000);
  assert.deepEqual(
    titles.filter((title) => / tokens · /.test(title)),
    [],
    `no section lenses in ${JSON.stringify(titles)}`,
  );
  await workbench.statusBarItem(TOKENS).hover();
  const tooltip = workbench.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'An eval file' });
  await tooltip.first().waitFor({ state: 'visible', timeout: 15_000 });
  const text = await tooltip.first().innerText();
  assert.match(text, /What is sent are its prompts with each test’s vars/);
  assert.doesNotMatch(text, /budget:/, 'no front-matter advice for a file that has none');
  await workbench.screenshot('eval-file-not-a-prompt');
  await workbench.page.keyboard.press('Escape');
  await workbench.page.mouse.move(700, 400);
}
