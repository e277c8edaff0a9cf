/** The longest delay `setTimeout` honours: Node turns anything above 2³¹−1 ms (24.8 days) into 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay `setTimeout` keeps as meant: capped at MAX_TIMER_MS (settings are validated against it too), never negative. */
export function timerDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : MAX_TIMER_MS;
}
