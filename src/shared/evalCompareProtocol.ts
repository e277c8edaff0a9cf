/**
 * Every message between the model comparison webview and the extension host, typed once; both sides import it.
 * The view itself is the comparison's data (src/core/evals/editor/compareViewModel.ts). Free of `vscode` and Node
 * APIs (the webview bundle compiles it too).
 */

import type { CompareView } from '../core/evals/editor/compareViewModel';
import { messageGuard, type ReadyMessage } from './webviewProtocol';

export type { CaseRow, CompareView, ModelColumn } from '../core/evals/editor/compareViewModel';

/** Host -> webview. */
export type CompareHostMessage =
  | { type: 'state'; view: CompareView }
  /** After "save record" / "set route": what happened, shown under the buttons. */
  | { type: 'notice'; text: string };

/** Webview -> host. */
export type CompareWebviewMessage =
  | ReadyMessage
  | { type: 'saveRecord' }
  | { type: 'setRoute' }
  | { type: 'cancel' }
  | { type: 'rendered'; recommended?: string; columns: number };

export const isCompareWebviewMessage = messageGuard<CompareWebviewMessage>({
  ready: true,
  saveRecord: true,
  setRoute: true,
  cancel: true,
  rendered: (m) => typeof m.columns === 'number' && (m.recommended === undefined || typeof m.recommended === 'string'),
});
