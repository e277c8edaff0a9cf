import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { EncodingName } from '../../core/models/modelInfo';
import { diskDocumentText, MAX_DISK_COUNT_BYTES } from '../tokens/diskDocumentText';
import type { TokenCountClient } from '../../workers/tokenCountClient';
import type { ContentChange, DocumentCount, PromptSectionCounts, RangeCounts } from '../../workers/tokenCountProtocol';

/** Larger documents are not counted at all (the status bar says so). */
export const MAX_COUNTED_CHARS = 20_000_000;
/** Typing is batched this long before the worker recounts: one update per pause, not per keystroke. */
export const CHANGE_DEBOUNCE_MS = 120;

export type DocumentCountState =
  | { kind: 'counting' }
  | { kind: 'ready'; total: number; version: number; encoding: EncodingName; firstCountMs: number; fromDisk?: boolean }
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

/** A file counted from disk while VS Code was still opening its document (see `countFromDisk`). */
interface DiskCount {
  uri: string;
  text: string;
  encoding: EncodingName;
  /** Whether the worker's reply carries the prompt file's sections (`DocumentCount.sections`). */
  withSections: boolean;
  started: number;
  result: Promise<DocumentCount | undefined>;
  /** Set when the worker has counted `text`. */
  count?: DocumentCount;
}

/** A file read ahead of its document is dropped if the document has not come by then (its tab closed, say). */
const DISK_COUNT_TTL_MS = 30_000;
/** Tab events this close together belong to one opening of the file and share its read. */
const DISK_REUSE_MS = 1000;

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
  /** At most one file read ahead of its document: the one whose tab opened last. */
  private disk: DiskCount | undefined;
  private diskTimer: ReturnType<typeof setTimeout> | undefined;

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
    if (!this.adoptDiskCount(entry)) this.open(entry);
    return entry.state;
  }

  /**
   * Counts a file from disk while VS Code is still opening its document (the tab is shown first; the document reaches
   * extensions 0.3-4 s later, behind the editor's own start-up work), so its count can be shown from the tab on.
   * Only when the text is exactly what the document will hold (`diskDocumentText`, and no encoding setting that would
   * decode it otherwise); undefined otherwise. When the document arrives, `track` adopts this count only if the
   * document's text is identical, else it counts the document.
   */
  countFromDisk(uri: vscode.Uri, withSections = false): Promise<DocumentCount | undefined> {
    const key = uri.toString();
    // One open fires several tab events: they share one read (a later open reads the file again: it may have changed).
    const reused = this.disk;
    if (
      reused?.uri === key &&
      reused.encoding === this.encoding &&
      reused.withSections === withSections &&
      Date.now() - reused.started < DISK_REUSE_MS
    )
      return reused.result;
    if (this.entries.has(key) || uri.scheme !== 'file' || !decodedAsUtf8(uri)) return Promise.resolve(undefined);
    this.dropDiskCount();
    const encoding = this.encoding;
    const disk: DiskCount = { uri: key, text: '', encoding, withSections, started: Date.now(), result: Promise.resolve(undefined) };
    disk.result = readDiskText(uri).then((text) => {
      if (text === undefined || this.disk !== disk || this.entries.has(key)) return undefined;
      disk.text = text;
      // Under the document's own key: the open that follows (if the document differs) replaces it in the worker.
      // A prompt file's sections come in the same reply: its first number waits for one round trip, not two.
      return this.client.request<DocumentCount>({ kind: 'open', doc: key, version: -1, encoding, text, sections: withSections }).then(
        (count) => (disk.count = count),
        () => undefined,
      );
    });
    this.disk = disk;
    this.diskTimer = setTimeout(() => this.dropDiskCount(), DISK_COUNT_TTL_MS);
    return disk.result;
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
    clearTimeout(this.diskTimer);
    this.disk = undefined;
    this.entries.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.updated.dispose();
  }

  /**
   * The document arrived: if the file was counted from disk with this very text and encoding, that count is its count
   * (the worker already holds the text; it takes the document's version). Synchronous, so no other count is shown first.
   */
  private adoptDiskCount(entry: Entry): boolean {
    const disk = this.disk;
    const key = entry.document.uri.toString();
    if (!disk || disk.uri !== key) return false;
    this.disk = undefined;
    clearTimeout(this.diskTimer);
    const settled = disk.count; // not counted yet: the document is counted as usual (its open replaces the file's)
    if (!settled || disk.encoding !== entry.encoding || disk.text.length !== entry.document.getText().length) return false;
    if (entry.document.getText() !== disk.text) return false;
    entry.generation++;
    entry.state = {
      kind: 'ready',
      total: settled.total,
      version: entry.document.version,
      encoding: disk.encoding,
      firstCountMs: settled.elapsedMs,
      fromDisk: true,
    };
    void this.client.request({ kind: 'change', doc: key, version: entry.document.version, changes: [] }).catch(() => undefined);
    return true;
  }

  private dropDiskCount(): void {
    const disk = this.disk;
    clearTimeout(this.diskTimer);
    this.disk = undefined;
    if (disk && !this.entries.has(disk.uri) && this.client.running)
      void disk.result
        .then((count) => {
          if (count && !this.entries.has(disk.uri)) return this.client.request({ kind: 'close', doc: disk.uri });
        })
        .catch(() => undefined);
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

/**
 * Whether VS Code decodes this file as UTF-8 (BOM or not) without guessing: `files.encoding` utf8/utf8bom for its
 * folder and no language-specific encoding setting (the file's language is not known before its document is).
 */
function decodedAsUtf8(uri: vscode.Uri): boolean {
  const files = vscode.workspace.getConfiguration('files', uri);
  const encoding = files.inspect<string>('encoding');
  const guess = files.inspect<boolean>('autoGuessEncoding');
  if ((encoding?.languageIds?.length ?? 0) > 0 || (guess?.languageIds?.length ?? 0) > 0) return false;
  const name = files.get<string>('encoding', 'utf8');
  return (name === 'utf8' || name === 'utf8bom') && files.get<boolean>('autoGuessEncoding', false) === false;
}

/**
 * Files up to this size (prompt files are a few KB) are read synchronously: a fraction of a millisecond of the host's
 * thread. The asynchronous read's open/stat/read/close each wait for libuv's thread pool, which the extension host
 * also uses to compress its messages to the window: while a window opens its first prompt file the pool is busy, and
 * a 0.5 KB read took 330 ms there (code-server, load 6).
 */
const SYNC_READ_MAX_BYTES = 64 * 1024;

/**
 * The file's text as its document will hold it, or undefined (too large, unreadable, or not decoded as is). Read with
 * Node's fs, not `workspace.fs`: a `file:` uri is local to this (Node) extension host, and `workspace.fs` goes through
 * the window, which is busy opening this very file (a read took 10 s there, measured in code-server under load).
 */
async function readDiskText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const { size } = statSync(uri.fsPath);
    if (size > MAX_DISK_COUNT_BYTES) return undefined;
    return diskDocumentText(size <= SYNC_READ_MAX_BYTES ? readFileSync(uri.fsPath) : await readFile(uri.fsPath));
  } catch {
    return undefined; // gone or unreadable: the document, if it comes, is counted as usual
  }
}
