/**
 * What every webview protocol shares: the `ready` message a page sends first (the host then sends its state), the
 * typed `acquireVsCodeApi` of a page, and message guards built from the protocol's union. Free of `vscode` and Node
 * APIs: the pages (platform: browser) and the host both compile it.
 */

/** A page's first message: it is listening, so the host sends (or re-sends) its state. Every page sends it. */
export interface ReadyMessage {
  type: 'ready';
}

/** `acquireVsCodeApi()` as a page sees it, typed by what the page may post and the state it keeps across hides. */
export interface VsCodeApi<Out extends { type: string }, State = never> {
  postMessage(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): unknown;

/** The page's one handle on its host (VS Code allows one `acquireVsCodeApi()` call per page). */
export function vsCodeApi<Out extends ReadyMessage | { type: string }, State = never>(): VsCodeApi<Out, State> {
  return acquireVsCodeApi() as VsCodeApi<Out, State>;
}

/**
 * For each message type of a union, the check of its fields (`true`: it has none). The keys are the union's types,
 * so a type added to the union does not compile until its check is written, and nothing else is accepted.
 */
export type MessageChecks<M extends { type: string }> = { [T in M['type']]: true | ((message: Record<string, unknown>) => boolean) };

/** The webview is a trust boundary: a guard that accepts only well-formed messages of the union. */
export function messageGuard<M extends { type: string }>(checks: MessageChecks<M>): (value: unknown) => value is M {
  return (value): value is M => {
    if (typeof value !== 'object' || value === null) return false;
    const message = value as Record<string, unknown>;
    if (typeof message.type !== 'string' || !Object.prototype.hasOwnProperty.call(checks, message.type)) return false;
    const check = checks[message.type as M['type']];
    return check === true || check(message);
  };
}

/** Compile-time check that a protocol's page-to-host union starts with `ready`: `const _: SendsReady<X> = true`. */
export type SendsReady<M extends { type: string }> = ReadyMessage extends Extract<M, { type: 'ready' }> ? true : never;
