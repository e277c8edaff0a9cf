/**
 * What the extension-host suite asks of the Playwright driver: the things only the browser side can do, such as
 * answering a modal dialog a test's API call opened (VS Code's tool confirmation) or taking a screenshot. The suite
 * writes `<prefix>.request-<id>.json` and waits for `<prefix>.reply-<id>.json`; the driver polls for requests while it
 * waits for the suite's results. `<prefix>` is LLM_WORKBENCH_TEST_DRIVER, set only where a driver runs (code-server).
 */
export type DriverRequest =
  /** Wait for the modal dialog, read it, optionally screenshot it, then click the button labelled exactly `click`. */
  | { id: string; kind: 'dialog'; click: string; screenshot?: string }
  /** Wait until `waitForText` is visible on the page (when given), then save a screenshot named `name`. */
  | { id: string; kind: 'screenshot'; name: string; waitForText?: string };

export interface DialogSeen {
  message: string;
  detail: string;
  buttons: string[];
}

export type DriverReply = { id: string; ok: true; dialog?: DialogSeen; screenshot?: string } | { id: string; ok: false; error: string };

export const DRIVER_ENV = 'LLM_WORKBENCH_TEST_DRIVER';
export const requestPath = (prefix: string, id: string) => `${prefix}.request-${id}.json`;
export const replyPath = (prefix: string, id: string) => `${prefix}.reply-${id}.json`;
