import * as vscode from 'vscode';
import { effectiveLimits, type EffectiveContextWindow } from '../../core/providers/effectiveContextWindow';
import type { ModelInfo, TokenizerSpec } from '../../core/models/modelInfo';
import { splitModelRef } from '../../core/models/modelRef';
import { tokenizerSpecFor } from '../../core/tokens/encodings';
import { evaluateBudget, type BudgetEvaluation } from '../../core/tokens/budget';
import type { PromptSectionCounts } from '../../workers/tokenCountProtocol';
import type { WorkbenchSettings } from './settings';
import type { DocumentCountState, DocumentTokenCounts } from './documentTokenCounts';
import type { OllamaServers } from './ollamaServers';
import { isPromptFile, isPromptUri } from './promptFiles';

/** Everything the editor features show about one version of one document. */
export interface DocumentBudget {
  version: number;
  /** The model budgets are measured against: the prompt file's front-matter `model:`, else `llmWorkbench.budget.model`. */
  modelRef: string;
  model: ModelInfo | undefined;
  tokenizer: TokenizerSpec;
  total: number;
  outputReserve: number;
  /** The window measured against and where it came from (Ollama: the server's num_ctx, the setting or a fallback). */
  window: EffectiveContextWindow;
  evaluation: BudgetEvaluation;
  /** Present for prompt files: front matter and sections with their token counts. */
  prompt?: PromptSectionCounts;
}

/**
 * Budget evaluations per document version, shared by the status bar, diagnostics, CodeLens and hover so that
 * they always agree. `onDidChange` fires when a document's numbers may have changed (new count or new settings).
 */
export class DocumentBudgets implements vscode.Disposable {
  private readonly cache = new Map<string, { key: string; result: Promise<DocumentBudget | undefined> }>();
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument | undefined>();
  private readonly subscriptions: vscode.Disposable[];
  private settingsGeneration = 0;

  /** A document's numbers changed; `undefined` = every document's (settings changed). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly counts: DocumentTokenCounts,
    private readonly settings: WorkbenchSettings,
    private readonly ollama?: OllamaServers,
  ) {
    this.subscriptions = [
      counts.onDidUpdate((document) => this.changed.fire(document)),
      settings.onDidChange(() => {
        this.settingsGeneration++;
        this.cache.clear();
        counts.setEncoding(this.defaultTokenizer().encoding);
        this.changed.fire(undefined);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(document.uri.toString())),
    ];
    if (ollama) {
      // An Ollama server answered (num_ctx, or that it is unreachable): every budget against it may change.
      this.subscriptions.push(
        ollama.onDidChange(() => {
          this.settingsGeneration++;
          this.cache.clear();
          this.changed.fire(undefined);
        }),
      );
    }
  }

  isPromptFile(document: vscode.TextDocument): boolean {
    return isPromptFile(document, this.settings.current.budget.include);
  }

  /**
   * Gets the first count's work done ahead of the first document: the budget model's tokenizer and the counting code in
   * the counting worker, and the catalog's table and the budget evaluation here (the catalog's first read is ~20-60 ms
   * on the extension host, which would otherwise sit between the count and the status bar).
   */
  warmUp(): void {
    this.counts.warmUp();
    // The evaluation's code once (a 0-token budget against the budget model): first run it took 50-260 ms (code-server,
    // load 4-7), between the worker's count and the status bar.
    this.evaluate({ version: 0, total: 0 }, undefined);
  }

  /** Starts counting the document if needed and returns where its count stands. */
  track(document: vscode.TextDocument): DocumentCountState {
    return this.counts.track(document);
  }

  /** Token counts of offset ranges at the document's current version (undefined while counting or out of date). */
  async countRanges(document: vscode.TextDocument, ranges: [number, number][]): Promise<number[] | undefined> {
    const result = await this.counts.countRanges(document, ranges);
    return result && result.version === document.version ? result.counts : undefined;
  }

  defaultTokenizer(): TokenizerSpec {
    return tokenizerSpecFor(this.settings.catalog.lookup(this.settings.current.budget.model));
  }

  /** The document's budget at its current version, or undefined while it is still being counted. */
  budgetFor(document: vscode.TextDocument): Promise<DocumentBudget | undefined> {
    const state = this.counts.track(document);
    if (state.kind !== 'ready') return Promise.resolve(undefined);
    const uri = document.uri.toString();
    const key = `${state.version}:${state.total}:${state.encoding}:${this.settingsGeneration}`;
    const cached = this.cache.get(uri);
    if (cached?.key === key) return cached.result;
    const result = this.compute(document, state).catch(() => undefined);
    this.cache.set(uri, { key, result });
    return result;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }

  /**
   * The budget of a file whose tab is open but whose document VS Code has not handed over yet, from its text on disk
   * (`DocumentTokenCounts.countFromDisk`); undefined when that text is not surely the document's, or when its front
   * matter names a model with another tokenizer (then the document is counted when it comes).
   */
  async budgetFromDisk(uri: vscode.Uri): Promise<DocumentBudget | undefined> {
    const isPrompt = isPromptUri(uri, this.settings.current.budget.include);
    const count = await this.counts.countFromDisk(uri, isPrompt);
    if (!count) return undefined;
    const prompt = count.sections;
    if (isPrompt && !prompt) return undefined; // without its front matter the model (and the number) could be wrong
    const budget = this.evaluate({ version: count.version, total: count.total }, prompt);
    return budget.tokenizer.encoding === count.encoding ? budget : undefined;
  }

  private async compute(
    document: vscode.TextDocument,
    state: Extract<DocumentCountState, { kind: 'ready' }>,
  ): Promise<DocumentBudget | undefined> {
    const prompt = this.isPromptFile(document) ? await this.counts.promptSections(document) : undefined;
    const budget = this.evaluate(state, prompt);
    if (budget.tokenizer.encoding !== state.encoding) {
      // The front matter names a model with another encoding: count this document with that one instead.
      this.counts.setDocumentEncoding(document, budget.tokenizer.encoding);
      return undefined;
    }
    return budget;
  }

  /** The budget of counted text (and of its sections, for a prompt file) against its model. */
  private evaluate(state: { version: number; total: number }, prompt: PromptSectionCounts | undefined): DocumentBudget {
    const config = this.settings.current;
    const modelRef = prompt?.frontMatter.model ?? config.budget.model;
    const catalogModel = this.settings.catalog.lookup(modelRef);
    const tokenizer = tokenizerSpecFor(catalogModel);
    const total = prompt?.total ?? state.total;
    const outputReserve = prompt?.frontMatter.outputReserve ?? config.budget.outputReserve;
    const limits = prompt?.frontMatter.budget ?? {};
    // Read from a cache (a lookup may start behind it), so counting never waits on an Ollama server.
    const window: EffectiveContextWindow = this.ollama?.windowFor(modelRef, catalogModel) ?? {
      tokens: catalogModel?.combinedWindow ?? catalogModel?.maxInputTokens ?? 0,
      source: 'catalog',
    };
    // The window rule's limits: the catalog's, or the one window an Ollama server runs the model at.
    const base = catalogModel ?? (window.source !== 'catalog' ? localModel(modelRef) : undefined);
    const model = base && { ...base, ...effectiveLimits(base, window) };
    const evaluation = evaluateBudget({
      model,
      promptTokens: total,
      outputReserve,
      warnThreshold: config.budget.warnThreshold,
      sections: prompt?.sections.map((section) => ({
        heading: section.heading,
        bucket: section.bucket,
        tokens: section.tokens,
        limit: section.bucket ? limits[section.bucket] : undefined,
      })),
    });
    return { version: prompt?.version ?? state.version, modelRef, model, tokenizer, total, outputReserve, window, evaluation, prompt };
  }
}

/** An Ollama model the catalog does not list (installed under its own tag): local, free, counted with an estimate. */
function localModel(ref: string): ModelInfo {
  const { provider, model: id } = splitModelRef(ref) ?? { provider: '', model: ref };
  return {
    ref,
    provider,
    id,
    displayName: `${id} (Ollama)`,
    maxInputTokens: 0,
    maxOutput: 0,
    price: { input: 0, output: 0 },
    tokenizer: { kind: 'estimate', encoding: 'o200k_base' },
    local: true,
  };
}
