/**
 * Every message between the cost report webview and the extension host, typed once; both sides import this file.
 * Free of `vscode` and Node APIs: the webview bundle (platform: browser) compiles it too.
 */
import type { CostReportData } from '../core/cost/costReportData';
import { messageGuard, type ReadyMessage } from './webviewProtocol';

export type { CostReportData, SpendRow } from '../core/cost/costReportData';
export { ORIGIN_OURS } from '../core/cost/costReportData';
export type { SpendTotals } from '../core/cost/spendTally';
/** Amounts and totals as the spend status bar writes them, so the report and the status bar agree. */
export { formatSpendUsd, formatTotals } from '../core/cost/spendSummary';

/** Day ranges the report offers. */
export const REPORT_RANGES = [7, 30, 90] as const;
export type ReportRange = (typeof REPORT_RANGES)[number];

/** Host -> webview. */
export type CostReportHostMessage = {
  type: 'data';
  data: CostReportData;
  range: ReportRange;
  /** `llmWorkbench.budget.dailyUsd` when set (> 0): drawn as a line over the bars. */
  dailyUsd?: number;
  /** Where the numbers come from, shown in the footer. */
  ledgerPath: string;
};

/** Webview -> host. */
export type CostReportWebviewMessage =
  | ReadyMessage
  | { type: 'setRange'; range: ReportRange }
  | { type: 'exportCsv' }
  | { type: 'openSettings' }
  /** After each render: what was drawn, so the host (and the integration suite) knows the page is live. */
  | { type: 'rendered'; bars: number; modelRows: number; totalText: string };

export const isCostReportWebviewMessage = messageGuard<CostReportWebviewMessage>({
  ready: true,
  exportCsv: true,
  openSettings: true,
  setRange: (m) => (REPORT_RANGES as readonly unknown[]).includes(m.range),
  rendered: (m) => typeof m.bars === 'number' && typeof m.modelRows === 'number' && typeof m.totalText === 'string',
});
