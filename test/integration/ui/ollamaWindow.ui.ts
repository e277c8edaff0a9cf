import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { writeSettings } from './chatView';
import { session } from './session';

const TOKENS = 'llmWorkbench.tokens';

/**
 * An Ollama budget model is measured against the context the server will use (num_ctx from /api/show), and the
 * status bar tooltip says where the number came from. The loopback emulator plays the Ollama server.
 */
describe('Ollama window, as a user sees it', function () {
  let emulator: Emulator;
  const saved: Record<'User' | 'Machine', string | undefined> = { User: undefined, Machine: undefined };

  before(async () => {
    const { userDataDir } = session();
    assert.ok(userDataDir, "the harness passes code-server's user-data dir");
    emulator = await startEmulator();
    for (const scope of ['User', 'Machine'] as const) {
      const file = join(userDataDir, scope, 'settings.json');
      saved[scope] = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    }
    // Provider endpoints are machine-scoped: in code-server they live in the machine's settings.
    writeSettings(userDataDir, { 'llmWorkbench.providers': [{ id: 'ollama', kind: 'ollama', baseUrl: emulator.ollamaBaseUrl }] });
    // The fixture workspace sets the budget model; the prompt's own front matter names the Ollama model instead.
    writeFileSync(
      join(session().workspace, 'local.prompt.md'),
      '---\nmodel: ollama:qwen2.5-coder:7b\n---\n# System\nYou review pull requests.\n\n# User\nReview this diff for missing error handling.\n',
    );
  });

  after(async () => {
    const { userDataDir } = session();
    if (userDataDir)
      for (const scope of ['User', 'Machine'] as const) writeFileSync(join(userDataDir, scope, 'settings.json'), saved[scope] ?? '{}');
    await emulator?.close();
  });

  it("the status bar tooltip shows the server's num_ctx and where it came from", async function () {
    this.timeout(200_000);
    const { workbench } = session();
    await workbench.openFile('local.prompt.md');
    await workbench.waitForStatusBarText(TOKENS, (t) => /of qwen2\.5-coder:7b \(Ollama\)$/.test(t), 60_000);
    const expected = `num_ctx of qwen2.5-coder:7b from the Ollama server at ${emulator.ollamaBaseUrl}`;
    // The server's answer lands a moment after the first render: hover until the tooltip has it. On a loaded machine
    // the first lookup can exceed its 2 s limit and count as unreachable; the server is asked again on a read 30 s
    // later (DEFAULT_RETRY_AFTER_MS), so wait past one retry.
    const deadline = Date.now() + 75_000;
    let last = '';
    while (Date.now() < deadline && !last.includes(expected)) {
      await workbench.page.mouse.move(700, 400);
      await workbench.statusBarItem(TOKENS).hover();
      const tooltip = workbench.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'reserved output' }).first();
      // The hover can close between becoming visible and being read (the item re-renders when the answer lands): read
      // it briefly and hover again rather than waiting on a hover that is gone.
      if (
        await tooltip.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        last = await tooltip.innerText({ timeout: 2_000 }).catch(() => last);
      if (!last.includes(expected)) {
        // A lookup that failed is asked again on the next read after 30 s, and a read comes with a re-render: type
        // and undo a character, as a user's editing would.
        await workbench.page.keyboard.press('Escape');
        await workbench.page.keyboard.type('x');
        await workbench.page.keyboard.press('Backspace');
        await workbench.page.waitForTimeout(1_000);
      }
    }
    assert.ok(last.includes(`Window 8,192 = ${expected}`), `tooltip: ${last}`);
    assert.match(last, /of qwen2\.5-coder:7b \(Ollama\)'s 8,192-token window/);
    assert.ok(
      emulator.requests.some((r) => r.path === '/api/show'),
      'asked the server',
    );
    await workbench.screenshot('ollama-window-tooltip');
    await workbench.page.keyboard.press('Escape');
    await workbench.page.mouse.move(700, 400);
  });
});
