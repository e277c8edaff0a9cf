/**
 * `npm run catalog -- <path-or-URL> [--date YYYY-MM-DD]`: generates src/core/models/data/litellmCatalog.json
 * (the shipped model catalog) from LiteLLM's model_prices_and_context_window.json, e.g.
 *   npm run catalog -- ../shared/data/litellm/model_prices_and_context_window.json
 *   npm run catalog -- https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json
 * Deprecation dates LiteLLM lacks are added from the Anthropic SDK's own list (the one it warns with).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { convertLitellmTable } from '../src/core/models/litellm/convertLitellmTable';
import { downloadTable } from '../src/core/models/refreshCatalog';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** `@anthropic-ai/sdk`'s DEPRECATED_MODELS ({ 'claude-sonnet-4-5': 'November 30th, 2026' }) as `anthropic:<id>` -> YYYY-MM-DD. */
function anthropicSdkDeprecations(): Record<string, string> {
  // Not an exported path of the package: read by file, next to its entry point.
  const file = join(dirname(require.resolve('@anthropic-ai/sdk')), 'internal', 'data', 'deprecated-models.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a data file by path, not a module import
  const { DEPRECATED_MODELS } = require(file) as { DEPRECATED_MODELS: Record<string, string> };
  const dates: Record<string, string> = {};
  for (const [id, text] of Object.entries(DEPRECATED_MODELS)) {
    const match = /^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?, (\d{4})$/i.exec(text.trim());
    const month = match ? MONTHS.indexOf(match[1].toLowerCase()) : -1;
    if (!match || month < 0) throw new Error(`Cannot read the Anthropic SDK's date "${text}" for ${id}: update scripts/catalog.ts`);
    dates[`anthropic:${id}`] = `${match[3]}-${String(month + 1).padStart(2, '0')}-${match[2].padStart(2, '0')}`;
  }
  return dates;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const source = args.find((a) => !a.startsWith('--'));
  if (!source) {
    console.error('usage: npm run catalog -- <path-or-URL of model_prices_and_context_window.json>');
    process.exit(2);
  }
  const isUrl = /^https?:\/\//.test(source);
  const raw = isUrl ? await downloadTable(source) : JSON.parse(readFileSync(source, 'utf8'));
  const data = convertLitellmTable(raw, {
    url: isUrl ? source : `https://github.com/BerriAI/litellm model_prices_and_context_window.json (snapshot: ${basename(source)})`,
    retrieved: new Date().toISOString(),
    extraDeprecations: anthropicSdkDeprecations(),
  });
  const out = join(__dirname, '..', 'src', 'core', 'models', 'data', 'litellmCatalog.json');
  // One model per line: small diffs when the table is regenerated.
  const text = JSON.stringify({ ...data, models: [] }, null, 2).replace(
    '"models": []',
    `"models": [\n${data.models.map((m) => `    ${JSON.stringify(m)}`).join(',\n')}\n  ]`,
  );
  writeFileSync(out, `${text}\n`);
  const perProvider = new Map<string, number>();
  for (const m of data.models) perProvider.set(m.ref.split(':')[0], (perProvider.get(m.ref.split(':')[0]) ?? 0) + 1);
  console.log(`${out}: ${data.models.length} models, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, table date ${data.source.date}`);
  console.log([...perProvider].map(([p, n]) => `${p} ${n}`).join(', '));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
