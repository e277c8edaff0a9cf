import * as vscode from 'vscode';
import { formatUsd } from '../core/cost/pricing';
import type { ModelInfo } from '../core/models/modelInfo';
import type { WorkbenchSettings } from './configuration';
import { formatTokens } from './tokenStatusFormat';

interface ModelItem extends vscode.QuickPickItem {
  ref?: string;
}

function windowLabel(tokens: number): string {
  return tokens >= 1e6 ? `${(tokens / 1e6).toFixed(tokens % 1e6 === 0 ? 0 : 1)}M` : `${Math.round(tokens / 1000)}K`;
}

function describe(model: ModelInfo): string {
  const price = model.price
    ? `${formatUsd(model.price.input * 1e6)} / ${formatUsd(model.price.output * 1e6)} per 1M in/out`
    : 'price unknown';
  const counting = model.tokenizer.kind === 'exact' ? `exact ${model.tokenizer.encoding}` : `≈ ${model.tokenizer.encoding} estimate`;
  return `${windowLabel(model.contextWindow)} window · ${price} · ${counting}`;
}

/**
 * `LLM Workbench: Pick Budget Model`: a quick pick over the catalog (your `llmWorkbench.models` first), grouped by
 * provider; writes `llmWorkbench.budget.model` where it is set now (the workspace's settings if they set it, else the user's).
 */
export function registerPickBudgetModel(settings: WorkbenchSettings): vscode.Disposable {
  return vscode.commands.registerCommand('llmWorkbench.pickBudgetModel', async () => {
    const current = settings.current.budget.model;
    const userRefs = new Set(settings.current.models.map((model) => model.ref));
    const models = settings.catalog.all();
    const groups = new Map<string, ModelInfo[]>();
    const yours = models.filter((model) => userRefs.has(model.ref));
    if (yours.length > 0) groups.set('Your models (llmWorkbench.models)', yours);
    for (const model of models) {
      if (userRefs.has(model.ref)) continue;
      const list = groups.get(model.provider) ?? [];
      list.push(model);
      groups.set(model.provider, list);
    }
    const items: ModelItem[] = [];
    for (const [label, list] of groups) {
      items.push({ label, kind: vscode.QuickPickItemKind.Separator });
      for (const model of list) {
        items.push({
          label: `${model.ref === current ? '$(check) ' : ''}${model.displayName}`,
          description: model.ref,
          detail: describe(model),
          ref: model.ref,
        });
      }
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Budget model: counts and context-window shares are measured against it',
      placeHolder: `Current: ${current} — type to filter`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked?.ref) return;
    const inspected = vscode.workspace.getConfiguration('llmWorkbench').inspect('budget.model');
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await settings.update('budget.model', picked.ref, target);
    void vscode.window.setStatusBarMessage(`LLM Workbench: budgets now measured against ${picked.ref} (${formatTokens(settings.catalog.lookup(picked.ref)?.contextWindow ?? 0)} tokens)`, 4000);
  });
}
