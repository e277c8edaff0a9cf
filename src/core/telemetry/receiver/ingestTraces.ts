import type { Ledger } from '../../cost/ledger';
import type { CallRecord } from '../../cost/callRecord';
import type { ModelCatalog } from '../../models/catalog';
import { decodeJsonTraces, decodeProtobufTraces } from './decodeTraces';
import type { SeenSpans } from './seenSpans';
import { spanToRecord, type SkipReason } from './spanToRecord';

export interface IngestResult {
  recorded: CallRecord[];
  duplicates: number;
  /** Spans refused one by one (malformed ids or times): reported back as `partial_success.rejected_spans`. */
  rejected: number;
  skipped: Partial<Record<Exclude<SkipReason, 'invalid'>, number>>;
}

/** The ledger could not take a record: the sender should retry later (503), nothing already written is lost. */
export class LedgerUnavailableError extends Error {}

/**
 * Decodes one OTLP trace export request (throws `MalformedPayloadError` if it cannot be read at all) and appends
 * a record for every GenAI inference span not seen before. A span is marked seen before its write starts (two
 * overlapping requests with the same span write it once) and unmarked if the write fails (a retry can write it).
 */
export async function ingestTraces(
  body: Uint8Array,
  json: boolean,
  deps: { ledger: Ledger; catalog: ModelCatalog; seen: SeenSpans },
): Promise<IngestResult> {
  const spans = json ? decodeJsonTraces(body) : decodeProtobufTraces(body);
  const result: IngestResult = { recorded: [], duplicates: 0, rejected: 0, skipped: {} };
  const writes: Promise<void>[] = [];
  let failure: unknown;
  for (const span of spans) {
    const mapped = spanToRecord(span, deps.catalog);
    if ('skip' in mapped) {
      if (mapped.skip === 'invalid') result.rejected++;
      else result.skipped[mapped.skip] = (result.skipped[mapped.skip] ?? 0) + 1;
      continue;
    }
    if (!deps.seen.add(mapped.requestId)) {
      result.duplicates++;
      continue;
    }
    writes.push(
      deps.ledger.append(mapped).then(
        () => void result.recorded.push(mapped),
        (error: unknown) => {
          deps.seen.delete(mapped.requestId);
          failure ??= error;
        },
      ),
    );
  }
  await Promise.all(writes);
  if (failure)
    throw new LedgerUnavailableError(`the ledger could not be written: ${failure instanceof Error ? failure.message : String(failure)}`);
  return result;
}
