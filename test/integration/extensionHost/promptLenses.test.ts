import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { countTokens } from '../../../src/core/tokens/encodings';
import { parsePromptFile } from '../../../src/core/tokens/promptSections';
import { closeAllEditors, openEditor, waitFor } from './helpers';

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : ''))
    .join('\n');
}

describe('prompt CodeLens and hover', () => {
  after(closeAllEditors);

  it('puts each section’s exact token count above its heading', async () => {
    const editor = await openEditor('triage.prompt.md');
    const text = editor.document.getText();
    const { sections } = parsePromptFile(text);
    assert.ok(sections.length >= 3, 'the fixture has sections');
    const found = await waitFor(
      () => lenses(editor.document.uri),
      (list) => list.length === sections.length,
      'one lens per section',
    );
    for (const [index, section] of sections.entries()) {
      const lens = found.find((l) => l.range.start.line === section.line);
      assert.ok(lens?.command, `a lens on line ${section.line} (${section.heading})`);
      const expected = await countTokens(text.slice(section.startOffset, section.endOffset), 'o200k_base');
      assert.match(
        lens.command.title,
        new RegExp(`^${expected.toLocaleString('en-US')} tokens · [\\d.<]+% of GPT-4o mini`),
        `section ${index}`,
      );
    }
  });

  it('shows tokens, cost per model and the monthly projection when hovering a heading', async () => {
    const editor = await openEditor('triage.prompt.md');
    const { sections } = parsePromptFile(editor.document.getText());
    const heading = new vscode.Position(sections[0].line, 3);
    const text = await waitFor(
      async () =>
        hoverText(
          (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, heading)) ?? [],
        ),
      (value) => value.includes('One call'),
      'the section hover',
    );
    assert.match(text, /tokens/);
    assert.match(text, /GPT-4o mini/);
    assert.match(text, /Monthly/);
    assert.match(text, /1,000 calls\/day/);
    assert.match(text, /\$\d/);
  });

  it('treats files matched by llmWorkbench.budget.include as prompts', async () => {
    const editor = await openEditor('prompts/summary.txt');
    const found = await waitFor(
      () => lenses(editor.document.uri),
      (list) => list.length === 1,
      'a whole-file lens',
    );
    assert.match(found[0].command?.title ?? '', /tokens · .* of GPT-4o with [\d,]+ reserved for the answer \(whole file\)/);
  });
});
