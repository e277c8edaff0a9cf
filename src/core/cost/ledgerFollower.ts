import { mkdirSync, promises as fsp, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { CallRecord } from './callRecord';
import { LEDGER_START, type LedgerCursor, type LedgerRead } from './ledger';

/** Reads the ledger from a cursor (`JsonlLedger.readSince`): complete lines only, a torn last line stays for the next read. */
export type LedgerChunkReader = (cursor: LedgerCursor) => Promise<LedgerRead>;

export interface LedgerUpdate {
  records: CallRecord[];
  /** True when the file shrank or was replaced: everything read before is void, start the totals afresh. */
  reset: boolean;
  skippedLines: number;
}

/**
 * Follows the ledger file as other windows and the CLI append to it: a directory watch (the file may not exist yet)
 * plus a slow poll in case the watch misses an event, each triggering an incremental read from the last offset.
 * Reads never overlap, so records arrive once and in file order.
 */
export class LedgerFollower {
  private cursor: LedgerCursor = LEDGER_START;
  private watcher?: FSWatcher;
  private poller?: ReturnType<typeof setInterval>;
  private debounce?: ReturnType<typeof setTimeout>;
  private reading: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly path: string,
    private readonly readChunk: LedgerChunkReader,
    private readonly onUpdate: (update: LedgerUpdate) => void,
    private readonly options: { debounceMs?: number; pollMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /** Reads what is there, then follows changes. Resolves after the first read. */
  async start(): Promise<void> {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const name = basename(this.path);
      this.watcher = watch(dirname(this.path), (_event, file) => {
        if (!file || file.toString() === name) this.schedule();
      });
      this.watcher.on('error', (error) => this.options.onError?.(error));
    } catch (error) {
      this.options.onError?.(error); // polling still works without the watch
    }
    this.poller = setInterval(() => this.schedule(), this.options.pollMs ?? 10_000);
    this.poller.unref?.();
    await this.refresh();
  }

  /** Reads new lines now (also what the watch triggers). */
  refresh(): Promise<void> {
    if (this.disposed) return this.reading;
    this.reading = this.reading.then(() => this.readNew()).catch((error) => this.options.onError?.(error));
    return this.reading;
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), this.options.debounceMs ?? 100);
  }

  private async readNew(): Promise<void> {
    if (this.disposed) return;
    let size: number;
    try {
      size = (await fsp.stat(this.path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      size = 0;
    }
    let reset = false;
    if (size < this.cursor.offset) {
      this.cursor = LEDGER_START;
      reset = true;
    }
    if (size === this.cursor.offset && !reset) return;
    const chunk = size === 0 ? { records: [], warnings: [], cursor: LEDGER_START } : await this.readChunk(this.cursor);
    this.cursor = chunk.cursor;
    // A torn last line is not consumed (it may still be being written): it is warned about but not yet skipped.
    const skippedLines = chunk.warnings.filter((w) => w.line <= chunk.cursor.line).length;
    if (chunk.records.length > 0 || reset || skippedLines > 0) {
      this.onUpdate({ records: chunk.records, reset, skippedLines });
    }
  }
}
