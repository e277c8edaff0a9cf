/**
 * The one place the spend features bind to the gateway's ledger module: where the file is and how to read it.
 * Everything else (status bar, report, budget guard) goes through `SpendTracker`.
 */
import { JsonlLedger, defaultLedgerPath } from '../../core/cost/ledger';
import type { CallRecord } from '../../core/cost/callRecord';

/** `$LLM_WORKBENCH_HOME/ledger.jsonl`, default `~/.llm-workbench/ledger.jsonl`: shared by every window and the CLI. */
export const ledgerPath = (): string => defaultLedgerPath();

/** Every record in the ledger (for the report); torn or unreadable lines are skipped and counted. */
export async function readWholeLedger(path: string): Promise<{ records: CallRecord[]; skippedLines: number }> {
  const { records, warnings, cursor } = await new JsonlLedger(path).read();
  // A torn last line may be a write in flight, not damage: only lines before the cursor count as skipped.
  return { records, skippedLines: warnings.filter((w) => w.line <= cursor.line).length };
}
