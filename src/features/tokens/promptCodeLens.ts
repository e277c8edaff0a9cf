import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { WorkbenchSettings } from '../services/settings';
import type { DocumentBudgets } from '../services/documentBudgets';
import { promptFileSelector } from '../services/promptFiles';
import { sectionLensTitle, wholeFileLensTitle } from './promptSectionFormat';

/** A CodeLens above each prompt-file section (or the first line of a file without sections) with its tokens and share. */
class PromptCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly budgets: DocumentBudgets) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    // The selector can match an eval file through an include glob: those are not prompts (see isPromptFile).
    if (!this.budgets.isPromptFile(document)) return [];
    const budget = await this.budgets.budgetFor(document);
    if (!budget || budget.version !== document.version) return []; // asked again via onDidChangeCodeLenses when counted
    const modelName = budget.model?.displayName ?? budget.modelRef;
    const contextWindow = budget.evaluation.contextWindow;
    const lens = (line: number, title: string) =>
      new vscode.CodeLens(document.lineAt(Math.min(line, document.lineCount - 1)).range, {
        title,
        command: COMMANDS.pickBudgetModel,
        tooltip: 'Pick the budget model',
      });
    const sections = budget.prompt?.sections ?? [];
    if (sections.length === 0 || (sections.length === 1 && !sections[0].heading)) {
      // Same number as the status bar: the whole file is one prompt, its share includes the answer's reserve.
      const { share, outputReserve } = budget.evaluation;
      return [
        lens(
          sections[0]?.line ?? 0,
          wholeFileLensTitle({ tokens: budget.total, share, outputReserve, modelName, tokenizer: budget.tokenizer }),
        ),
      ];
    }
    return sections.map((section, index) => {
      const title = sectionLensTitle({
        tokens: section.tokens,
        contextWindow,
        modelName,
        tokenizer: budget.tokenizer,
        bucket: section.bucket,
        limit: budget.evaluation.sections[index]?.limit,
      });
      const where = section.heading ? '' : ' (before the first heading)';
      return lens(section.line, title + where);
    });
  }
}

/** Registers the CodeLens for prompt files; re-registers when `llmWorkbench.budget.include` changes the selector. */
export function registerPromptCodeLens(budgets: DocumentBudgets, settings: WorkbenchSettings): vscode.Disposable {
  const provider = new PromptCodeLensProvider(budgets);
  let include = JSON.stringify(settings.current.budget.include);
  let registration = vscode.languages.registerCodeLensProvider(promptFileSelector(settings.current.budget.include), provider);
  const subscriptions = [
    budgets.onDidChange(() => provider.refresh()),
    settings.onDidChange((config) => {
      if (JSON.stringify(config.budget.include) === include) return;
      include = JSON.stringify(config.budget.include);
      registration.dispose();
      registration = vscode.languages.registerCodeLensProvider(promptFileSelector(config.budget.include), provider);
    }),
  ];
  return new vscode.Disposable(() => {
    registration.dispose();
    for (const subscription of subscriptions) subscription.dispose();
  });
}
