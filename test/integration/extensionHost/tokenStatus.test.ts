import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { countTokens } from '../../../src/core/tokens/encodings';
import { closeAllEditors, metrics, openEditor, setWorkspaceSetting, snapshot, statusCount, waitFor } from './helpers';

describe('token status bar', () => {
  after(closeAllEditors);

  it('shows the exact count of a 1 MB prompt file', async () => {
    const started = Date.now();
    const editor = await openEditor('large.prompt.md');
    const shown = await waitFor(statusCount, (count) => count !== undefined, 'a token count in the status bar', 60_000);
    metrics.largeFileOpenToCountMs = Date.now() - started;
    const state = await snapshot();
    const count = state.activeDocumentCount as { kind: string; firstCountMs?: number } | undefined;
    if (count?.firstCountMs !== undefined) metrics.largeFileWorkerCountMs = count.firstCountMs;
    assert.ok(editor.document.getText().length > 1_000_000);
    const expected = await countTokens(editor.document.getText(), 'o200k_base');
    assert.equal(shown?.total, expected);
    assert.match(state.tokenStatus?.text ?? '', /tok · [\d.]+% of GPT-4\.1$/);
  });

  it('updates the count while typing', async () => {
    const editor = vscode.window.activeTextEditor!;
    const line = editor.document.lineCount - 2;
    for (const word of [' Also', ' list', ' the', ' dates', ' please.']) {
      await editor.edit((edit) => edit.insert(editor.document.lineAt(line).range.end, word));
    }
    const expected = await countTokens(editor.document.getText(), 'o200k_base');
    const shown = await waitFor(statusCount, (count) => count?.total === expected, `the count after typing to be ${expected}`);
    assert.equal(shown?.total, expected);
  });

  it('shows the selection count before the total', async () => {
    const editor = vscode.window.activeTextEditor!;
    const start = editor.document.positionAt(200);
    const end = editor.document.positionAt(5200);
    editor.selection = new vscode.Selection(start, end);
    const expected = await countTokens(editor.document.getText(new vscode.Range(start, end)), 'o200k_base');
    const shown = await waitFor(statusCount, (count) => count?.selection !== undefined, 'a selection count');
    assert.equal(shown?.selection, expected);
    editor.selection = new vscode.Selection(start, start);
    await waitFor(statusCount, (count) => count !== undefined && count.selection === undefined, 'the selection count to go away');
  });

  it('counts plain text files and marks over-window prompts with the error colour', async () => {
    const notes = await openEditor('notes.txt');
    const expected = await countTokens(notes.document.getText(), 'o200k_base');
    await waitFor(statusCount, (count) => count?.total === expected, `notes.txt's ${expected} tokens`);
    assert.equal((await snapshot()).tokenStatus?.background, undefined);

    await openEditor('oversized.prompt.md');
    const state = await waitFor(
      snapshot,
      (s) => s.tokenStatus?.background === 'statusBarItem.errorBackground',
      'the error background on an oversized prompt',
    );
    // GPT-4o's prompt and answer share one 128,000-token window (src/core/models/sharedWindowRule.ts).
    assert.match(state.tokenStatus?.tooltip ?? '', /reserved output = [\d,]+ of GPT-4o's 128,000-token window/);
    assert.match(
      state.tokenStatus?.tooltip ?? '',
      /Prices: LiteLLM's table of \d{4}-\d{2}-\d{2}/,
      'says where the prices come from and their date',
    );
  });

  it('marks estimates with ≈ when the budget model has no public tokenizer', async () => {
    await openEditor('notes.txt');
    try {
      await setWorkspaceSetting('budget.model', 'anthropic:claude-sonnet-4-5');
      const state = await waitFor(snapshot, (s) => /Claude Sonnet 4\.5/.test(s.tokenStatus?.text ?? ''), 'the Claude budget model');
      assert.match(state.tokenStatus?.text ?? '', /≈[\d,]+ tok/);
    } finally {
      await setWorkspaceSetting('budget.model', 'openai:gpt-4o');
    }
    await waitFor(snapshot, (s) => / of GPT-4o$/.test(s.tokenStatus?.text ?? ''), 'GPT-4o again');
  });

  it('keeps working with an invalid setting, falling back to the default', async () => {
    await openEditor('notes.txt');
    try {
      await setWorkspaceSetting('budget.warnThreshold', 7);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const state = await waitFor(snapshot, (s) => / of GPT-4o$/.test(s.tokenStatus?.text ?? ''), 'a count with the invalid setting');
      assert.equal(state.tokenStatus?.background, undefined);
    } finally {
      await setWorkspaceSetting('budget.warnThreshold', undefined);
    }
  });
});
