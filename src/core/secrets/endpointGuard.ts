import { readSettings } from '../config/readSettings';
import type { ProviderConfig } from '../providers/adapter';
import type { InspectedSetting } from '../config/workspaceSafeSettings';

export interface GuardedProviders {
  /** Providers from the user's own settings (or the default): the only endpoints a key may be sent to. */
  providers: ProviderConfig[];
  /** A workspace set `llmWorkbench.providers` to something else: ignored, and the user is told. */
  ignoredWorkspaceValue: boolean;
}

/**
 * Where a key is sent is decided by the user, never by a repository: a cloned `.vscode/settings.json` could
 * otherwise point `baseUrl` at a server that collects keys. `llmWorkbench.providers` is application-scoped (User settings only), so
 * VS Code already ignores workspace values; this guard does not rely on that. It reads the providers from the
 * user (global) value, else the default, whatever the merged value says.
 */
export function guardProviderEndpoints(inspected: InspectedSetting | undefined): GuardedProviders {
  const trusted = inspected?.globalValue !== undefined ? inspected.globalValue : inspected?.defaultValue;
  const workspace = [inspected?.workspaceValue, inspected?.workspaceFolderValue].filter((v) => v !== undefined);
  const providers = readSettings((key) => (key === 'providers' ? trusted : undefined)).config.providers;
  return {
    providers,
    ignoredWorkspaceValue: workspace.some((value) => JSON.stringify(value) !== JSON.stringify(trusted)),
  };
}
