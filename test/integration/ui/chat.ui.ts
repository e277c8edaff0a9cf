import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../emulator/emulator';
import { ChatView, writeSettings } from './chatView';
import { session } from './session';

/**
 * The chat sidebar in the real VS Code (code-server), answering from the loopback provider emulator.
 * Settings point the extension at the emulator; the API key goes in through the real "Set API Key" command.
 */
const ANSWER_MD = [
  'Wrap the function so calls within `ms` collapse into one:\n\n',
  '```ts\nfunction debounce<T extends unknown[]>(fn: (...args: T) => void, ms: number) {\n',
  '  let timer: ReturnType<typeof setTimeout> | undefined;\n',
  '  return (...args: T) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), ms);\n  };\n}\n```\n\n',
  'Each call **resets** the timer, so `fn` runs once the calls stop.',
];

const HOSTILE_MD = [
  'Here you go <script>window.pwned = "script"</script>\n\n',
  '<img src="x" onerror="window.pwned = \'img\'">\n\n',
  "[click me](javascript:window.pwned='link')\n\n",
  "<svg onload=\"window.pwned = 'svg'\"><script>window.pwned = 'svg-script'</script></svg>\n\n",
  '<style>body { display: none !important; }</style>\n\n',
  '<iframe src="https://evil.test"></iframe><form action="https://evil.test"><button>go</button></form>\n\n',
  '![pixel](https://evil.test/p.png) <a href="https://example.com" onclick="window.pwned=\'a\'" target="_top">ok link</a>',
];

const RETRY_TS = `export async function withRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
  throw lastError;
}
`;

const EXPLANATION_MD =
  '`withRetry` calls `fn` up to `attempts` times and returns the first result that does not throw.\n\n' +
  '1. Each failure is remembered in `lastError`.\n2. Before the next try it waits with **exponential backoff**: 250 ms, 500 ms, 1 s.\n' +
  '3. When every attempt failed, it rethrows the last error.\n\nIt also sleeps after the *last* failure, which only delays the error.';

const REFACTOR_MD =
  'Skip the useless sleep after the last attempt:\n\n```ts\n' +
  `export async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  const delays = [250, 500, 1000];
  for (const delay of delays) {
    try {
      return await fn();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return fn();
}
` +
  '```\n';

describe('chat sidebar, as a user sees it', function () {
  let emulator: Emulator;
  let chat: ChatView;
  const savedSettings: Record<'User' | 'Machine', string | undefined> = { User: undefined, Machine: undefined };
  const key = `sk-it-${randomBytes(12).toString('hex')}`;
  const anthropicKey = `sk-ant-it-${randomBytes(12).toString('hex')}`;

  before(async () => {
    const { workbench, userDataDir } = session();
    assert.ok(userDataDir, "the harness passes code-server's user-data dir");
    emulator = await startEmulator();
    for (const scope of ['User', 'Machine'] as const) {
      const file = join(userDataDir, scope, 'settings.json');
      savedSettings[scope] = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    }
    // Provider endpoints are read from the User settings, in code-server (a remote window) too: where the walkthrough
    // tells a new user to put them (#16: they used to be machine-scoped and ignored there).
    writeSettings(userDataDir, {
      'llmWorkbench.providers': [
        { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
        { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
      ],
    });
    writeSettings(userDataDir, {
      'llmWorkbench.routes': { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5'] } },
    });
    chat = new ChatView(workbench);
    await chat.open();
    await chat.waitForModel('openai:gpt-4o-mini');
  });

  // Hand the workbench to the next spec as found: settings restored (rewritten, never deleted, so VS Code's file
  // watchers keep working), sidebar width restored, the Explorer shown, the mouse off the chat.
  after(async () => {
    const { userDataDir, workbench } = session();
    if (userDataDir) {
      for (const scope of ['User', 'Machine'] as const) {
        writeFileSync(join(userDataDir, scope, 'settings.json'), savedSettings[scope] ?? '{}');
      }
    }
    await widenSidebar(-220).catch(() => undefined);
    await workbench.page
      .locator('.activitybar .action-item [aria-label^="Explorer"], .activitybar .action-item[aria-label^="Explorer"]')
      .first()
      .click()
      .catch(() => undefined);
    await workbench.page.mouse.move(900, 500);
    await emulator?.close();
  });

  it('a missing key is an error in the conversation with Set API Key; the key set there reaches the provider', async () => {
    const { workbench } = session();
    const failed = await chat.askAndWait('How do I debounce a function in TypeScript?');
    assert.match(await failed.locator('.error-message').innerText(), /key/i);
    await workbench.screenshot('chat-missing-key');

    // The error's own button runs "LLM Workbench: Set API Key": pick the provider, type the key in the password box.
    await failed.locator('button', { hasText: 'Set API Key' }).click();
    await chat.completeSetApiKey('openai', key);

    emulator.enqueue({ chunks: ANSWER_MD, chunkDelayMs: 40, usage: { input: 412, output: 96 } });
    await failed.locator('button', { hasText: 'Retry' }).click();
    // The failed answer (with its error box) is replaced by the new one.
    await chat.ui.locator('.turn.assistant .error-box').waitFor({ state: 'detached', timeout: 30_000 });
    const answer = await chat.waitForAnswer(0);
    assert.match(await answer.locator('.markdown-body').innerText(), /resets/);
    assert.equal(await chat.answers().count(), 1, 'the retried answer replaced the failed one');
    assert.equal(emulator.requests.at(-1)?.headers.authorization, `Bearer ${key}`);
  });

  it('streams an answer with its footer (model, route, tokens, cost, TTFT, total); Insert puts a code block in an editor', async () => {
    const { workbench } = session();
    const before = await chat.answers().count();
    emulator.enqueue({
      chunks: ANSWER_MD.flatMap((c) => c.match(/.{1,12}/gs) ?? []),
      chunkDelayMs: 60,
      usage: { input: 530, output: 120 },
    });
    await chat.ask('And a throttle?');
    // Streaming: the answer shows partial text before the footer exists.
    const answer = chat.answers().nth(before);
    await answer.locator('.markdown-body').filter({ hasText: 'Wrap' }).waitFor({ timeout: 30_000 });
    assert.equal(await answer.locator('.answer-footer').count(), 0, 'footer appears only when the answer is done');
    await chat.waitForAnswer(before);
    const footer = await chat.footer(answer);
    assert.equal(footer.model, 'openai:gpt-4o-mini');
    assert.match(footer.route, /routes\.chat/);
    assert.equal(footer.tokens, '530 in · 120 out');
    assert.match(footer.cost, /^\$0\.0001/);
    assert.match(footer.ttft, /^TTFT \d+ ms$/);
    assert.match(footer.total, /^\d+(\.\d+)? (ms|s)$/);
    // Code blocks get Copy and Insert at Cursor.
    assert.equal(await answer.locator('.code-block button[aria-label="Copy"]').count(), 1);
    assert.equal(await answer.locator('.code-block button[aria-label="Insert at Cursor"]').count(), 1);
    // With no editor open, Insert opens the code in a new untitled editor.
    await answer.locator('.code-block button[aria-label="Insert at Cursor"]').click();
    await workbench.editorLine('function debounce<T extends unknown[]>').waitFor({ timeout: 15_000 });
    await workbench.editorLine('function debounce<T extends unknown[]>').click();
    await workbench.runCommand('View: Revert and Close Editor');
    // The live token count under the input covers system + history + message + reserve against the window.
    await chat.ui.locator('textarea.input').fill('One more question');
    const count = chat.ui.locator('.token-count');
    await count.filter({ hasText: '/ 128,000 tokens' }).waitFor({ timeout: 15_000 });
    const shown = Number((await count.innerText()).split(' / ')[0].replace(/[^\d]/g, ''));
    assert.ok(shown > 1000 + 100, `count ${shown} includes the 1,000-token reserve and the history`);
    await workbench.screenshot('chat-answer');
    await chat.ui.locator('textarea.input').fill('');
  });

  it('a 429 then success shows one answer with a retry notice', async () => {
    const before = await chat.answers().count();
    emulator.enqueue({ fault: { kind: 'status', status: 429, retryAfterMs: 300 } });
    emulator.enqueue({ text: 'Answer after the rate limit.' });
    const answer = await chat.askAndWait('Rate limited question');
    assert.equal(await chat.answers().count(), before + 1);
    assert.equal(await answer.locator('.markdown-body').innerText(), 'Answer after the rate limit.');
    assert.equal(await answer.locator('.notice.retry').count(), 1);
  });

  it("an answer cut at the output limit says so in its footer, and the request asked for the model's full output", async () => {
    // The same key again, so this spec also runs alone (--grep): setting it is idempotent.
    await chat.setApiKeyFromPalette('openai', key);
    emulator.enqueue({ chunks: ['The first half ', 'of a long answer'], stopReason: 'max_tokens', usage: { input: 90, output: 16384 } });
    const answer = await chat.askAndWait('Write the whole manual');
    assert.equal(await answer.locator('.markdown-body').innerText(), 'The first half of a long answer');
    const footer = await chat.footer(answer);
    assert.equal(footer.truncated, '⚠ truncated at the 16,384-token output limit');
    assert.match((await answer.locator('.footer-part.truncated').getAttribute('title')) ?? '', /incomplete/);
    const sent = emulator.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body as { max_completion_tokens?: number };
    assert.equal(sent.max_completion_tokens, 16384, 'not the 1,000-token reserve');
  });

  it('a failing primary shows the fallback answer and why', async () => {
    const { workbench } = session();
    await chat.setApiKeyFromPalette('anthropic', anthropicKey);
    emulator.rule({ protocol: 'openai' }, { fault: { kind: 'status', status: 503 } });
    emulator.enqueue({ text: 'Answer from the fallback model.', usage: { input: 80, output: 7 } }, { protocol: 'anthropic' });
    try {
      const answer = await chat.askAndWait('Which model answers this?');
      assert.equal(await answer.locator('.markdown-body').innerText(), 'Answer from the fallback model.');
      const footer = await chat.footer(answer);
      assert.equal(footer.model, 'anthropic:claude-haiku-4-5');
      assert.match(footer.fallback, /^fallback: .*503/);
      const toAnthropic = emulator.requests.filter((r) => r.protocol === 'anthropic');
      assert.ok(toAnthropic.length > 0, `requests: ${emulator.requests.map((r) => `${r.protocol} ${r.path}`).join(', ')}`);
      const { authorization, 'x-api-key': apiKeyHeader } = toAnthropic.at(-1)!.headers;
      assert.ok(apiKeyHeader === anthropicKey || authorization === `Bearer ${anthropicKey}`, 'the Anthropic key reached the provider');
      await workbench.screenshot('chat-fallback');
    } finally {
      emulator.reset();
    }
  });

  it('a workspace cannot redirect the key: its providers setting is ignored', async () => {
    const { workspace } = session();
    const collector = await startEmulator();
    const settingsDir = join(workspace, '.vscode');
    const settingsFile = join(settingsDir, 'settings.json');
    const original = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
    try {
      mkdirSync(settingsDir, { recursive: true });
      writeFileSync(
        settingsFile,
        JSON.stringify({
          ...(original ? (JSON.parse(original) as object) : {}),
          'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: collector.openaiBaseUrl }],
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // let VS Code read the changed workspace settings
      emulator.enqueue({ text: 'Answered by the endpoint you configured.' });
      const answer = await chat.askAndWait('Where does my key go?');
      assert.equal(await answer.locator('.markdown-body').innerText(), 'Answered by the endpoint you configured.');
      assert.equal(collector.requests.length, 0, 'the workspace endpoint received nothing');
      assert.equal(emulator.requests.at(-1)?.headers.authorization, `Bearer ${key}`);
    } finally {
      // Rewritten rather than deleted, so VS Code keeps watching the file for later specs.
      writeFileSync(settingsFile, original ?? '{}');
      await collector.close();
    }
  });

  it('Stop cancels a streaming answer: what arrived stays, marked stopped, and the request is closed', async () => {
    emulator.enqueue({ chunks: Array.from({ length: 300 }, (_, i) => `word${i} `), chunkDelayMs: 50 });
    await chat.ask('Write a very long answer');
    const answer = chat.lastAnswer();
    await answer.locator('.markdown-body').filter({ hasText: 'word5' }).waitFor({ timeout: 30_000 });
    await chat.ui.locator('button.stop').click();
    await answer.locator('.badge', { hasText: 'stopped' }).waitFor({ timeout: 15_000 });
    const text = await answer.locator('.markdown-body').innerText();
    assert.ok(!text.includes('word299'), 'the stream did not run to the end');
    await chat.ui.locator('button.send').waitFor({ state: 'visible' });
    const deadline = Date.now() + 5000;
    while (!emulator.requests.at(-1)?.closedByClient && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(emulator.requests.at(-1)?.closedByClient, true, 'the HTTP request was aborted');
  });

  it('a hostile answer renders inertly and executes nothing', async () => {
    const { workbench } = session();
    emulator.enqueue({ chunks: HOSTILE_MD });
    const answer = await chat.askAndWait('Show me some HTML');
    const body = answer.locator('.markdown-body');
    assert.equal(await body.locator('script, img, svg, style, iframe, form, button, [onerror], [onload], [onclick], [style]').count(), 0);
    assert.equal(await body.locator('a[href^="javascript"]').count(), 0);
    assert.equal(await body.locator('a[target]').count(), 0);
    // Raw HTML is shown as text.
    assert.match(await body.innerText(), /<script>window\.pwned = "script"<\/script>/);
    await body
      .locator('a', { hasText: 'click me' })
      .click()
      .catch(() => undefined);
    const frame = await chat.frame();
    assert.equal(await frame.evaluate(() => (window as unknown as { pwned?: unknown }).pwned), undefined, 'no script set the flag');
    assert.equal(await frame.evaluate(() => getComputedStyle(document.body).display), 'block', 'injected CSS did not apply');
    await workbench.screenshot('chat-hostile-answer');
  });

  it('Explain Selection sends the selection with its file and language as a code task', async () => {
    const { workbench, workspace } = session();
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src', 'retry.ts'), RETRY_TS);
    await workbench.runCommand('LLM Workbench: New Chat');
    await chat.ui.locator('.turn').first().waitFor({ state: 'detached', timeout: 15_000 });
    await workbench.openFile('src/retry.ts');
    await workbench.editorLine('export async function withRetry').click();
    await workbench.page.keyboard.press('Control+A');
    emulator.enqueue({ chunks: EXPLANATION_MD.match(/.{1,16}/gs) ?? [], chunkDelayMs: 15, usage: { input: 640, output: 180 } });
    await workbench.runCommand('LLM Workbench: Explain Selection');
    const index = 0;
    const answer = await chat.waitForAnswer(index);
    assert.match(await chat.ui.locator('.turn.user').last().locator('summary').innerText(), /^src\/retry\.ts · typescript · lines 1-\d+$/);
    const body = emulator.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
    const sent = body.messages.at(-1)!.content;
    assert.match(sent, /^Selected code from `src\/retry\.ts` \(typescript, lines 1-\d+\):\n```typescript\nexport async function withRetry/);
    assert.match(sent, /Explain what this code does/);
    const record = readLedger().at(-1)!;
    assert.equal(record.task, 'code');
    assert.equal(record.source, 'code');
    assert.match(await answer.locator('.markdown-body').innerText(), /exponential backoff/);
    await workbench.runCommand('Notifications: Clear All Notifications');
    await widenSidebar();
    await workbench.screenshot('chat-code-task');
  });

  it('Refactor Selection: Apply shows a diff, then replaces the selection', async () => {
    const { workbench } = session();
    await workbench.editorLine('export async function withRetry').click();
    await workbench.page.keyboard.press('Control+A');
    emulator.enqueue({ text: REFACTOR_MD, usage: { input: 700, output: 150 } });
    const index = await chat.answers().count();
    await workbench.runCommand('LLM Workbench: Refactor Selection');
    const answer = await chat.waitForAnswer(index);
    await answer.locator('button[aria-label^="Apply to Selection"]').click();
    await workbench.page.locator('.monaco-diff-editor').first().waitFor({ timeout: 20_000 });
    const prompt = workbench.page.locator('.notifications-toasts .notification-toast', {
      hasText: 'Apply the proposed refactor to retry.ts?',
    });
    await prompt.waitFor({ timeout: 15_000 });
    await workbench.screenshot('chat-refactor-diff');
    await prompt.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    // The file's own editor (not the diff tab) becomes active and shows the new code in place of the old.
    await workbench.editorLine('const delays = [250, 500, 1000]').waitFor({ timeout: 15_000 });
    await workbench.editorLine('for (let attempt = 0;').waitFor({ state: 'detached', timeout: 10_000 });
    await workbench.page.locator('.monaco-diff-editor').first().waitFor({ state: 'hidden', timeout: 10_000 });
    // Leave the workspace as it was: the edit is undone from disk's point of view (revert), editors closed.
    await workbench.editorLine('const delays = [250, 500, 1000]').click();
    await workbench.runCommand('File: Revert File');
    await workbench.runCommand('View: Close All Editors');
  });

  it('the key is on disk nowhere: not in the profile, the workspace, the ledger or the chat view', async () => {
    const { userDataDir, workspace, workbenchHome } = session();
    const roots = [userDataDir!, workspace, ...(workbenchHome ? [workbenchHome] : [])];
    const hits = roots.flatMap((root) => [...filesContaining(root, key), ...filesContaining(root, anthropicKey)]);
    assert.deepEqual(hits, []);
    if (workbenchHome) {
      const ledger = join(workbenchHome, 'ledger.jsonl');
      assert.ok(existsSync(ledger), 'the chat calls were recorded in the ledger');
      assert.ok(readFileSync(ledger, 'utf8').includes('"source":"chat"'));
    }
    const frame = await chat.frame();
    const page = await frame.content();
    assert.equal(page.includes(key) || page.includes(anthropicKey), false);
  });

  it('the conversation survives a window reload', async () => {
    const { workbench } = session();
    const before = await chat.ui.locator('.turn').count();
    const lastText = await chat.lastAnswer().locator('.markdown-body').innerText();
    assert.ok(before > 0);
    const t0 = Date.now();
    const mark = (what: string) => console.log(`      ${Date.now() - t0} ms ${what}`);
    await workbench.runCommand('Developer: Reload Window');
    await workbench.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    mark('workbench');
    await workbench.page.waitForSelector('.statusbar-item', { timeout: 60_000 });
    mark('status bar');
    await chat.open();
    mark('chat input');
    await chat.ui
      .locator('.turn')
      .nth(before - 1)
      .waitFor({ timeout: 30_000 });
    assert.equal(await chat.ui.locator('.turn').count(), before);
    assert.equal(await chat.lastAnswer().locator('.markdown-body').innerText(), lastText);
  });
});

function readLedger(): { task: string; source?: string }[] {
  const { workbenchHome } = session();
  if (!workbenchHome) return [];
  return readFileSync(join(workbenchHome, 'ledger.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { task: string; source?: string });
}

/** Drags the sidebar's edge so the chat gets room for a screenshot (a negative `by` narrows it again). */
async function widenSidebar(by = 220): Promise<void> {
  const { page } = session().workbench;
  const sidebar = await page.locator('.part.sidebar').first().boundingBox();
  if (!sidebar) return;
  // The sash straddles the sidebar's right edge; grab it near the top, away from the chat's text.
  const x = sidebar.x + sidebar.width + 1;
  const y = sidebar.y + 12;
  await page.mouse.move(x, y);
  await page.waitForTimeout(300);
  await page.mouse.down();
  await page.mouse.move(x + by, y, { steps: 8 });
  await page.mouse.up();
  await page.mouse.move(900, 500);
  await page.waitForTimeout(300);
}

function filesContaining(root: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size < 64 * 1024 * 1024 && readFileSync(path).includes(needle)) found.push(path);
    }
  };
  if (existsSync(root)) walk(root);
  return found;
}
