import { randomUUID } from 'node:crypto';

/**
 * The id an editor window stamps on its calls (`CallRecord.sessionId`) so the spend status bar can tell "this window"
 * from other windows and the CLI. Ours and random per activation: VS Code's `env.sessionId` is a constant
 * placeholder in code-server (every window would be "this window"), and a value another window may share is no id.
 */
export function newWindowId(): string {
  return `window-${randomUUID()}`;
}
