/** Webview entry of the cost report: wires the typed protocol to the renderer. */
import type { CostReportHostMessage, CostReportWebviewMessage } from '../../src/shared/costReportProtocol';
import { vsCodeApi } from '../../src/shared/webviewProtocol';
import { renderCostReport } from './renderCostReport';
import '../panels/panel.css';
import './costReport.css';

const vscode = vsCodeApi<CostReportWebviewMessage>();
const root = document.getElementById('root')!;
const post = (message: CostReportWebviewMessage) => vscode.postMessage(message);

window.addEventListener('message', (event: MessageEvent<CostReportHostMessage>) => {
  if (event.data?.type === 'data') {
    renderCostReport(root, event.data, {
      setRange: (range) => post({ type: 'setRange', range }),
      exportCsv: () => post({ type: 'exportCsv' }),
      openSettings: () => post({ type: 'openSettings' }),
    });
    post({
      type: 'rendered',
      bars: root.querySelectorAll('svg.chart g.bar').length,
      modelRows: root.querySelectorAll('table[aria-label="By model"] tbody tr[data-key]').length,
      totalText: root.querySelector('.cards .card:nth-child(2) .card-value')?.textContent ?? '',
    });
  }
});
post({ type: 'ready' });
