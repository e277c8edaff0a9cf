import type { CallRecord } from './callRecord';
import type { Ledger } from './ledger';

/**
 * A ledger that cannot fail the work it records: the answer and the reports are delivered whatever happens to the
 * file. A failed write is never silent either: the first one is reported through `warn` as one sentence naming the
 * path, what is wrong and how to fix it (no stack trace); later failures for the same reason are only counted.
 */
export class FailSoftLedger implements Ledger {
  private readonly reported = new Set<string>();
  private lost = 0;

  constructor(
    private readonly inner: Ledger & { close?(): Promise<void> },
    private readonly path: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** Records that could not be written so far. */
  get lostRecords(): number {
    return this.lost;
  }

  async append(record: CallRecord): Promise<void> {
    try {
      await this.inner.append(record);
    } catch (error) {
      this.lost += 1;
      const message = ledgerProblem(this.path, error);
      if (!this.reported.has(message)) {
        this.reported.add(message);
        this.warn(message);
      }
    }
  }

  async close(): Promise<void> {
    try {
      await this.inner.close?.();
    } catch {
      // Closing a file that never opened (or whose disk is full) loses nothing more: the failure was reported.
    }
  }
}

/** One sentence: which file, what is wrong with it, what to do. */
export function ledgerProblem(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const elsewhere = 'or set LLM_WORKBENCH_HOME to a writable folder';
  const why: Record<string, string> = {
    EISDIR: `it is a directory — remove or rename that directory, ${elsewhere}`,
    ENOTDIR: `a folder on its path is a file — remove that file, ${elsewhere}`,
    EACCES: `permission denied — make the file and its folder writable for you, ${elsewhere}`,
    EPERM: `permission denied — make the file and its folder writable for you, ${elsewhere}`,
    EROFS: `the file system is read-only — ${elsewhere}`,
    ENOSPC: 'the disk is full — free some space (calls made meanwhile are not recorded)',
    EDQUOT: 'the disk quota is used up — free some space (calls made meanwhile are not recorded)',
  };
  const detail = (code && why[code]) ?? `${error instanceof Error ? error.message.split('\n')[0] : String(error)} — ${elsewhere}`;
  return `the call ledger ${path} cannot be written: ${detail}. Answers and reports are not affected; spend totals will miss these calls.`;
}
