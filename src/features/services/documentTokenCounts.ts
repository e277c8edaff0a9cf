import * as vscode from 'vscode';
import type { EncodingName } from '../../core/models/modelInfo';
import type { TokenCountClient } from '../../workers/tokenCountClient';
import type { ContentChange, DocumentCount, PromptSectionCounts, RangeCounts } from '../../workers/tokenCountProtocol';

/** Larger documents are not counted at all (the status bar says so). */
export const MAX_COUNTED_CHARS = 20_000_000;
/** Typing is batched this long before the worker recounts: one update per pause, not per keystroke. */
export const CHANGE_DEBOUNCE_MS = 120;

export type DocumentCountState =
  | { kind: 'counting' }
  | { kind: 'ready'; total: number; version: number; encoding: EncodingName; firstCountMs: number }
  | { kind: 'tooLarge'; chars: number }
  | { kind: 'failed'; message: string };

interface Entry {
  document: vscode.TextDocument;
  state: DocumentCountState;
  encoding: EncodingName;
  /** Set when the document's own model (front matter) needs another encoding than the budget model's. */
  encodingOverride?: EncodingName;
  pending: ContentChange[];
  pendingVersion: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Bumped on every (re)open so replies for an older open are ignored. */
  generation: number;
}

/**
 * Token counts of open documents, shared by the status bar, diagnostics, CodeLens and hover.
 * A document is counted once it is asked for (`track`); from then on the worker keeps its counter in sync with
 * every edit (debounced) and `onDidUpdate` fires when a new count is ready. Nothing here blocks the extension host.
 */
export class DocumentTokenCounts implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly updated = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private restarts = 0;
  private warmed: EncodingName | undefined;

  readonly onDidUpdate = this.updated.event;

  constructor(
    private readonly client: TokenCountClient,
    private encoding: EncodingName,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.changed(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document)),
    );
  }

  /** The document's count state; starts counting it when it is new. */
  track(document: vscode.TextDocument): DocumentCountState {
    const key = document.uri.toString();
    const existing = this.entries.get(key);
    if (existing) return existing.state;
    const entry: Entry = {
      document,
      state: { kind: 'counting' },
      encoding: this.encoding,
      pending: [],
      pendingVersion: document.version,
      generation: 0,
    };
    this.entries.set(key, entry);
    this.open(entry);
    return entry.state;
  }

  state(document: vscode.TextDocument): DocumentCountState | undefined {
    return this.entries.get(document.uri.toString())?.state;
  }

  /** Every tracked document is recounted with the new encoding (the budget model changed tokenizer). */
  setEncoding(encoding: EncodingName): void {
    if (encoding === this.encoding) return;
    this.encoding = encoding;
    for (const entry of this.entries.values()) if (entry.encoding !== (entry.encodingOverride ?? encoding)) this.open(entry);
  }

  /** Counts this document with `encoding` from now on (its front matter names a model with another tokenizer). */
  setDocumentEncoding(document: vscode.TextDocument, encoding: EncodingName): void {
    const entry = this.entries.get(document.uri.toString());
    if (!entry) return;
    entry.encodingOverride = encoding;
    if (entry.encoding !== encoding) this.open(entry);
  }

  /** Token counts of offset ranges, or undefined while the document is not counted yet. */
  async countRanges(document: vscode.TextDocument, ranges: [number, number][]): Promise<RangeCounts | undefined> {
    const entry = this.readyEntry(document);
    if (!entry) return undefined;
    this.flush(entry);
    return this.client.request<RangeCounts>({ kind: 'countRanges', doc: document.uri.toString(), ranges });
  }

  /** The prompt file's front matter and sections with their token counts (current version). */
  async promptSections(document: vscode.TextDocument): Promise<PromptSectionCounts | undefined> {
    const entry = this.readyEntry(document);
    if (!entry) return undefined;
    this.flush(entry);
    return this.client.request<PromptSectionCounts>({ kind: 'promptSections', doc: document.uri.toString() });
  }

  /** Starts the worker and loads the current encoding, before any document asks for a count. */
  warmUp(): void {
    if (this.warmed === this.encoding) return;
    this.warmed = this.encoding;
    void this.client.request({ kind: 'warm', encoding: this.encoding }).catch(() => {
      this.warmed = undefined; // the first real count will load it (and report a failure where it is seen)
    });
  }

  /** The worker died: count every tracked document again (a few times at most, then say why in the status). */
  workerExited(reason: string): void {
    this.restarts++;
    for (const entry of this.entries.values()) {
      if (this.restarts > 3) {
        entry.state = { kind: 'failed', message: reason };
        this.updated.fire(entry.document);
      } else {
        this.open(entry);
      }
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.updated.dispose();
  }

  private readyEntry(document: vscode.TextDocument): Entry | undefined {
    const entry = this.entries.get(document.uri.toString());
    return entry?.state.kind === 'ready' ? entry : undefined;
  }

  private open(entry: Entry): void {
    const document = entry.document;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.pending = [];
    entry.encoding = entry.encodingOverride ?? this.encoding;
    const generation = ++entry.generation;
    // The length without copying the text: a 50 MB log is refused before getText() allocates it.
    const chars = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    if (chars > MAX_COUNTED_CHARS) {
      entry.state = { kind: 'tooLarge', chars };
      this.updated.fire(document);
      return;
    }
    entry.state = { kind: 'counting' };
    entry.pendingVersion = document.version;
    this.client
      .request<DocumentCount>({
        kind: 'open',
        doc: document.uri.toString(),
        version: document.version,
        encoding: entry.encoding,
        text: document.getText(),
      })
      .then(
        (count) => {
          if (entry.generation !== generation || !this.entries.has(document.uri.toString())) return;
          entry.state = {
            kind: 'ready',
            total: count.total,
            version: count.version,
            encoding: count.encoding,
            firstCountMs: count.elapsedMs,
          };
          this.updated.fire(document);
        },
        (error: Error) => this.failed(entry, generation, error),
      );
  }

  private changed(event: vscode.TextDocumentChangeEvent): void {
    const entry = this.entries.get(event.document.uri.toString());
    if (!entry || entry.state.kind === 'tooLarge' || event.contentChanges.length === 0) return;
    for (const change of event.contentChanges) {
      entry.pending.push({ rangeOffset: change.rangeOffset, rangeLength: change.rangeLength, text: change.text });
    }
    entry.pendingVersion = event.document.version;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.flush(entry), CHANGE_DEBOUNCE_MS);
  }

  /** Sends the batched edits; the worker applies them after the open they follow (it handles requests in order). */
  private flush(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.pending.length === 0) return;
    const changes = entry.pending;
    entry.pending = [];
    const generation = entry.generation;
    this.client.request<DocumentCount>({ kind: 'change', doc: entry.document.uri.toString(), version: entry.pendingVersion, changes }).then(
      (count) => {
        if (entry.generation !== generation || entry.state.kind !== 'ready') return;
        entry.state = { ...entry.state, total: count.total, version: count.version };
        this.updated.fire(entry.document);
      },
      (error: Error) => this.failed(entry, generation, error),
    );
  }

  private failed(entry: Entry, generation: number, error: Error): void {
    // A dead worker is handled by workerExited (it re-opens everything); anything else is this document's problem.
    if (entry.generation !== generation || !this.client.running) return;
    entry.state = { kind: 'failed', message: error.message };
    this.updated.fire(entry.document);
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(key);
    if (this.client.running) void this.client.request({ kind: 'close', doc: key }).catch(() => undefined);
  }
}
