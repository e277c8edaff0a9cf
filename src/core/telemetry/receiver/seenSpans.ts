/**
 * Ids of spans already in the ledger, so a span sent twice (an exporter retrying after a timeout, a tool restarted
 * with its queue) is recorded once. Bounded: the oldest ids are forgotten first, far more than any retry window.
 */
export class SeenSpans {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 200_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** False when already present. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
