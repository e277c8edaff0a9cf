import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { budgetModelRows, budgetModelTarget } from './budgetModelItems';
import type { WorkbenchSettings } from '../services/settings';
import type { OllamaServers } from '../services/ollamaServers';
import { formatTokens } from './tokenStatusFormat';

interface ModelItem extends vscode.QuickPickItem {
  ref?: string;
}

/**
 * `LLM Workbench: Pick Budget Model`: a quick pick over the catalog (your `llmWorkbench.models` first, then the
 * models installed on your Ollama servers), grouped by provider, the current model on top; writes
 * `llmWorkbench.budget.model` where it is set now (the workspace's settings if they set it, else the user's) and says
 * which, before and after. It opens at once with what is known; the installed models fill in when the server answers.
 */
export function registerPickBudgetModel(settings: WorkbenchSettings, ollama?: OllamaServers): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.pickBudgetModel, async () => {
    const current = settings.current.budget.model;
    const windowFor = (ref: string, info: Parameters<NonNullable<typeof ollama>['windowFor']>[1]) =>
      ollama?.windowFor(ref, info).tokens ?? info?.combinedWindow ?? info?.maxInputTokens ?? 0;
    const items = (): ModelItem[] => {
      const installed = ollama?.installed() ?? { models: [], pending: false, unreachable: [] };
      return budgetModelRows({
        catalog: settings.catalog.all(),
        userRefs: new Set(settings.current.models.map((model) => model.ref)),
        current,
        installed,
        lookup: (ref) => settings.catalog.lookup(ref),
        windowFor,
      }).map((row) => ('separator' in row ? { label: row.separator, kind: vscode.QuickPickItemKind.Separator } : row));
    };

    const inspected = vscode.workspace.getConfiguration('llmWorkbench').inspect('budget.model');
    const workspaceSetsIt = inspected?.workspaceValue !== undefined;
    const target = budgetModelTarget(workspaceSetsIt);
    const pick = vscode.window.createQuickPick<ModelItem>();
    pick.title = 'Budget model: counts and context-window shares are measured against it';
    pick.placeholder = `Current: ${current} — type to filter; the choice is ${target.placeholderNote}`;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = items();
    pick.busy = ollama?.installed().pending ?? false;
    const refresh = ollama?.onDidChange(() => {
      // Never set activeItems here: once an extension sets them, VS Code stops moving the focus to the first match as
      // the user types, so a remembered row that the filter hides would leave nothing for Enter to accept.
      pick.items = items();
      pick.busy = ollama.installed().pending;
    });
    const picked = await new Promise<ModelItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
    refresh?.dispose();
    pick.dispose();
    if (!picked?.ref) return;
    // Read before the settings change clears what the servers said.
    const window = windowFor(picked.ref, settings.catalog.lookup(picked.ref));
    if (picked.ref === current) return;
    await settings.update(
      'budget.model',
      picked.ref,
      workspaceSetsIt ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
    );
    void vscode.window.setStatusBarMessage(
      `LLM Workbench: budgets now measured against ${picked.ref} (${formatTokens(window)} tokens), saved to ${target.where}`,
      6000,
    );
  });
}
