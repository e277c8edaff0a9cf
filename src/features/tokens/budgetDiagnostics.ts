import * as vscode from 'vscode';
import { deprecationState, deprecationText } from '../../core/models/deprecation';
import type { DocumentBudget, DocumentBudgets } from '../services/documentBudgets';

const SOURCE = 'LLM Workbench';

function lineRange(document: vscode.TextDocument, line: number): vscode.Range {
  const safe = Math.min(Math.max(0, line), document.lineCount - 1);
  return document.lineAt(safe).range;
}

/** The line the whole-prompt verdict sits on: the first section heading, else the first line. */
function promptLine(budget: DocumentBudget): number {
  return budget.prompt?.sections[0]?.line ?? 0;
}

/** Where to start cutting (the largest section) and the command that switches models. */
function whatToDo(budget: DocumentBudget): string {
  const largest = [...(budget.prompt?.sections ?? [])].sort((a, b) => b.tokens - a.tokens)[0];
  const cut = largest?.heading ? ` Largest section: ${largest.heading} (${largest.tokens.toLocaleString('en-US')} tokens).` : '';
  return `${cut} To budget against another model: LLM Workbench: Pick Budget Model.`;
}

/** Diagnostics for one budget evaluation (pure apart from building vscode objects). */
export function budgetDiagnostics(document: vscode.TextDocument, budget: DocumentBudget): vscode.Diagnostic[] {
  const diagnostics: vscode.Diagnostic[] = [];
  const add = (line: number, message: string, severity: vscode.DiagnosticSeverity, code: string) => {
    const diagnostic = new vscode.Diagnostic(lineRange(document, line), message, severity);
    diagnostic.source = SOURCE;
    diagnostic.code = code;
    diagnostics.push(diagnostic);
  };
  const frontMatterError = budget.prompt?.frontMatterError;
  if (frontMatterError) add(frontMatterError.line, frontMatterError.message, vscode.DiagnosticSeverity.Warning, 'frontMatter');
  if (!budget.model) {
    add(
      0,
      `Unknown model "${budget.modelRef}": budgets use a ${budget.evaluation.contextWindow.toLocaleString('en-US')}-token window. ` +
        'Add it to llmWorkbench.models with its contextWindow, or pick a catalog model (LLM Workbench: Pick Budget Model).',
      vscode.DiagnosticSeverity.Warning,
      'unknownModel',
    );
  }
  // The file names a model that is retired or about to be: say so where it names it, with the date and a successor.
  const deprecation = budget.prompt?.frontMatter.modelLine !== undefined ? deprecationState(budget.model?.deprecation) : undefined;
  if (deprecation && budget.model) {
    add(
      budget.prompt!.frontMatter.modelLine!,
      `${budget.modelRef} (${budget.model.displayName}) is ${deprecationText(deprecation)}.`,
      vscode.DiagnosticSeverity.Warning,
      'model.deprecated',
    );
  }
  const { evaluation } = budget;
  // For Ollama the window is the server's num_ctx (or a fallback): say which, since it decides the verdict.
  const windowNote = budget.window.note ? ` ${budget.window.note}` : '';
  if (evaluation.verdict === 'over') {
    add(promptLine(budget), `${evaluation.message}${windowNote}${whatToDo(budget)}`, vscode.DiagnosticSeverity.Error, 'budget.overWindow');
  } else if (evaluation.verdict === 'warn') {
    add(
      promptLine(budget),
      `${evaluation.message}${windowNote}${whatToDo(budget)}`,
      vscode.DiagnosticSeverity.Warning,
      'budget.nearWindow',
    );
  }
  evaluation.sections.forEach((section, index) => {
    const line = budget.prompt?.sections[index]?.line ?? 0;
    if (section.verdict === 'over') add(line, section.message, vscode.DiagnosticSeverity.Warning, 'budget.sectionOverBucket');
    else if (section.verdict === 'warn') add(line, section.message, vscode.DiagnosticSeverity.Information, 'budget.sectionNearBucket');
  });
  return diagnostics;
}

/**
 * Budget problems of open prompt files in the Problems panel: an Error when prompt + output reserve exceeds the
 * model's window, a Warning past the warn threshold, and per-section Warnings past a front-matter bucket limit.
 */
export class BudgetDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('llmWorkbench.budget');
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly budgets: DocumentBudgets) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.refresh(document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)),
      budgets.onDidChange((document) => (document ? this.refresh(document) : this.refreshAll())),
    ];
    // Off the activation path: documents restored with the window are checked once activation has returned.
    setTimeout(() => this.refreshAll(), 0);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
  }

  private refresh(document: vscode.TextDocument): void {
    if (document.isClosed || !this.budgets.isPromptFile(document)) {
      this.collection.delete(document.uri);
      return;
    }
    void this.budgets.budgetFor(document).then((budget) => {
      if (!budget || document.isClosed || budget.version !== document.version) return;
      this.collection.set(document.uri, budgetDiagnostics(document, budget));
    });
  }
}
