import type { SettingGetter } from './readSettings';

/** What VS Code's `inspect(key)` reports for one setting, reduced to the scopes that matter here. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** What `inspect(key)` says for a key below `llmWorkbench.`; undefined for an unknown key. */
export type SettingInspector = (key: string) => InspectedSetting | undefined;

/**
 * Settings a cloned repository's `.vscode/settings.json` must not loosen, read from the scopes that are the user's:
 * - `logPrompts` (writes prompt text to the log and ledger): the user's value only (it is application-scoped as well: User settings only);
 * - `privateFiles` (files that must stay on local models): the user's patterns plus the workspace's — a workspace
 *   can add patterns, never remove the user's;
 * - `budget.dailyUsd` (asks before spending past it): a workspace may lower the user's limit, not raise or clear it.
 * Everything else is read as VS Code merges it. `providers` has its own guard (endpointGuard).
 */
export function workspaceSafeGetter(get: SettingGetter, inspect: SettingInspector): SettingGetter {
  return (key) => {
    if (key === 'logPrompts') {
      const i = inspect(key);
      return i?.globalValue !== undefined ? i.globalValue : i?.defaultValue;
    }
    if (key === 'privateFiles') {
      const i = inspect(key);
      const lists = [i?.globalValue ?? i?.defaultValue, i?.workspaceValue, i?.workspaceFolderValue];
      if (lists.some((l) => l !== undefined && !Array.isArray(l))) return get(key); // readSettings reports the bad value
      return [...new Set(lists.flatMap((l) => (Array.isArray(l) ? (l as unknown[]) : [])))];
    }
    if (key === 'budget.dailyUsd') {
      const i = inspect(key);
      const user = i?.globalValue;
      const merged = get(key);
      if (typeof user !== 'number' || user <= 0) return merged;
      return typeof merged === 'number' && merged > 0 && merged < user ? merged : user;
    }
    return get(key);
  };
}
