import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CallRecord } from './callRecord';
import { recordProblem } from './recordCheck';

/** Where call records go. The gateway appends; the ledger never knows who called. */
export interface Ledger {
  append(record: CallRecord): Promise<void>;
}

/** For tests and benchmarks: keeps records in memory. */
export class MemoryLedger implements Ledger {
  readonly records: CallRecord[] = [];
  async append(record: CallRecord): Promise<void> {
    this.records.push(record);
  }
}

/** Where the next incremental read starts: a byte offset at a line start, and how many lines lie before it. */
export interface LedgerCursor {
  offset: number;
  line: number;
}

export const LEDGER_START: LedgerCursor = { offset: 0, line: 0 };

/** A line that could not be read as a call record; `line` is 1-based in the file. Never fatal. */
export interface LedgerWarning {
  line: number;
  message: string;
}

export interface LedgerRead {
  records: CallRecord[];
  warnings: LedgerWarning[];
  /** Pass to `readSince` to get only what was appended after this read. */
  cursor: LedgerCursor;
}

/** `$LLM_WORKBENCH_HOME/ledger.jsonl`, default `~/.llm-workbench/ledger.jsonl`: the CLI and the editor share it. */
export function defaultLedgerPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.LLM_WORKBENCH_HOME?.trim() || join(home, '.llm-workbench'), 'ledger.jsonl');
}

const NEWLINE = 0x0a;

/**
 * A JSONL file, one `CallRecord` per line.
 *
 * Appends from several processes at once lose nothing: the file is opened with O_APPEND and each write holds whole
 * records, so the kernel places them whole at the current end. Records appended while a write is in flight go out
 * together in the next write (one write per record cost an eval run ~1 ms of main-thread time per call on a busy
 * machine); each `append` resolves once its record is written, or rejects if that write failed. So a record is in
 * this process's memory until its write is issued, at most one write's time longer than with a write per record;
 * a crash loses, as before, only records whose write had not completed (which their callers had not seen resolve).
 * A crash mid-write can still leave a torn last line: reading skips it with a warning (line number included), and
 * the next writer to open the file starts on a fresh line. Should another writer's record land glued to a torn
 * fragment, the reader still recovers it (records always start with `{"at":`).
 */
export class JsonlLedger implements Ledger {
  private handle: Promise<fs.FileHandle> | undefined;
  private needsNewline = false;
  /** Records waiting for the write in flight to finish, with their callers' promises. */
  private waiting: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(readonly path: string) {}

  append(record: CallRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Inside the executor: a record that cannot be serialized rejects its own append, as before.
      const line = JSON.stringify(orderedForLedger(record)) + '\n';
      this.waiting.push({ line, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  /** Writes what is waiting, one write per batch, until nothing is left. */
  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          await this.write(batch.map((b) => b.line).join(''));
          for (const b of batch) b.resolve();
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(lines: string): Promise<void> {
    const opening = (this.handle ??= this.open());
    // A file that could not be opened is tried again on the next write (the folder may have been fixed meanwhile).
    opening.catch(() => {
      if (this.handle === opening) this.handle = undefined;
    });
    const file = await opening;
    const text = this.needsNewline ? '\n' + lines : lines;
    this.needsNewline = false;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    // One write for whole records; a short write (disk full) is finished rather than left torn.
    while (written < bytes.length) {
      const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  }

  /** Releases the file handle; a later append reopens it. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    const file = await handle?.catch(() => undefined);
    await file?.close();
  }

  read(): Promise<LedgerRead> {
    return this.readSince(LEDGER_START);
  }

  /**
   * Records appended at or after `cursor` (from a previous read). A last line without its newline is reported as
   * torn and not consumed: if it was a write still in flight, the next read gets it whole.
   */
  async readSince(cursor: LedgerCursor = LEDGER_START): Promise<LedgerRead> {
    let file: fs.FileHandle;
    try {
      file = await fs.open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], warnings: [], cursor };
      throw error;
    }
    try {
      const { size } = await file.stat();
      if (size < cursor.offset) {
        // The file was replaced or truncated: start over rather than read from the middle of a line.
        return await this.readSince(LEDGER_START);
      }
      const buffer = Buffer.alloc(size - cursor.offset);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, cursor.offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return parseLedgerBytes(buffer.subarray(0, filled), cursor);
    } finally {
      await file.close();
    }
  }

  private async open(): Promise<fs.FileHandle> {
    await fs.mkdir(dirname(this.path), { recursive: true });
    const file = await fs.open(this.path, 'a+');
    const { size } = await file.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await file.read(last, 0, 1, size - 1);
      // A torn line from a crash: our first record must not continue it.
      this.needsNewline = last[0] !== NEWLINE;
    }
    return file;
  }
}

/** `at` first, so a record can be found again inside a line it was glued to (see `salvage`). */
function orderedForLedger(record: CallRecord): CallRecord {
  const { at, ...rest } = record;
  return { at, ...rest } as CallRecord;
}

export function parseLedgerBytes(bytes: Buffer, start: LedgerCursor): LedgerRead {
  const records: CallRecord[] = [];
  const warnings: LedgerWarning[] = [];
  let offset = 0;
  let line = start.line;
  while (offset < bytes.length) {
    const end = bytes.indexOf(NEWLINE, offset);
    if (end === -1) {
      warnings.push({
        line: line + 1,
        message: `line ${line + 1} is torn (no end of line, ${bytes.length - offset} bytes): an interrupted write, skipped`,
      });
      break;
    }
    line += 1;
    const text = bytes.toString('utf8', offset, end).trim();
    offset = end + 1;
    if (text === '') continue;
    const parsed = parseRecord(text) ?? salvage(text);
    if (parsed && 'problem' in parsed) {
      warnings.push({ line, message: `line ${line} is not a usable call record (${parsed.problem}), skipped` });
    } else if (parsed) {
      records.push(parsed.record);
      if (parsed.salvaged) warnings.push({ line, message: `line ${line} starts with a torn fragment; the record after it was recovered` });
    } else {
      warnings.push({ line, message: `line ${line} is not a call record (${text.length > 40 ? `${text.slice(0, 40)}…` : text}), skipped` });
    }
  }
  return { records, warnings, cursor: { offset: start.offset + offset, line } };
}

type Parsed = { record: CallRecord; salvaged: boolean } | { problem: string };

function parseRecord(text: string): Parsed | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as CallRecord).at === 'string') {
      const problem = recordProblem(value as Record<string, unknown>);
      return problem ? { problem } : { record: value as CallRecord, salvaged: false };
    }
  } catch {
    // not JSON: maybe a torn fragment with a record glued after it
  }
  return undefined;
}

function salvage(text: string): Parsed | undefined {
  const start = text.lastIndexOf('{"at":');
  if (start <= 0) return undefined;
  const parsed = parseRecord(text.slice(start));
  return parsed && ('problem' in parsed ? parsed : { record: parsed.record, salvaged: true });
}
