/**
 * Child process for the ledger crash test: appends records in bursts (several in flight, so they share writes) and
 * prints each record's id once its append has resolved; the parent kills it with SIGKILL mid-run.
 */
import { JsonlLedger } from '../../../src/core/cost/ledger';
import { sampleRecord } from './ledgerRecords';

async function main(): Promise<void> {
  const [path] = process.argv.slice(2);
  const ledger = new JsonlLedger(path);
  for (let burst = 0; ; burst++) {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const requestId = `r-${burst}-${i}`;
        return ledger.append(sampleRecord({ requestId })).then(() => process.stdout.write(`${requestId}\n`));
      }),
    );
  }
}

void main();
