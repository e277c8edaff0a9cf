/** Child process for the ledger concurrency test: appends `count` records tagged `writer` as fast as it can. */
import { JsonlLedger } from '../../../src/core/cost/ledger';
import { sampleRecord } from './ledgerRecords';

async function main(): Promise<void> {
  const [path, writer, count] = process.argv.slice(2);
  const ledger = new JsonlLedger(path);
  // Many appends in flight at once, as a busy gateway would make them.
  await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      ledger.append(sampleRecord({ requestId: `${writer}-${i}`, prompt: `${writer} says ${'x'.repeat(i % 300)} ✓` })),
    ),
  );
  await ledger.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
