import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Features are registered here as they land; activation must stay cheap (no tokenizer loading).
}

export function deactivate(): void {}
