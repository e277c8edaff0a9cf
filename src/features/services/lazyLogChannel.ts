import * as vscode from 'vscode';

/**
 * A log output channel created on its first use (a line logged, Show Log) instead of on activation: creating one makes
 * the extension host create a log folder and file and tells the window, ~5-7 ms of activation in code-server for a
 * channel most sessions never write to before the first model call. Once created it is the same channel as
 * `createOutputChannel(name, { log: true })`, every call forwarded to it; `name` and disposing an unused one create
 * nothing.
 */
export class LazyLogOutputChannel implements vscode.LogOutputChannel {
  private channel: vscode.LogOutputChannel | undefined;
  private disposed = false;
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  private forwardLevel: vscode.Disposable | undefined;
  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor(readonly name: string) {}

  private get real(): vscode.LogOutputChannel {
    if (this.channel === undefined) {
      this.channel = vscode.window.createOutputChannel(this.name, { log: true });
      this.forwardLevel = this.channel.onDidChangeLogLevel((level) => this.levelChanged.fire(level));
    }
    return this.channel;
  }

  /** Runs `action` on the channel, creating it; after dispose, nothing (a disposed channel ignores what it is given). */
  private use(action: (channel: vscode.LogOutputChannel) => void): void {
    if (this.disposed) return;
    action(this.real);
  }

  get logLevel(): vscode.LogLevel {
    return this.disposed ? (this.channel?.logLevel ?? vscode.env.logLevel) : this.real.logLevel;
  }

  trace(message: string, ...args: unknown[]): void {
    this.use((channel) => channel.trace(message, ...args));
  }

  debug(message: string, ...args: unknown[]): void {
    this.use((channel) => channel.debug(message, ...args));
  }

  info(message: string, ...args: unknown[]): void {
    this.use((channel) => channel.info(message, ...args));
  }

  warn(message: string, ...args: unknown[]): void {
    this.use((channel) => channel.warn(message, ...args));
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.use((channel) => channel.error(error, ...args));
  }

  append(value: string): void {
    this.use((channel) => channel.append(value));
  }

  appendLine(value: string): void {
    this.use((channel) => channel.appendLine(value));
  }

  replace(value: string): void {
    this.use((channel) => channel.replace(value));
  }

  clear(): void {
    this.use((channel) => channel.clear());
  }

  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined)
      this.use((channel) => channel.show(columnOrPreserveFocus));
    else this.use((channel) => channel.show(columnOrPreserveFocus, preserveFocus));
  }

  hide(): void {
    this.channel?.hide();
  }

  dispose(): void {
    this.disposed = true;
    this.forwardLevel?.dispose();
    this.channel?.dispose();
    this.levelChanged.dispose();
  }
}
