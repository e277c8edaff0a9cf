import * as vscode from 'vscode';
import type { KeySource } from '../../core/providers/adapter';
import { keySourceFrom, secretName } from '../../core/secrets/apiKeys';

/**
 * API keys live only in VS Code's SecretStorage (the OS keychain on desktop), one secret per provider id.
 * They never go into settings, the log, the ledger or the chat webview: the gateway reads them at call time
 * through `keySource`.
 */
export class ApiKeys implements vscode.Disposable {
  readonly keySource: KeySource;
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the provider id whose key was set or cleared. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.keySource = keySourceFrom(secrets);
    this.subscription = secrets.onDidChange((event) => {
      const prefix = secretName('');
      if (event.key.startsWith(prefix)) this.changed.fire(event.key.slice(prefix.length));
    });
  }

  async has(providerId: string): Promise<boolean> {
    return Boolean(await this.secrets.get(secretName(providerId)));
  }

  async set(providerId: string, key: string): Promise<void> {
    await this.secrets.store(secretName(providerId), key.trim());
  }

  async clear(providerId: string): Promise<void> {
    await this.secrets.delete(secretName(providerId));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
