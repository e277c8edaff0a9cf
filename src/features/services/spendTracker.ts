import * as vscode from 'vscode';
import { LedgerFollower } from '../../core/cost/ledgerFollower';
import { SpendTally } from '../../core/cost/spendTally';
import { JsonlLedger } from '../../core/cost/ledger';
import { ledgerPath } from './ledgerAccess';

/**
 * Today's, this window's and this month's spend, kept current from the ledger file. The file is the truth:
 * every window and the CLI append to it, so following it makes all of them add up, and it survives restarts.
 */
export class SpendTracker implements vscode.Disposable {
  private tally: SpendTally;
  private readonly follower: LedgerFollower;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly sessionStart = new Date();
  readonly path: string;
  /** Fires after new ledger lines were read. */
  readonly onDidChange = this.changed.event;
  readonly ready: Promise<void>;

  /** @param sessionId what the gateway writes as `CallRecord.sessionId` for this window, when it writes one. */
  constructor(options: { log?: vscode.LogOutputChannel; path?: string; sessionId?: string } = {}) {
    const { log, path = ledgerPath(), sessionId } = options;
    this.path = path;
    this.tally = new SpendTally(this.sessionStart, sessionId);
    const ledger = new JsonlLedger(path);
    this.follower = new LedgerFollower(
      path,
      (cursor) => ledger.readSince(cursor),
      (update) => {
        if (update.reset) this.tally = new SpendTally(this.sessionStart, sessionId);
        this.tally.addAll(update.records);
        if (update.skippedLines > 0) log?.warn(`Ledger ${path}: skipped ${update.skippedLines} unreadable line(s).`);
        this.changed.fire();
      },
      { onError: (error) => log?.warn(`Ledger ${path}: ${error instanceof Error ? error.message : String(error)}`) },
    );
    this.ready = this.follower.start();
  }

  get current(): SpendTally {
    return this.tally;
  }

  /** Reads new lines now: after a call this window made, so the number moves without waiting for the watch. */
  refresh(): Promise<void> {
    return this.follower.refresh();
  }

  dispose(): void {
    this.follower.dispose();
    this.changed.dispose();
  }
}
