import * as vscode from 'vscode';
import { lastDayKeys, localDayKey } from '../../core/cost/calendarDay';
import { buildCostReport } from '../../core/cost/costReportData';
import { callRecordsCsv } from '../../core/cost/spendCsv';
import {
  isCostReportWebviewMessage,
  type CostReportHostMessage,
  type CostReportWebviewMessage,
  type ReportRange,
} from '../../shared/costReportProtocol';
import type { WorkbenchSettings } from '../services/settings';
import { COMMANDS } from '../commandIds';
import { openSetting } from '../services/settings';
import { readWholeLedger } from '../services/ledgerAccess';
import type { SpendTracker } from '../services/spendTracker';
import { webviewHtml } from '../webview/webviewHtml';

export type RenderedReport = Extract<CostReportWebviewMessage, { type: 'rendered' }>;

/** "Open Cost Report": one panel per window, redrawn as the ledger grows. */
export class CostReportPanel implements vscode.Disposable {
  static current: CostReportPanel | undefined;
  private range: ReportRange = 30;
  private readonly disposables: vscode.Disposable[] = [];
  private redrawTimer?: ReturnType<typeof setTimeout>;
  private readonly rendered = new vscode.EventEmitter<RenderedReport>();
  /** Fires each time the webview finished drawing (the integration suite waits on it). */
  readonly onDidRender = this.rendered.event;
  lastRender?: RenderedReport;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly tracker: SpendTracker,
    private readonly settings: WorkbenchSettings,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'costReport', 'LLM spend');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      tracker.onDidChange(() => this.scheduleRedraw()),
      settings.onDidChange(() => this.scheduleRedraw()),
      this.rendered,
    );
  }

  static show(
    extensionUri: vscode.Uri,
    tracker: SpendTracker,
    settings: WorkbenchSettings,
    log?: vscode.LogOutputChannel,
  ): CostReportPanel {
    if (CostReportPanel.current) {
      CostReportPanel.current.panel.reveal();
      return CostReportPanel.current;
    }
    const panel = vscode.window.createWebviewPanel('llmWorkbench.costReport', 'LLM Cost Report', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    CostReportPanel.current = new CostReportPanel(panel, extensionUri, tracker, settings, log);
    return CostReportPanel.current;
  }

  dispose(): void {
    if (CostReportPanel.current === this) CostReportPanel.current = undefined;
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async onMessage(message: unknown): Promise<void> {
    // The webview is a trust boundary: malformed messages are dropped, not interpreted.
    if (!isCostReportWebviewMessage(message)) {
      this.log?.warn('Cost report: ignored a malformed message from the webview');
      return;
    }
    switch (message.type) {
      case 'ready':
        return this.redraw();
      case 'setRange':
        this.range = message.range;
        return this.redraw();
      case 'exportCsv':
        return this.exportCsv();
      case 'openSettings':
        await openSetting('llmWorkbench.budget.dailyUsd');
        return;
      case 'rendered':
        this.lastRender = message;
        this.rendered.fire(message);
        return;
    }
  }

  private scheduleRedraw(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => void this.redraw(), 300);
  }

  private async redraw(): Promise<void> {
    const { records, skippedLines } = await readWholeLedger(this.tracker.path);
    const message: CostReportHostMessage = {
      type: 'data',
      data: buildCostReport(records, new Date(), this.range, skippedLines),
      range: this.range,
      dailyUsd: this.settings.current.budget.dailyUsd,
      ledgerPath: this.tracker.path,
    };
    await this.panel.webview.postMessage(message);
  }

  private async exportCsv(): Promise<void> {
    const now = new Date();
    const days = new Set(lastDayKeys(now, this.range));
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `llm-spend-${localDayKey(now)}-last-${this.range}-days.csv`;
    const target = await vscode.window.showSaveDialog({
      title: 'Export LLM spend as CSV',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { CSV: ['csv'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const { records } = await readWholeLedger(this.tracker.path);
    const inRange = records.filter((r) => {
      const at = new Date(r.at);
      return !Number.isNaN(at.getTime()) && days.has(localDayKey(at));
    });
    await vscode.workspace.fs.writeFile(target, Buffer.from(callRecordsCsv(inRange), 'utf8'));
    const open = 'Open';
    const choice = await vscode.window.showInformationMessage(
      `Exported ${inRange.length} calls to ${vscode.workspace.asRelativePath(target)}.`,
      open,
    );
    if (choice === open) await vscode.window.showTextDocument(target);
  }
}

export function registerCostReport(
  context: vscode.ExtensionContext,
  tracker: SpendTracker,
  settings: WorkbenchSettings,
  log?: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.openCostReport, () => {
      CostReportPanel.show(context.extensionUri, tracker, settings, log);
    }),
    new vscode.Disposable(() => CostReportPanel.current?.dispose()),
  );
}
