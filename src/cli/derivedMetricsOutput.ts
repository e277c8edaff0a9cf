import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { formatMetric, type ColumnMetrics } from '../core/evals/derivedMetrics';

/** The derived metrics per prompt column, after the results table (promptfoo shows them beside each prompt's scores). */
export function derivedMetricsText(columns: readonly ColumnMetrics[], cwd: string): string {
  if (columns.length === 0) return '';
  const lines = ['', 'Derived metrics (promptfoo derivedMetrics, per prompt and provider):'];
  for (const c of columns) {
    const values = Object.entries(c.derived).map(([name, value]) =>
      c.errors[name]
        ? `${name} = ${formatMetric(value)} (not evaluated: ${c.errors[name]}; promptfoo reports this value)`
        : `${name} = ${formatMetric(value)}`,
    );
    lines.push(`  ${relative(cwd, c.file) || c.file} · prompt ${c.promptIndex + 1} · ${c.providerLabel}: ${values.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One JSON line per prompt column after the results, marked by its `derivedMetrics` key (result lines never have
 * one): `{"derivedMetrics": {...}, "derivedMetricErrors"?: {...}, "namedScores": {...}, "file", "promptIndex",
 * "promptLabel", "providerLabel"}`.
 * Infinity and NaN, which JSON cannot hold, are written as null (as promptfoo's JSON output does).
 */
export function derivedMetricsLines(path: string, columns: readonly ColumnMetrics[]): void {
  const text = columns
    .map((c) =>
      JSON.stringify({
        derivedMetrics: c.derived,
        ...(Object.keys(c.errors).length > 0 ? { derivedMetricErrors: c.errors } : {}),
        namedScores: c.namedScores,
        file: c.file,
        promptIndex: c.promptIndex,
        promptLabel: c.promptLabel,
        providerLabel: c.providerLabel,
      }),
    )
    .join('\n');
  if (text) appendFileSync(path, `${text}\n`);
}
