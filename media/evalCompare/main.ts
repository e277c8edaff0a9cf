/** Webview entry of the model comparison: wires the typed protocol to the renderer. */
import type { CompareHostMessage, CompareView, CompareWebviewMessage } from '../../src/shared/evalCompareProtocol';
import { vsCodeApi } from '../../src/shared/webviewProtocol';
import { renderCompare } from './renderCompare';
import '../panels/panel.css';
import './evalCompare.css';

const vscode = vsCodeApi<CompareWebviewMessage>();
const root = document.getElementById('root')!;
const post = (message: CompareWebviewMessage) => vscode.postMessage(message);
let view: CompareView | undefined;
let notice: string | undefined;

function draw(): void {
  if (!view) return;
  renderCompare(
    root,
    view,
    { saveRecord: () => post({ type: 'saveRecord' }), setRoute: () => post({ type: 'setRoute' }), cancel: () => post({ type: 'cancel' }) },
    notice,
  );
  post({ type: 'rendered', recommended: view.recommendation.model, columns: view.models.length });
}

window.addEventListener('message', (event: MessageEvent<CompareHostMessage>) => {
  const message = event.data;
  if (message?.type === 'state') view = message.view;
  else if (message?.type === 'notice') notice = message.text;
  else return;
  draw();
});
post({ type: 'ready' });
