/** The parity table and the list of differences `npm run compat` prints. */
import type { ConfigVerdict, Status } from './compareRuns';
import type { CorpusConfig } from './corpus';

export interface ConfigReport {
  config: CorpusConfig;
  verdict: ConfigVerdict;
  promptfooMs: number;
  oursMs: number;
  /** promptfoo's run came from the anchor cache (see anchorCache.ts). */
  anchorReused?: boolean;
}

interface Row {
  label: string;
  configs: number;
  cases: number;
  byStatus: Record<Status, number>;
  caseAgree: number;
  caseRefused: number;
  caseDiffer: number;
}

function emptyRow(label: string): Row {
  return {
    label,
    configs: 0,
    cases: 0,
    byStatus: { agree: 0, refused: 0, differ: 0, broken: 0 },
    caseAgree: 0,
    caseRefused: 0,
    caseDiffer: 0,
  };
}

function add(row: Row, r: ConfigReport): void {
  row.configs++;
  row.cases += r.verdict.cases;
  row.byStatus[r.verdict.status]++;
  row.caseAgree += r.verdict.agree;
  row.caseRefused += r.verdict.refused;
  row.caseDiffer += r.verdict.differ;
}

/** One row per corpus group and a total: configs by status, and the cases (promptfoo's cells) behind them. */
export function parityTable(reports: ConfigReport[], markdown = false): string {
  const groups = new Map<string, Row>();
  const total = emptyRow('total');
  for (const r of reports) {
    const row = groups.get(r.config.group) ?? emptyRow(r.config.group);
    groups.set(r.config.group, row);
    add(row, r);
    add(total, r);
  }
  const header = ['group', 'configs', 'cases', 'agree', 'refused', 'differ', 'broken', 'cases agree', 'cases refused', 'cases differ'];
  const lines = [...[...groups.values()].sort((a, b) => a.label.localeCompare(b.label)), total].map((r) =>
    [
      r.label,
      r.configs,
      r.cases,
      r.byStatus.agree,
      r.byStatus.refused,
      r.byStatus.differ,
      r.byStatus.broken,
      r.caseAgree,
      r.caseRefused,
      r.caseDiffer,
    ].map(String),
  );
  if (markdown)
    return [
      `| ${header.join(' | ')} |`,
      `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
      ...lines.map((l) => `| ${l.join(' | ')} |`),
    ].join('\n');
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    fmt(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.slice(0, -1).map(fmt),
    widths.map((w) => '-'.repeat(w)).join('  '),
    fmt(lines[lines.length - 1]),
  ].join('\n');
}

/** Every config that differs (or is broken), with its differences; then the categories, most configs first. */
export function differenceList(reports: ConfigReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    if (r.verdict.status !== 'differ' && r.verdict.status !== 'broken' && r.verdict.notes.length === 0) continue;
    out.push(
      `${r.verdict.status.toUpperCase()} ${r.config.name}${r.verdict.status === 'differ' ? ` (${r.verdict.differ}/${r.verdict.cases} cases)` : ''}`,
    );
    for (const d of r.verdict.differences.slice(0, 8)) out.push(`  - ${d.category}: ${d.detail}`);
    if (r.verdict.differences.length > 8) out.push(`  - … and ${r.verdict.differences.length - 8} more`);
    for (const n of r.verdict.notes.slice(0, 3)) out.push(`  · note: ${n}`);
  }
  return out.join('\n');
}

export function topCategories(reports: ConfigReport[]): Array<{ category: string; configs: number; examples: string[] }> {
  const by = new Map<string, Set<string>>();
  for (const r of reports) {
    for (const d of r.verdict.differences) {
      const set = by.get(d.category) ?? new Set<string>();
      set.add(r.config.name);
      by.set(d.category, set);
    }
  }
  return [...by.entries()]
    .map(([category, names]) => ({ category, configs: names.size, examples: [...names].slice(0, 4) }))
    .sort((a, b) => b.configs - a.configs || a.category.localeCompare(b.category));
}
