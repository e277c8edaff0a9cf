import * as vscode from 'vscode';
import type { ProviderConfig } from '../../core/providers/adapter';
import { DEFAULT_BASE_URLS } from '../../core/providers/defaultBaseUrls';
import { keyProblem, needsKey } from '../../core/secrets/apiKeys';
import { COMMANDS } from '../commandIds';
import { openSetting } from '../services/settings';
import type { ApiKeys } from '../services/apiKeys';
import { SETTINGS_VENDORS } from '../../core/providers/vendorPresets';

/** "Set API Key" and "Clear API Key": a quick pick over the configured providers that take a key. */
export function registerApiKeyCommands(keys: ApiKeys, providers: () => ProviderConfig[]): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.setApiKey, async (providerId?: string) => {
      const provider = await pickProvider(keys, providers(), providerId, 'Set the API key for which provider?');
      if (!provider) return;
      const key = await vscode.window.showInputBox({
        title: `API key for ${provider.id}`,
        prompt: `Stored in VS Code SecretStorage and sent only to ${endpointOf(provider)}.`,
        password: true,
        ignoreFocusOut: true,
        placeHolder: provider.kind === 'anthropic' ? 'sk-ant-…' : provider.kind === 'openai' ? 'sk-…' : 'API key',
        validateInput: (value) => keyProblem(value),
      });
      if (key === undefined) return;
      await keys.set(provider.id, key);
      void vscode.window.showInformationMessage(`LLM Workbench: API key for ${provider.id} saved in SecretStorage.`);
    }),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, async (providerId?: string) => {
      const provider = await pickProvider(keys, providers(), providerId, 'Clear the API key of which provider?', true);
      if (!provider) return;
      await keys.clear(provider.id);
      void vscode.window.showInformationMessage(`LLM Workbench: API key for ${provider.id} removed.`);
    }),
  );
}

function endpointOf(provider: ProviderConfig): string {
  return provider.baseUrl ?? DEFAULT_BASE_URLS[provider.kind] ?? 'its configured endpoint';
}

async function pickProvider(
  keys: ApiKeys,
  configured: ProviderConfig[],
  requested: string | undefined,
  title: string,
  onlyWithKey = false,
): Promise<ProviderConfig | undefined> {
  // Vendors by prefix (groq, mistral, gemini...) take a key even before they are configured: an eval file may name them.
  const presets: ProviderConfig[] = SETTINGS_VENDORS.filter((v) => !configured.some((p) => p.id === v.prefix)).map((v) => ({
    id: v.prefix,
    kind: 'openai-compatible',
    baseUrl: v.baseUrl,
  }));
  const candidates = [...configured.filter(needsKey), ...presets];
  if (typeof requested === 'string') {
    const match = candidates.find((p) => p.id === requested);
    if (match) return match;
  }
  const withState = await Promise.all(candidates.map(async (provider) => ({ provider, hasKey: await keys.has(provider.id) })));
  const offered = onlyWithKey ? withState.filter((p) => p.hasKey) : withState;
  if (offered.length === 0) {
    const message = onlyWithKey
      ? 'LLM Workbench: no API key is stored.'
      : 'LLM Workbench: no configured provider takes an API key (Ollama needs none). Add one to "llmWorkbench.providers" in your User settings, e.g. { "id": "openai", "kind": "openai" }.';
    const choice = await vscode.window.showInformationMessage(message, ...(onlyWithKey ? [] : ['Open Settings']));
    if (choice) void openSetting('llmWorkbench.providers');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    offered.map(({ provider, hasKey }) => ({
      label: provider.id,
      description: `${provider.kind} · ${endpointOf(provider)}`,
      detail: hasKey ? '$(key) key stored' : 'no key stored',
      provider,
    })),
    { title, placeHolder: 'Provider' },
  );
  return picked?.provider;
}
