import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { ChatView } from './chatView';
import { session } from './session';

/**
 * #16 items 1 and 2 in a remote window (code-server is one, like Remote-SSH, WSL and Codespaces): a new user with
 * nothing configured is told what to configure and Open Settings lands on the User tab showing the extension's
 * settings (not "No Settings Found"); a provider added to the User settings is then used; an Ollama provider's
 * `numCtx` is the window the budget uses, and the settings file raises no "Property numCtx is not allowed".
 */
const TOKENS = 'llmWorkbench.tokens';

describe('User settings in a remote window (#16 items 1 and 2)', function () {
  let emulator: Emulator;
  let chat: ChatView;

  before(async function () {
    this.timeout(120_000);
    emulator = await startEmulator();
    chat = new ChatView(session().workbench);
    await chat.open();
  });

  after(async () => {
    await emulator?.close();
  });

  it('with nothing configured, the chat says what to configure and its Open Settings shows the settings on the User tab', async () => {
    const { workbench } = session();
    const { page } = workbench;
    const answer = await chat.askAndWait('Hello?', 90_000);
    assert.equal((await answer.locator('.turn-header .who').innerText()).trim(), 'Not sent');
    assert.match(await answer.locator('.error-message').innerText(), /llmWorkbench\.(routes|providers)/);
    await answer.locator('.error-actions button', { hasText: 'Open Settings' }).click();

    const editor = page.locator('.settings-editor');
    await editor.waitFor({ timeout: 30_000 });
    // The User tab is the one selected: the tab where a User value is shown and edited.
    const selected = editor.locator('.settings-tabs-widget .action-label.checked');
    await selected.waitFor({ timeout: 30_000 }); // 15 s was too short once at load 23 on 2 cores
    assert.match((await selected.innerText()).trim(), /^User/);
    // Results, not "No Settings Found": the count says how many, and the extension's settings are listed.
    const count = editor.locator('.settings-count-widget');
    await count.filter({ hasText: /\d+ Settings? Found/ }).waitFor({ timeout: 15_000 });
    assert.equal(await editor.locator('.no-results-message').isVisible(), false, 'no "No Settings Found"');
    const rows = editor.locator('.settings-editor-tree .setting-item-contents');
    await rows.first().waitFor({ timeout: 15_000 });
    // Scroll the list until the providers setting is shown (the results are the extension's settings, in its order).
    const providers = rows.filter({ has: page.locator('.setting-item-label', { hasText: /^Providers$/ }) });
    // The wheel goes where the mouse is. A hover popup of a setting (e.g. "not specific to the current profile")
    // can cover the list's middle and intercept a locator hover, so the mouse is moved by coordinates to the list's
    // left margin, where no setting's indicator opens a popup.
    const tree = await editor.locator('.settings-editor-tree').boundingBox();
    assert.ok(tree, 'the settings list has a box');
    for (let i = 0; i < 30 && !(await providers.count()); i++) {
      await page.mouse.move(tree.x + 4, tree.y + tree.height / 2);
      await page.mouse.wheel(0, 300);
      await page.waitForTimeout(150);
    }
    await providers.first().waitFor({ timeout: 5_000 });
    assert.match(await providers.first().innerText(), /Llm Workbench/i);
    await providers.first().scrollIntoViewIfNeeded();
    await workbench.screenshot('settings-user-tab-providers');
    // VS Code 1.139 shows the Settings editor over the workbench: Escape (twice: the search box first) closes it.
    for (let i = 0; i < 6 && (await editor.isVisible()); i++) {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
    await editor.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  it('a provider added to the User settings is used', async () => {
    const { userDataDir, workbench } = session();
    assert.ok(userDataDir);
    await editUserSettings(userDataDir, {
      'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl }],
      'llmWorkbench.routes': { chat: { primary: 'openai:gpt-4o-mini' } },
    });
    await workbench.closeModalEditor();
    await chat.open();
    await chat.waitForModel('openai:gpt-4o-mini', 60_000);
    // Where it is: the User settings, not the remote machine's (code-server's Machine/settings.json).
    const machine = join(userDataDir, 'Machine', 'settings.json');
    assert.ok(!existsSync(machine) || !readFileSync(machine, 'utf8').includes('llmWorkbench.providers'));
    await chat.setApiKeyFromPalette('openai', `sk-it-${randomBytes(8).toString('hex')}`);
    emulator.enqueue({ text: 'Answered through the provider in your User settings.', usage: { input: 20, output: 8 } });
    const answer = await chat.askAndWait('Which provider answers?');
    assert.equal(await answer.locator('.markdown-body').innerText(), 'Answered through the provider in your User settings.');
    assert.equal((await chat.footer(answer)).model, 'openai:gpt-4o-mini');
    assert.equal(emulator.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 1);
  });

  it('an Ollama provider’s numCtx is the window of the budget, and settings.json does not call it not allowed', async function () {
    this.timeout(200_000);
    const { userDataDir, workbench, workspace } = session();
    const { page } = workbench;
    assert.ok(userDataDir);
    writeFileSync(
      join(workspace, 'local-llama.prompt.md'),
      '---\nmodel: ollama:llama3.1:8b\n---\n# System\nYou review pull requests.\n\n# User\nReview this diff for missing error handling.\n',
    );
    // Problems open first: it stays open behind the modal settings editor and lists that file's markers as they come.
    // (The keyboard leaves the chat webview first, so the workbench gets Ctrl+Shift+M.)
    await workbench.closeModalEditor();
    await page
      .locator('.part.editor:not(.modal-editor-part)')
      .click()
      .catch(() => undefined);
    assert.deepEqual(
      (await workbench.problems()).filter((r) => /settings\.json/.test(r)),
      [],
      'no settings.json problems before the edit',
    );
    await editUserSettings(userDataDir, {
      'llmWorkbench.providers': [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        // The emulator's llama3.1:8b has no num_ctx: Ollama would run it at its default 4,096.
        { id: 'ollama', kind: 'ollama', baseUrl: emulator.ollamaBaseUrl, numCtx: 8192 },
      ],
      // The control for the check below: a value VS Code's schema validation reports, so Problems has been filled.
      'editor.fontSize': 'large',
    });

    // The file as the user just saved it, validated against the settings schema (the extension's part included).
    let rows: string[] = [];
    const validated = (r: string[]) => r.some((row) => /Incorrect type\. Expected "number"/.test(row));
    for (let attempt = 0; attempt < 120 && !validated(rows); attempt++) {
      rows = await workbench.problemRows();
      if (!validated(rows)) await page.waitForTimeout(500);
    }
    assert.ok(validated(rows), `the settings file was validated (the control): ${JSON.stringify(rows)}`);
    assert.deepEqual(
      rows.filter((r) => /numCtx|not allowed/i.test(r)),
      [],
      'no warning about numCtx',
    );
    // And the schema knows numCtx: hovering the key shows its description (an unknown key would show none).
    const key = workbench
      .modalEditor()
      .locator('.view-line > span > span', { hasText: /numCtx/ })
      .first();
    const box = await key.boundingBox();
    assert.ok(box, 'the numCtx line is shown');
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').filter({ hasText: 'num_ctx' }).first();
    let described = false;
    for (let attempt = 0; attempt < 8 && !described; attempt++) {
      await page.mouse.move(box.x + 3, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
      described = await hover.waitFor({ state: 'visible', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    }
    assert.ok(described, 'a hover over "numCtx" describes it');
    assert.match(await hover.innerText(), /Ollama only: the context window \(num_ctx\) sent with every call/);
    await workbench.screenshot('numctx-settings-json');
    await workbench.closeModalEditor();

    await workbench.openFile('local-llama.prompt.md');
    await workbench.waitForStatusBarText(TOKENS, (t) => /of llama3\.1:8b \(Ollama\)$/.test(t), 60_000);
    const expected = "Window 8,192 = numCtx of provider 'ollama' in llmWorkbench.providers (sent with every call).";
    let tooltip = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !tooltip.includes(expected)) {
      // By coordinates, not a locator hover: another popup (a hover left over the editor) would intercept that.
      const item = await workbench.statusBarItem(TOKENS).first().boundingBox();
      assert.ok(item, 'the token count item has a box');
      await page.mouse.move(700, 400);
      await page.mouse.move(item.x + item.width / 2, item.y + item.height / 2, { steps: 3 });
      const tip = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'reserved output' }).first();
      if (
        await tip.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        tooltip = await tip.innerText({ timeout: 2_000 }).catch(() => tooltip);
      if (!tooltip.includes(expected)) await page.keyboard.press('Escape');
    }
    assert.ok(tooltip.includes(expected), `tooltip: ${tooltip}`);
    assert.match(tooltip, /llama3\.1:8b \(Ollama\)'s 8,192-token window/);
    assert.doesNotMatch(tooltip, /4,096/);
    await workbench.screenshot('numctx-window-tooltip');
    await page.keyboard.press('Escape');
  });
});

/**
 * Adds `values` to the User settings as a user does: *Preferences: Open User Settings (JSON)*, which VS Code 1.139
 * opens in a modal editor over the workbench, the whole file replaced by a pasted version with the new values, Ctrl+S.
 * Returns with the modal editor still open (its markers are checked there); `workbench.closeModalEditor()` closes it.
 */
async function editUserSettings(userDataDir: string, values: Record<string, unknown>): Promise<void> {
  const { workbench } = session();
  const { page } = workbench;
  const file = join(userDataDir, 'User', 'settings.json');
  // VS Code migrates two of the harness's quiet settings by rewriting settings.json a few seconds after start
  // (harness/codeServer.ts); an edit saved during that rewrite races it. Wait until the file shows it happened.
  const migrated = () => {
    try {
      const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return current['workbench.colorTheme'] !== 'Default Dark Modern' && current['extensions.autoUpdate'] !== false;
    } catch {
      return false; // being written
    }
  };
  for (let waited = 0; waited < 30_000 && !migrated(); waited += 250) await page.waitForTimeout(250);
  // A modal editor an earlier failed test left open would keep the palette from opening (no-op when none is open).
  await workbench.closeModalEditor();
  // Keyboard focus out of the chat webview, so F1 reaches the workbench.
  await page
    .locator('.part.editor:not(.modal-editor-part)')
    .click()
    .catch(() => undefined);
  await workbench.runCommand('Preferences: Open User Settings (JSON)');
  await workbench.waitForModalEditor('settings.json');
  const merged = { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...values };
  await page.keyboard.press('Control+A');
  await workbench.paste(JSON.stringify(merged, null, 2));
  await page.keyboard.press('Control+S');
  // The modal editor has no tab to show "unsaved": the file on disk is what tells the save landed.
  const saved = () => {
    try {
      return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(merged);
    } catch {
      return false; // being written
    }
  };
  for (let waited = 0; waited < 30_000 && !saved(); waited += 250) await page.waitForTimeout(250);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), merged, 'saved as pasted');
}
