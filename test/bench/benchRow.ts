/** One line of the `npm run bench` results table. */
export interface BenchRow {
  bench: string;
  metric: string;
  value: string;
  target?: string;
  ok?: boolean;
}
