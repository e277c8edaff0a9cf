import * as vscode from 'vscode';
import { costTable } from '../../core/cost/promptCost';
import { COMMANDS } from '../commandIds';
import type { WorkbenchSettings } from '../services/settings';
import { configuredModels } from '../../core/config/configuredModels';
import type { DocumentBudget, DocumentBudgets } from '../services/documentBudgets';
import { MAX_COUNTED_CHARS } from '../services/documentTokenCounts';
import { deprecationState, deprecationText } from '../../core/models/deprecation';
import { isEvalFilePath } from '../../core/evals/evalFilePatterns';
import { statusText, tooltipMarkdown } from './tokenStatusFormat';

/** Selection changes arrive per keystroke of a shift-arrow; one recount per pause is enough. */
const RENDER_DEBOUNCE_MS = 100;
/**
 * While one editor replaces another VS Code can report no active editor for a moment: the item stays up that long
 * before it is hidden, so switching files never makes it blink out.
 */
const HIDE_GRACE_MS = 300;
/**
 * The tokenizer is loaded into the counting worker (and the catalog read) this long after activation when no editor
 * asks for it sooner, so the first file opened in a window is counted at once instead of waiting for the worker and
 * its ranks (~0.3-1.5 s). Off the activation path (the rank table loads on the worker's thread); the short delay lets
 * the extensions activated in the same startup phase go first.
 */
const WARM_UP_DELAY_MS = 200;
/**
 * Opening a file while the item is hidden (no editor was open), the spinner waits this long for the number read from
 * disk (~20-100 ms after the tab), so that the number is the window's first and only update. Measured in code-server
 * (#16 item 10): the window applied the extension host's two updates 130-1,100 ms apart while it opened its first
 * Markdown file (its own UI thread busy for most of the first second; the extension host's, from the document's
 * arrival on, for 0.55-0.65 s loading the built-in Markdown extension), so a spinner sent first delayed the number.
 * When nothing is shown there is no other file's number to replace, so the short wait hides nothing.
 */
const FIRST_SPINNER_DELAY_MS = 250;
/** How long a text tab may wait for its editor before the item says the file cannot be counted. */
const EDITOR_WAIT_MS = 3000;
/** Output panels and the like are editors too, but nobody prompts with them. */
const IGNORED_SCHEMES = new Set(['output', 'debug', 'vscode-scm', 'comment']);

/** The key of a number counted from a file on disk, before its document came (no version, no selection yet). */
const FROM_DISK_KEY = 'disk';

const COUNTING_TEXT = '$(loading~spin) Counting tokens…';
const COUNTING_TOOLTIP = 'LLM Workbench is counting this document’s tokens.';

/** What the item showed for one document, kept so that switching back to it shows its number at once. */
interface Shown {
  key: string;
  text: string;
  tooltip: vscode.MarkdownString;
  background: vscode.ThemeColor | undefined;
}

/**
 * The token count of the active editor (and of its selection) against the budget model, in the status bar.
 * Never counts on the extension host thread: it shows what DocumentTokenCounts has and a spinner until then.
 * It never shows one file's number while another is active: on a switch it shows, synchronously, the new file's
 * last number (same version and selection) or the spinner, and only then starts the asynchronous render.
 */
export class TokenStatus implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;
  private warmUpTimer: ReturnType<typeof setTimeout> | undefined;
  private spinnerTimer: ReturnType<typeof setTimeout> | undefined;
  private renderGeneration = 0;
  private readonly lastShown = new Map<string, Shown>();
  /** Since when the active tab has been a text file without an editor for extensions (undefined: it is not). */
  private editorlessTextTabSince: number | undefined;
  /** The opening tab's count from its file on disk, shown until its document comes (see `renderFromDisk`). */
  private fromDisk: { uri: string; shown: Shown } | undefined;

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
      vscode.window.onDidChangeActiveTextEditor((editor) => this.switchedTo(editor)),
      vscode.window.tabGroups.onDidChangeTabs(() => this.tabsChanged()),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) schedule();
      }),
      budgets.onDidChange((document) => {
        if (document) this.lastShown.delete(document.uri.toString());
        else {
          this.lastShown.clear();
          this.fromDisk = undefined;
        }
        if (!document || document === vscode.window.activeTextEditor?.document) this.schedule(0);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.lastShown.delete(document.uri.toString())),
    );
    this.switchedTo(vscode.window.activeTextEditor);
    // With an editor open the render above already starts the worker; without one, warm it up before the first file.
    if (!vscode.window.activeTextEditor) this.warmUpTimer = setTimeout(() => budgets.warmUp(), WARM_UP_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.hideTimer);
    clearTimeout(this.warmUpTimer);
    clearTimeout(this.spinnerTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private shown = false;

  /** Whether the item is in the status bar now (StatusBarItem itself cannot say). */
  get visible(): boolean {
    return this.shown;
  }

  private show(): void {
    clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
    this.shown = true;
    this.item.show();
  }

  private hide(): void {
    clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
    this.shown = false;
    this.item.hide();
  }

  private schedule(delay = RENDER_DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), delay);
  }

  /**
   * Another editor became active: before anything asynchronous, replace the previous file's number with this file's
   * last one or the spinner (a render still waiting for the old file is dropped by the generation bump).
   */
  private switchedTo(editor: vscode.TextEditor | undefined): void {
    this.renderGeneration++;
    const document = editor?.document;
    if (!editor || !document || IGNORED_SCHEMES.has(document.uri.scheme)) {
      if (!editor && activeTabIsText())
        this.showAwaited(); // the editor of the new tab is still opening
      else this.hideSoon();
    } else {
      const known = this.lastShown.get(document.uri.toString()) ?? this.adoptedFromDisk(editor);
      this.fromDisk = undefined;
      if (known && known.key === shownKey(editor)) this.apply(known);
      else this.showCounting();
    }
    this.schedule(0);
  }

  /**
   * The window shows a new file's tab before it hands the file to extensions (0.1-4 s later, seen in code-server): from
   * the tab on, the previous file's number is replaced by the spinner, and a render still waiting is dropped. A tab
   * whose document extensions already have is left to `switchedTo`, which follows at once with its number.
   */
  private tabsChanged(): void {
    const waiting = tabAwaitingEditor(vscode.window.activeTextEditor);
    if (!waiting || vscode.workspace.textDocuments.some((document) => document.uri.toString() === waiting)) {
      this.schedule(0); // the tab and its editor agree (or its editor comes at once): show its number
      return;
    }
    clearTimeout(this.timer);
    const generation = ++this.renderGeneration;
    if (this.fromDisk?.uri !== waiting) this.fromDisk = undefined;
    // Another file's number (or the spinner) is up: replaced at once. Nothing is up: the number read from disk usually
    // comes first, as the window's one status bar update for this open (see FIRST_SPINNER_DELAY_MS).
    if (this.shown) this.showAwaited();
    else this.showAwaitedAfter(FIRST_SPINNER_DELAY_MS, generation);
    void this.renderFromDisk(waiting, generation);
  }

  /**
   * The tab's file counted from disk while VS Code opens its document (0.3-4 s after the tab, behind the editor's
   * own start-up), shown at once if it is still the active tab and its document has not come. Only an exact count:
   * `budgetFromDisk` gives none unless the text on disk is exactly what the document will hold.
   */
  private async renderFromDisk(uri: string, generation: number): Promise<void> {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(input instanceof vscode.TabInputText) || input.uri.toString() !== uri) return;
    const budget = await this.budgets.budgetFromDisk(input.uri);
    if (!budget || generation !== this.renderGeneration || tabAwaitingEditor(vscode.window.activeTextEditor) !== uri) return;
    const shown = this.shownFor(input.uri, budget, undefined, FROM_DISK_KEY);
    this.fromDisk = { uri, shown };
    this.apply(shown);
  }

  /** The document came: the number shown from its file stays if the document's text is that file's (its count adopted). */
  private adoptedFromDisk(editor: vscode.TextEditor): Shown | undefined {
    const { document } = editor;
    if (this.fromDisk?.uri !== document.uri.toString() || editor.selections.some((s) => !s.isEmpty)) return undefined;
    const state = this.budgets.track(document);
    if (state.kind !== 'ready' || !state.fromDisk || state.version !== document.version) return undefined;
    return { ...this.fromDisk.shown, key: shownKey(editor) };
  }

  /** `showAwaited` after `delay` ms, unless something was shown meanwhile or another render took over. */
  private showAwaitedAfter(delay: number, generation: number): void {
    clearTimeout(this.spinnerTimer);
    this.spinnerTimer = setTimeout(() => {
      if (generation === this.renderGeneration && !this.shown) this.showAwaited();
    }, delay);
  }

  /** A text tab whose document has not come: its number from disk if there is one, else the spinner. */
  private showAwaited(): void {
    const waiting = tabAwaitingEditor(vscode.window.activeTextEditor);
    if (waiting && this.fromDisk?.uri === waiting) this.apply(this.fromDisk.shown);
    else this.showCounting();
  }

  /**
   * A text tab whose editor extensions do not have yet: the spinner while it opens; if it never comes (VS Code does
   * not hand files over 50 MB to extensions), say so instead of spinning forever.
   */
  private editorlessTextTab(): void {
    const now = Date.now();
    this.editorlessTextTabSince ??= now;
    if (now - this.editorlessTextTabSince < EDITOR_WAIT_MS) {
      this.showAwaited();
      this.schedule(EDITOR_WAIT_MS);
      return;
    }
    this.item.text = '$(symbol-numeric) not counted';
    this.item.tooltip =
      'VS Code does not give this file to extensions (it does so for text files up to 50 MB), so LLM Workbench cannot count it.';
    this.item.backgroundColor = undefined;
    this.show();
  }

  private hideSoon(): void {
    if (!this.shown || this.hideTimer) return;
    this.hideTimer = setTimeout(() => {
      this.hideTimer = undefined;
      const document = vscode.window.activeTextEditor?.document;
      if (!document || IGNORED_SCHEMES.has(document.uri.scheme)) this.hide();
    }, HIDE_GRACE_MS);
  }

  private showCounting(): void {
    this.item.text = COUNTING_TEXT;
    this.item.tooltip = COUNTING_TOOLTIP;
    this.item.backgroundColor = undefined;
    this.show();
  }

  private apply(shown: Shown): void {
    this.item.text = shown.text;
    this.item.tooltip = shown.tooltip;
    this.item.backgroundColor = shown.background;
    this.show();
  }

  private async render(): Promise<void> {
    const generation = ++this.renderGeneration;
    const editor = vscode.window.activeTextEditor;
    const document = editor?.document;
    if (!editor || !document || IGNORED_SCHEMES.has(document.uri.scheme)) {
      if (!editor && activeTabIsText()) this.editorlessTextTab();
      else this.hideSoon();
      return;
    }
    this.editorlessTextTabSince = undefined;
    // The active tab is another file whose editor has not arrived: this editor's number would be another file's.
    if (tabAwaitingEditor(editor)) return this.showAwaited();
    const state = this.budgets.track(document);
    if (state.kind === 'counting') return this.showCounting();
    if (state.kind === 'tooLarge') {
      this.item.text = '$(symbol-numeric) not counted';
      this.item.tooltip = `This document has ${(state.chars / 1e6).toFixed(1)} M characters; LLM Workbench counts documents up to ${MAX_COUNTED_CHARS / 1e6} M characters.`;
      this.item.backgroundColor = undefined;
      this.show();
      return;
    }
    if (state.kind === 'failed') {
      this.item.text = '$(warning) tokens';
      this.item.tooltip = `LLM Workbench could not count this document: ${state.message}`;
      this.item.backgroundColor = undefined;
      this.show();
      return;
    }

    const key = shownKey(editor);
    const budget = await this.budgets.budgetFor(document);
    const selectionRanges = editor.selections
      .filter((selection) => !selection.isEmpty)
      .map((selection): [number, number] => [document.offsetAt(selection.start), document.offsetAt(selection.end)]);
    const selectionCounts = selectionRanges.length > 0 ? await this.budgets.countRanges(document, selectionRanges) : undefined;
    if (generation !== this.renderGeneration) return; // a newer render or an editor switch happened while this one waited
    // While typing the number may trail the text by one debounce: it is still this file's, so it stays until the next.
    if (!budget) return this.showCounting();
    const selection = selectionCounts ? selectionCounts.reduce((sum, n) => sum + n, 0) : undefined;
    const shown = this.shownFor(document.uri, budget, selection, key);
    this.lastShown.set(document.uri.toString(), shown);
    this.apply(shown);
  }

  /** What the item shows for a file's budget (and its selection's count). */
  private shownFor(uri: vscode.Uri, budget: DocumentBudget, selection: number | undefined, key: string): Shown {
    const modelName = budget.model?.displayName ?? budget.modelRef;
    const config = this.settings.current;
    const models = configuredModels(config, this.settings.catalog, [budget.modelRef]);
    const costs = costTable(budget.total, budget.outputReserve, models, config.budget.callsPerDay, budget.tokenizer.encoding);

    const deprecation = deprecationState(budget.model?.deprecation);
    const table = this.settings.catalog.origin();
    const tooltip = new vscode.MarkdownString(
      tooltipMarkdown({
        fileName: uri.path.split('/').pop() ?? uri.path,
        total: budget.total,
        selection,
        tokenizer: budget.tokenizer,
        modelName,
        evaluation: budget.evaluation,
        windowNote: budget.window.note,
        costs,
        callsPerDay: config.budget.callsPerDay,
        evalFile: isEvalFilePath(uri.path),
        ...(deprecation ? { deprecation: `${modelName} (${budget.modelRef}) is ${deprecationText(deprecation)}.` } : {}),
        pricesFrom: `Prices: LiteLLM's table of ${table.date} (${table.kind === 'refreshed' ? 'updated' : 'shipped with the extension'})`,
      }),
      true,
    );
    tooltip.isTrusted = { enabledCommands: [COMMANDS.pickBudgetModel, COMMANDS.updateModelPrices] };
    const verdict = budget.evaluation.verdict;
    const shown: Shown = {
      key,
      text: statusText({ total: budget.total, selection, tokenizer: budget.tokenizer, share: budget.evaluation.share, modelName }),
      tooltip,
      background:
        verdict === 'over'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : verdict === 'warn'
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined,
    };
    return shown;
  }
}

/** What a rendered number depends on besides the settings (which clear every remembered number when they change). */
function shownKey(editor: vscode.TextEditor): string {
  const { document } = editor;
  const selections = editor.selections.filter((s) => !s.isEmpty).map((s) => `${document.offsetAt(s.start)}-${document.offsetAt(s.end)}`);
  return `${document.version}:${selections.join(',')}`;
}

/** The active tab's text file (its uri) when it is not `editor`'s: its editor has not been handed to extensions yet. */
function tabAwaitingEditor(editor: vscode.TextEditor | undefined): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (!(input instanceof vscode.TabInputText) || IGNORED_SCHEMES.has(input.uri.scheme)) return undefined;
  const uri = input.uri.toString();
  return uri === editor?.document.uri.toString() ? undefined : uri;
}

/** The active tab shows a text file whose editor VS Code has not handed to extensions yet (a large file opening). */
function activeTabIsText(): boolean {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputTextDiff;
}
