import * as vscode from 'vscode';
import { costTable } from '../../core/cost/promptCost';
import { COMMANDS } from '../commandIds';
import type { WorkbenchSettings } from '../services/settings';
import { configuredModels } from '../../core/config/configuredModels';
import type { DocumentBudgets } from '../services/documentBudgets';
import { MAX_COUNTED_CHARS } from '../services/documentTokenCounts';
import { deprecationState, deprecationText } from '../../core/models/deprecation';
import { statusText, tooltipMarkdown } from './tokenStatusFormat';

/** Selection changes arrive per keystroke of a shift-arrow; one recount per pause is enough. */
const RENDER_DEBOUNCE_MS = 100;
/** Output panels and the like are editors too, but nobody prompts with them. */
const IGNORED_SCHEMES = new Set(['output', 'debug', 'vscode-scm', 'comment']);

/**
 * The token count of the active editor (and of its selection) against the budget model, in the status bar.
 * Never counts on the extension host thread: it shows what DocumentTokenCounts has and a spinner until then.
 */
export class TokenStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renderGeneration = 0;

  constructor(
    private readonly budgets: DocumentBudgets,
    private readonly settings: WorkbenchSettings,
  ) {
    this.item = vscode.window.createStatusBarItem('llmWorkbench.tokens', vscode.StatusBarAlignment.Right, 1000);
    this.item.name = 'LLM Workbench: Tokens';
    this.item.command = COMMANDS.pickBudgetModel;
    const schedule = () => this.schedule();
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) schedule();
      }),
      budgets.onDidChange((document) => {
        if (!document || document === vscode.window.activeTextEditor?.document) this.schedule(0);
      }),
    );
    this.schedule(0);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private shown = false;

  /** Whether the item is in the status bar now (StatusBarItem itself cannot say). */
  get visible(): boolean {
    return this.shown;
  }

  private show(): void {
    this.shown = true;
    this.item.show();
  }

  private hide(): void {
    this.shown = false;
    this.item.hide();
  }

  private schedule(delay = RENDER_DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), delay);
  }

  private async render(): Promise<void> {
    const generation = ++this.renderGeneration;
    const editor = vscode.window.activeTextEditor;
    const document = editor?.document;
    if (!editor || !document || IGNORED_SCHEMES.has(document.uri.scheme)) {
      this.hide();
      return;
    }
    const state = this.budgets.track(document);
    this.item.backgroundColor = undefined;
    if (state.kind === 'counting') {
      this.item.text = '$(loading~spin) Counting tokens…';
      this.item.tooltip = 'LLM Workbench is counting this document’s tokens (the first count loads the tokenizer).';
      this.show();
      return;
    }
    if (state.kind === 'tooLarge') {
      this.item.text = '$(symbol-numeric) not counted';
      this.item.tooltip = `This document has ${(state.chars / 1e6).toFixed(1)} M characters; LLM Workbench counts documents up to ${MAX_COUNTED_CHARS / 1e6} M characters.`;
      this.show();
      return;
    }
    if (state.kind === 'failed') {
      this.item.text = '$(warning) tokens';
      this.item.tooltip = `LLM Workbench could not count this document: ${state.message}`;
      this.show();
      return;
    }

    const budget = await this.budgets.budgetFor(document);
    const selectionRanges = editor.selections
      .filter((selection) => !selection.isEmpty)
      .map((selection): [number, number] => [document.offsetAt(selection.start), document.offsetAt(selection.end)]);
    const selectionCounts = selectionRanges.length > 0 ? await this.budgets.countRanges(document, selectionRanges) : undefined;
    if (generation !== this.renderGeneration) return; // a newer render started while this one waited
    if (!budget) {
      this.item.text = '$(loading~spin) Counting tokens…';
      this.show();
      return;
    }
    const selection = selectionCounts ? selectionCounts.reduce((sum, n) => sum + n, 0) : undefined;
    const modelName = budget.model?.displayName ?? budget.modelRef;
    const config = this.settings.current;
    const models = configuredModels(config, this.settings.catalog, [budget.modelRef]);
    const costs = costTable(budget.total, budget.outputReserve, models, config.budget.callsPerDay, budget.tokenizer.encoding);

    this.item.text = statusText({ total: budget.total, selection, tokenizer: budget.tokenizer, share: budget.evaluation.share, modelName });
    const deprecation = deprecationState(budget.model?.deprecation);
    const table = this.settings.catalog.origin();
    const tooltip = new vscode.MarkdownString(
      tooltipMarkdown({
        fileName: document.uri.path.split('/').pop() ?? document.uri.path,
        total: budget.total,
        selection,
        tokenizer: budget.tokenizer,
        modelName,
        evaluation: budget.evaluation,
        windowNote: budget.window.note,
        costs,
        callsPerDay: config.budget.callsPerDay,
        ...(deprecation ? { deprecation: `${modelName} (${budget.modelRef}) is ${deprecationText(deprecation)}.` } : {}),
        pricesFrom: `Prices: LiteLLM's table of ${table.date} (${table.kind === 'refreshed' ? 'updated' : 'shipped with the extension'})`,
      }),
      true,
    );
    tooltip.isTrusted = { enabledCommands: [COMMANDS.pickBudgetModel, COMMANDS.updateModelPrices] };
    this.item.tooltip = tooltip;
    const verdict = budget.evaluation.verdict;
    this.item.backgroundColor =
      verdict === 'over'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : verdict === 'warn'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.show();
  }
}
