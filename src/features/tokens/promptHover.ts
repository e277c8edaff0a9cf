import * as vscode from 'vscode';
import { costTable } from '../../core/cost/promptCost';
import type { WorkbenchSettings } from '../services/settings';
import { configuredModels } from '../../core/config/configuredModels';
import type { DocumentBudgets } from '../services/documentBudgets';
import { promptFileSelector } from '../services/promptFiles';
import { sectionHoverMarkdown } from './promptSectionFormat';

/** Hover on a prompt-file section heading: its tokens, one call's cost per configured model, the monthly projection. */
class PromptHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly budgets: DocumentBudgets,
    private readonly settings: WorkbenchSettings,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const budget = await this.budgets.budgetFor(document);
    const index = budget?.prompt?.sections.findIndex((section) => section.line === position.line) ?? -1;
    if (!budget?.prompt || index < 0) return undefined;
    const section = budget.prompt.sections[index];
    const config = this.settings.current;
    const models = configuredModels(config, this.settings.catalog, [budget.modelRef]);
    const whole = costTable(budget.total, budget.outputReserve, models, config.budget.callsPerDay, budget.tokenizer.encoding);
    const sectionOnly = costTable(section.tokens, 0, models, config.budget.callsPerDay, budget.tokenizer.encoding);
    const markdown = sectionHoverMarkdown({
      heading: section.heading,
      tokens: section.tokens,
      contextWindow: budget.evaluation.contextWindow,
      limitKind: budget.evaluation.limitKind,
      modelName: budget.model?.displayName ?? budget.modelRef,
      tokenizer: budget.tokenizer,
      bucket: section.bucket,
      limit: budget.evaluation.sections[index]?.limit,
      promptTokens: budget.total,
      outputReserve: budget.outputReserve,
      callsPerDay: config.budget.callsPerDay,
      windowNote: budget.window.note,
      costs: whole.map((row, i) => ({ row, sectionInput: sectionOnly[i]?.perCall ?? null })),
    });
    return new vscode.Hover(new vscode.MarkdownString(markdown, true), document.lineAt(section.line).range);
  }
}

export function registerPromptHover(budgets: DocumentBudgets, settings: WorkbenchSettings): vscode.Disposable {
  const provider = new PromptHoverProvider(budgets, settings);
  let include = JSON.stringify(settings.current.budget.include);
  let registration = vscode.languages.registerHoverProvider(promptFileSelector(settings.current.budget.include), provider);
  const subscription = settings.onDidChange((config) => {
    if (JSON.stringify(config.budget.include) === include) return;
    include = JSON.stringify(config.budget.include);
    registration.dispose();
    registration = vscode.languages.registerHoverProvider(promptFileSelector(config.budget.include), provider);
  });
  return new vscode.Disposable(() => {
    registration.dispose();
    subscription.dispose();
  });
}
