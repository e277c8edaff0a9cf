/**
 * The wait a provider asked for, in ms: `retry-after-ms` (OpenAI, Azure) wins over `retry-after`, which is either
 * seconds or an HTTP date. Absent, negative or unparsable values give `undefined` (the gateway then uses backoff).
 */
export function parseRetryAfterMs(headers: HeaderLookup | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after === null || after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/** Both `Headers` and the SDKs' header objects answer `get(name)`. */
export interface HeaderLookup {
  get(name: string): string | null | undefined;
}
