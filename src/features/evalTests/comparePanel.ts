import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { relativeDisplayPath } from '../../core/evals/displayPath';
import { buildCompareView } from '../../core/evals/editor/compareView';
import type { EvalFile } from '../../core/evals/evalModel';
import type { EvalCaseResult } from '../../core/evals/evalResult';
import { MatrixAccumulator } from '../../core/evals/matrixStats';
import type { ModelSelectionRecord } from '../../core/evals/modelSelection';
import type { ModelRef } from '../../core/models/modelRef';
import type { RouteSetting } from '../../core/config/routingRule';
import { isCompareWebviewMessage, type CompareHostMessage, type CompareView } from '../../shared/evalCompareProtocol';
import { webviewHtml } from '../webview/webviewHtml';
import type { ChatGateway } from '../../core/gateway/gatewayApi';
import { warnEvalCacheOnce } from './cacheWarning';
import { evalEngine } from './lazyEvalEngine';

/** Redraws at most this often while answers stream in. */
const REDRAW_MS = 150;

/** `tickets.eval.yaml` -> `tickets.model-selection.md`, beside it. */
export function recordPathFor(evalPath: string): string {
  const name = basename(evalPath).replace(/(\.eval)?\.(ya?ml|json)$/i, '');
  return join(dirname(evalPath), `${name}.model-selection.md`);
}

/**
 * "Compare Models on This Eval File": runs the file on the picked models and shows the matrix as it fills, then the
 * engine's recommendation (the cheapest model that meets the quality gate) with buttons to save the
 * model-selection record and to route the file's task to it.
 */
export class ComparePanel implements vscode.Disposable {
  static current: ComparePanel | undefined;
  view: CompareView;
  private readonly results: EvalCaseResult[] = [];
  private readonly matrix: MatrixAccumulator;
  private selection?: ModelSelectionRecord;
  private readonly abort = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];
  private redrawTimer?: ReturnType<typeof setTimeout>;
  private ready = false;
  private readonly renderedEmitter = new vscode.EventEmitter<{ recommended?: string; columns: number }>();
  /** Fires when the webview drew a state (the integration suite waits on it). */
  readonly onDidRender = this.renderedEmitter.event;
  lastRender?: { recommended?: string; columns: number };
  readonly finished: Promise<void>;

  constructor(
    extensionUri: vscode.Uri,
    private readonly file: EvalFile,
    private readonly models: ModelRef[],
    gateway: ChatGateway,
    private readonly update: (key: string, value: unknown, target: vscode.ConfigurationTarget) => Promise<void>,
    onDone: () => void,
    private readonly log?: vscode.LogOutputChannel,
    /** `llmWorkbench.budget.callsPerDay`: the record's monthly estimate uses it unless the eval file sets its own. */
    callsPerDay?: number,
  ) {
    ComparePanel.current?.dispose();
    ComparePanel.current = this;
    this.matrix = new MatrixAccumulator(file.prompts.length > 1);
    const panel = vscode.window.createWebviewPanel(
      'llmWorkbench.evalCompare',
      `Compare · ${basename(file.path)}`,
      vscode.ViewColumn.Beside,
      {
        enableScripts: true,
        enableCommandUris: false,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
      },
    );
    this.panel = panel;
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'evalCompare', 'Compare models');
    const total = file.tests.length * Math.max(1, file.prompts.length) * models.length;
    this.view = this.build({ done: 0, total });
    this.disposables.push(
      this.renderedEmitter,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
    );
    let done = 0;
    this.finished = evalEngine()
      .runEvalFile(file, {
        gateway,
        shouldRun: () => true,
        providers: models,
        callsPerDay,
        // The record names the dataset by its workspace-relative path, never the absolute one.
        displayPath: (path) => relativeDisplayPath(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path))?.uri.fsPath, path),
        useCache: true,
        signal: this.abort.signal,
        allowCode: vscode.workspace.isTrusted,
        onCacheWarning: warnEvalCacheOnce,
        onResult: (result) => {
          done += 1;
          this.results.push(result);
          this.matrix.add(result);
          this.view = this.build({ done, total });
          this.scheduleRedraw();
        },
      })
      .then((summary) => {
        this.selection = summary.files[0]?.selection;
        this.view = this.build({ done, total }, summary.cancelled ? 'Cancelled: the numbers cover the answers that arrived.' : undefined);
      })
      .catch((error: unknown) => {
        this.view = this.build({ done, total }, `The comparison stopped: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.redraw();
        onDone();
      });
  }

  private readonly panel: vscode.WebviewPanel;

  private build(progress: { done: number; total: number }, stopped?: string): CompareView {
    return buildCompareView({
      file: this.file,
      relativePath: vscode.workspace.asRelativePath(this.file.path),
      models: this.models,
      results: this.results,
      stats: this.matrix.stats(),
      selection: this.selection,
      progress,
      stopped,
    });
  }

  private scheduleRedraw(): void {
    this.redrawTimer ??= setTimeout(() => {
      this.redrawTimer = undefined;
      this.redraw();
    }, REDRAW_MS);
  }

  private redraw(): void {
    if (this.ready) void this.post({ type: 'state', view: this.view });
  }

  private post(message: CompareHostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async onMessage(message: unknown): Promise<void> {
    // The webview is a trust boundary: malformed messages are dropped, not interpreted.
    if (!isCompareWebviewMessage(message)) {
      this.log?.warn('Model comparison: ignored a malformed message from the webview');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        return this.redraw();
      case 'cancel':
        this.abort.abort();
        return;
      case 'saveRecord':
        await this.saveRecord();
        return;
      case 'setRoute':
        await this.setRoute();
        return;
      case 'rendered':
        this.lastRender = { recommended: message.recommended, columns: message.columns };
        this.renderedEmitter.fire(this.lastRender);
        return;
    }
  }

  /** Writes `<name>.model-selection.md` next to the eval file (asks before replacing one) and opens it. */
  async saveRecord(): Promise<vscode.Uri | undefined> {
    if (!this.view.record) return undefined;
    const target = vscode.Uri.file(recordPathFor(this.file.path));
    if (existsSync(target.fsPath)) {
      const replace = 'Replace';
      const choice = await vscode.window.showWarningMessage(
        `${vscode.workspace.asRelativePath(target)} exists. Replace it with this comparison?`,
        { modal: true },
        replace,
      );
      if (choice !== replace) return undefined;
    }
    await vscode.workspace.fs.writeFile(target, Buffer.from(this.view.record, 'utf8'));
    await this.post({ type: 'notice', text: `Saved ${vscode.workspace.asRelativePath(target)}.` });
    await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.One, preview: false });
    return target;
  }

  /** Sets `llmWorkbench.routes.<task>` to the recommendation, in the scope the user picks; keeps a validator already there. */
  async setRoute(target?: vscode.ConfigurationTarget): Promise<boolean> {
    const route = this.selection?.chosenRoute;
    if (!route) return false;
    const task = this.file.task;
    if (target === undefined) {
      const picks: (vscode.QuickPickItem & { target: vscode.ConfigurationTarget })[] = [
        ...(vscode.workspace.workspaceFolders?.length
          ? [
              {
                label: 'Workspace settings',
                description: 'this project only (.vscode/settings.json)',
                target: vscode.ConfigurationTarget.Workspace,
              },
            ]
          : []),
        { label: 'User settings', description: 'every workspace', target: vscode.ConfigurationTarget.Global },
      ];
      const pick = await vscode.window.showQuickPick(picks, { title: `Route task "${task}" to ${route.primary}: where?` });
      if (!pick) return false;
      target = pick.target;
    }
    const inspected = vscode.workspace.getConfiguration('llmWorkbench').inspect<Record<string, RouteSetting>>('routes');
    const current = (target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue) ?? {};
    const next: RouteSetting = { ...current[task], primary: route.primary, fallbacks: route.fallbacks };
    await this.update('routes', { ...current, [task]: next }, target);
    await this.post({
      type: 'notice',
      text: `Task "${task}" now routes to ${route.primary}${route.fallbacks.length ? ` (fallback ${route.fallbacks.join(', ')})` : ''}.`,
    });
    return true;
  }

  dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    this.abort.abort();
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
