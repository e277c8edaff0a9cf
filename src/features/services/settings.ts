import * as vscode from 'vscode';
import { readSettings, type SettingProblem } from '../../core/config/readSettings';
import type { WorkbenchConfig } from '../../core/config/workbenchConfig';
import { isUserOnlySetting } from '../../core/config/settingScopes';
import { workspaceSafeGetter, type SettingInspector } from '../../core/config/workspaceSafeSettings';
import { ModelCatalog } from '../../core/models/catalog';
import { OPEN_SETTINGS, OPEN_USER_SETTINGS } from '../commandIds';

/** The settings' prefix: `llmWorkbench.budget.model` is `budget.model` below it. */
export const SETTINGS_SECTION = 'llmWorkbench';

/**
 * Opens the Settings editor on `key` where a value of it works: user-only settings (providers, logPrompts) on the
 * User tab — in a remote window the editor may otherwise open on the Remote or Workspace tab, where they are not
 * shown —, any other setting wherever VS Code opens it.
 */
export function openSetting(key: string): Thenable<unknown> {
  if (isUserOnlySetting(key) || key === SETTINGS_SECTION) return vscode.commands.executeCommand(OPEN_USER_SETTINGS, { query: key });
  return vscode.commands.executeCommand(OPEN_SETTINGS, key);
}

/**
 * `inspect(key)` for the workspace guards (workspaceSafeGetter, the provider endpoint guard, the telemetry settings),
 * with as few of VS Code's `inspect()` calls as exactness allows: each one costs the same whatever the key (VS Code
 * walks every language-override block of the settings), several ms in the extension host at activation. One
 * `inspect` of the whole `llmWorkbench` section, on the first key asked, shows which keys the workspace or a folder
 * sets; a key that neither sets has no value the guards could refuse, so VS Code's merged value is the user's own (or
 * the default), which is what each guard reads (`globalValue ?? defaultValue`) — it is returned as `globalValue`.
 * A key the workspace sets is inspected on its own, exactly. Take a new inspector for each read: it keeps what the
 * section said at the first key.
 */
export function settingInspector(settings: vscode.WorkspaceConfiguration): SettingInspector {
  let workspaceTrees: unknown[] | undefined;
  return (key) => {
    if (workspaceTrees === undefined) {
      const section = vscode.workspace.getConfiguration().inspect(SETTINGS_SECTION);
      workspaceTrees = [section?.workspaceValue, section?.workspaceFolderValue];
    }
    if (workspaceTrees.some((tree) => valueAt(tree, key) !== undefined)) return settings.inspect(key);
    return { globalValue: settings.get(key) };
  };
}

/** `budget.dailyUsd` in `{ budget: { dailyUsd: 5 } }`, as VS Code nests dotted keys in a section's value. */
function valueAt(tree: unknown, key: string): unknown {
  let node = tree;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * The one typed accessor for `llmWorkbench.*` settings: every feature reads `current` (and `catalog`) and listens
 * to `onDidChange`, instead of calling `getConfiguration().get()` itself. Invalid values fall back to defaults and
 * are reported once each, naming the setting, with a button that opens it.
 */
export class WorkbenchSettings implements vscode.Disposable {
  private config: WorkbenchConfig;
  private modelCatalog: ModelCatalog;
  private readonly changed = new vscode.EventEmitter<WorkbenchConfig>();
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;
  problems: SettingProblem[] = [];

  /** Fires after any `llmWorkbench.*` setting changed, with the new configuration. */
  readonly onDidChange = this.changed.event;

  constructor() {
    ({ config: this.config, catalog: this.modelCatalog } = this.read());
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
      ({ config: this.config, catalog: this.modelCatalog } = this.read());
      this.changed.fire(this.config);
    });
  }

  get current(): WorkbenchConfig {
    return this.config;
  }

  /** Built-in models merged with `llmWorkbench.models`. */
  get catalog(): ModelCatalog {
    return this.modelCatalog;
  }

  /** The catalog's table changed (Update Model Prices): rebuild the catalog and tell every feature. */
  reloadCatalog(): void {
    this.modelCatalog = new ModelCatalog(this.config.models, { providers: this.config.providers });
    this.changed.fire(this.config);
  }

  /** Writes one setting at the user level (or workspace, when the user chose that scope). */
  async update(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Promise<void> {
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(key, value, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private read(): { config: WorkbenchConfig; catalog: ModelCatalog } {
    const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // A workspace can tighten, never loosen, what protects the user (prompt logging, private files, the daily budget).
    const get = workspaceSafeGetter((key) => settings.get(key), settingInspector(settings));
    const { config, problems } = readSettings(get);
    this.problems = problems;
    this.reportProblems(problems);
    return { config, catalog: new ModelCatalog(config.models, { providers: config.providers }) };
  }

  private reportProblems(problems: SettingProblem[]): void {
    for (const problem of problems) {
      if (this.reported.has(problem.message)) continue;
      this.reported.add(problem.message);
      void vscode.window.showWarningMessage(`LLM Workbench: ${problem.message}`, 'Open Setting').then((choice) => {
        if (choice) void openSetting(problem.setting);
      });
    }
  }
}
