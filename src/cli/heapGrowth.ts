import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what a full garbage collection left alive, as a percentage (100: to 2×).
 *
 * Why: an eval run allocates fast (16 HTTP calls in flight, each with its SDK, stream and report objects) while what
 * stays alive is small and flat (~100 MB for 100,000 cases: the parsed tests and a compact row per case). V8's own
 * heuristic then lets the heap grow to ~4× the live set between full collections, so a 100,000-case run peaked at
 * ~590 MB RSS although ~110 MB was alive. Fixing the factor at 2× keeps the peak near twice the live set (~400 MB)
 * for ~1–2% more time in full collections. It is not a limit: the heap still grows as far as the live set needs, so
 * a run with a large live set (long outputs, many files) cannot run out of memory because of it.
 */
export const EVAL_HEAP_GROWING_PERCENT = 100;

let applied = false;

/** Sets V8's heap growing factor for the rest of this process (the flag is read at each collection). */
export function limitHeapGrowth(percent = EVAL_HEAP_GROWING_PERCENT): void {
  if (applied) return;
  applied = true;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
