import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openEditor, waitFor, workspaceFile } from './helpers';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LLM Workbench');

describe('budget diagnostics', () => {
  after(closeAllEditors);

  it('puts an Error with the numbers and the fix on a prompt that exceeds the window', async () => {
    await openEditor('oversized.prompt.md');
    const uri = workspaceFile('oversized.prompt.md');
    const diagnostics = await waitFor(
      () => ours(uri),
      (list) => list.some((d) => d.severity === vscode.DiagnosticSeverity.Error),
      'an Error diagnostic on oversized.prompt.md',
      60_000,
    );
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    assert.match(error.message, /128,000/, 'names the window');
    assert.match(error.message, /1,000/, 'names the output reserve');
    assert.match(error.message, /Pick Budget Model/, 'says what to do');
  });

  it('warns on a section past its front-matter bucket limit, at the section heading', async () => {
    const editor = await openEditor('triage.prompt.md');
    const uri = editor.document.uri;
    const diagnostics = await waitFor(
      () => ours(uri),
      (list) => list.length > 0,
      'a section diagnostic on triage.prompt.md',
    );
    const section = diagnostics.find((d) => d.code === 'budget.sectionOverBucket');
    assert.ok(section, `a section-over-bucket warning among ${JSON.stringify(diagnostics.map((d) => d.message))}`);
    assert.equal(section.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(editor.document.lineAt(section.range.start.line).text, /^#+ /, 'sits on a heading line');
  });

  it('leaves a prompt that fits without an Error', async () => {
    await openEditor('large.prompt.md');
    const uri = workspaceFile('large.prompt.md');
    // Wait until the file has been evaluated (its CodeLens is there), then check that no Error was raised.
    await waitFor(
      async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [],
      (lenses) => lenses.length > 0,
      'CodeLens on large.prompt.md',
      60_000,
    );
    assert.deepEqual(
      ours(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error),
      [],
    );
  });

  it('warns at the model: line of a prompt file that names a deprecated model, with the date and a successor', async () => {
    const editor = await openEditor('retired-model.prompt.md');
    const uri = editor.document.uri;
    const diagnostics = await waitFor(
      () => ours(uri),
      (list) => list.some((d) => d.code === 'model.deprecated'),
      'a deprecation warning',
      60_000,
    );
    const warning = diagnostics.find((d) => d.code === 'model.deprecated')!;
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(editor.document.lineAt(warning.range.start.line).text, 'model: anthropic:claude-opus-4-1');
    assert.match(warning.message, /is deprecated since 2026-08-05; suggested successor: anthropic:claude-opus-5/);
  });

  it('does not check files that are not prompts', async () => {
    await openEditor('notes.txt');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(ours(workspaceFile('notes.txt')), []);
  });
});
