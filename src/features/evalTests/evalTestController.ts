import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchConfig } from '../../core/config/workbenchConfig';
import type { EvalFile } from '../../core/evals/evalModel';
import { confinedReader } from '../../core/evals/editor/workspaceFiles';
import { EvalDiagnostics } from './evalDiagnostics';
import { evalEngine } from './lazyEvalEngine';
import { EVAL_FILE_EXCLUDE, EVAL_FILE_GLOB, isEvalFilePath } from '../../core/evals/evalFilePatterns';
import { fileItem, itemData, updateFileChildren, type EvalItemData } from './evalTestTree';

/** Typing in an eval file re-parses it after this pause. */
const REPARSE_DEBOUNCE_MS = 300;

export type RunItems = (request: vscode.TestRunRequest, token: vscode.CancellationToken, useCache: boolean) => Promise<void>;

/**
 * The "LLM Workbench Evals" test controller: discovers eval files (one item per file, case and provider), keeps
 * them current from file watchers and open editors, and publishes parse problems as diagnostics.
 * Running is delegated (see evalRunHandler.ts).
 */
export class EvalTestController implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('llmWorkbenchEvals', 'LLM Workbench Evals');
  readonly diagnostics = new EvalDiagnostics();
  /** Latest parse per file (uri string): the run handler runs what the editor shows, unsaved edits included. */
  private readonly parsed = new Map<string, EvalFile>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private discovery?: Promise<void>;
  /** Fires after a file was (re)parsed: CodeLens refreshes on it. */
  readonly onDidParse = this.changed.event;
  /** Default: answers already in the response cache are reused (marked cached). Continuous run = on save. */
  readonly runProfile: vscode.TestRunProfile;
  readonly freshRunProfile: vscode.TestRunProfile;

  /** `knownProviderIds`: the user's provider ids (refs to them are our own, not promptfoo ids). */
  constructor(
    run: RunItems,
    private readonly knownProviderIds: () => string[] = () => [],
    private readonly editorConfig: () => WorkbenchConfig | undefined = () => undefined,
  ) {
    this.controller.resolveHandler = async (item) => {
      if (!item) return this.discoverAll();
      const data = itemData.get(item);
      if (data?.ref.kind === 'file') this.parse(data.fileUri);
    };
    this.controller.refreshHandler = async () => {
      this.discovery = undefined;
      await this.discoverAll();
    };
    this.runProfile = this.controller.createRunProfile(
      'Run',
      vscode.TestRunProfileKind.Run,
      (request, token) => run(request, token, true),
      true,
      undefined,
      true,
    );
    this.freshRunProfile = this.controller.createRunProfile(
      'Run without cache',
      vscode.TestRunProfileKind.Run,
      (request, token) => run(request, token, false),
      false,
      undefined,
      true,
    );

    this.disposables.push(
      this.controller,
      this.diagnostics,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((doc) => this.onDocument(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocument(event.document, REPARSE_DEBOUNCE_MS)),
      // Closing without saving: go back to what is on disk.
      vscode.workspace.onDidCloseTextDocument((doc) => isEvalFilePath(doc.uri.fsPath) && doc.uri.scheme === 'file' && this.parse(doc.uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.onDocument(doc, 0);
  }

  /** Finds every eval file in the workspace and starts watching (once; `refresh` starts over). */
  discoverAll(): Promise<void> {
    this.discovery ??= (async () => {
      const watcher = vscode.workspace.createFileSystemWatcher(EVAL_FILE_GLOB);
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => this.parse(uri)),
        watcher.onDidChange((uri) => this.parse(uri)),
        watcher.onDidDelete((uri) => this.remove(uri)),
      );
      const files = await vscode.workspace.findFiles(EVAL_FILE_GLOB, EVAL_FILE_EXCLUDE);
      for (const uri of files) this.parse(uri);
    })();
    return this.discovery;
  }

  /** The latest parse of a file, parsing it now if needed. */
  fileFor(uri: vscode.Uri): EvalFile {
    return this.parsed.get(uri.toString()) ?? this.parse(uri);
  }

  fileItems(): vscode.TestItem[] {
    const items: vscode.TestItem[] = [];
    this.controller.items.forEach((item) => items.push(item));
    return items;
  }

  itemFor(uri: vscode.Uri): vscode.TestItem | undefined {
    return this.controller.items.get(uri.toString());
  }

  /** What an item stands for (the file and the case or provider it is). */
  dataOf(item: vscode.TestItem): EvalItemData | undefined {
    return itemData.get(item);
  }

  /** Parses from the open editor's text when there is one, else from disk; `file://` targets read open buffers too. */
  parse(uri: vscode.Uri): EvalFile {
    const open = (path: string) => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
    // file:// targets are read as text, and only inside the workspace (or the eval file's folder outside one).
    const roots = vscode.workspace.getWorkspaceFolder(uri)
      ? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)
      : [dirname(uri.fsPath)];
    const readFile = confinedReader((path: string) => open(path)?.getText() ?? readFileSync(path, 'utf8'), roots);
    // Templates see the environment ({{ env.X }}) only in a trusted workspace.
    // Test generators (code) run only in a trusted workspace; their output is kept per generator file version.
    const trusted = vscode.workspace.isTrusted;
    const options = { readFile, fileRules: { roots }, allowEnv: trusted, allowCode: trusted, knownProviderIds: this.knownProviderIds() };
    const doc = open(uri.fsPath);
    const { parseEvalFile, parseEvalText, editorOnlyDiagnostics } = evalEngine();
    const file = doc ? parseEvalText(doc.getText(), uri.fsPath, options) : parseEvalFile(uri.fsPath, options);
    this.parsed.set(uri.toString(), file);
    updateFileChildren(this.controller, fileItem(this.controller, uri), file);
    this.diagnostics.set(uri, [...file.diagnostics, ...editorOnlyDiagnostics(file, this.editorConfig(), vscode.workspace.isTrusted)]);
    this.changed.fire(uri);
    return file;
  }

  private remove(uri: vscode.Uri): void {
    this.parsed.delete(uri.toString());
    this.controller.items.delete(uri.toString());
    this.diagnostics.clear(uri);
    this.changed.fire(uri);
  }

  private onDocument(doc: vscode.TextDocument, delayMs: number): void {
    if (doc.uri.scheme !== 'file' || !isEvalFilePath(doc.uri.fsPath)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.parse(doc.uri);
      }, delayMs),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
