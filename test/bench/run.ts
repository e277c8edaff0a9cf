/** `npm run bench`: runs every test/bench/*.bench.ts and prints one results table (also as markdown with --markdown). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './benchRow';

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file}...\n`);
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<BenchRow[]> };
    rows.push(...(await mod.run()));
  }
  printTable(rows, process.argv.includes('--markdown'));
}

function printTable(rows: BenchRow[], markdown: boolean): void {
  const header = ['bench', 'metric', 'value', 'target', 'met'];
  const body = rows.map((r) => [r.bench, r.metric, r.value, r.target ?? '', r.ok === undefined ? '' : r.ok ? 'yes' : 'NO']);
  if (markdown) {
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const line of body) console.log(`| ${line.join(' | ')} |`);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of body) console.log(format(line));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
