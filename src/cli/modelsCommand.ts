import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatUsd } from '../core/cost/pricing';
import { ModelCatalog } from '../core/models/catalog';
import { defaultCatalogStore, REFRESHED_CATALOG_FILE } from '../core/models/catalogStore';
import { deprecationState, deprecationText } from '../core/models/deprecation';
import type { ModelInfo } from '../core/models/modelInfo';
import { describeChanges, refreshCatalog } from '../core/models/refreshCatalog';
import { loadCliSettings, usageMessage } from './cliSetup';

export const MODELS_USAGE = `Usage: llm-workbench models [--provider ID] [--search TEXT] [--json] [--config FILE]
       llm-workbench models REF [--json] [--config FILE]
       llm-workbench models --update [--url URL]

Lists the model catalog: prices per 1M tokens (input / output / cache read), input and output limits, how tokens
are counted, and deprecation; with REF, everything known about one model. The catalog is generated from LiteLLM's
model_prices_and_context_window.json (MIT); the header says which table and its date. The llmWorkbench.models
entries of --config FILE are merged field by field over it.

Options:
  --provider ID   only this provider's models (openai, anthropic, gemini, mistral, groq, together, deepseek, xai,
                  openrouter, azure, ollama)
  --search TEXT   only models whose ref or name contains TEXT
  --json          print JSON: {"table":{...},"models":[...]} (with REF: {"table","model"})
  --config FILE   settings JSON (as for chat and eval): its llmWorkbench.models and providers apply
  --update        download LiteLLM's current table, validate it, store it in $LLM_WORKBENCH_HOME and say what changed;
                  a bad or unreachable table keeps the one you have
  --url URL       with --update: download from URL instead of LiteLLM's GitHub

Exit status: 0 success, 1 the update failed (the previous table is kept), 2 bad usage or unknown model.
`;

/** `$LLM_WORKBENCH_HOME/model-catalog.json`, default `~/.llm-workbench/model-catalog.json`. */
export function cliCatalogPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.LLM_WORKBENCH_HOME?.trim() || join(home, '.llm-workbench'), REFRESHED_CATALOG_FILE);
}

interface ModelsIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => Date;
}

const processIo: ModelsIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

export async function runModels(argv: string[], io: ModelsIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        provider: { type: 'string' },
        search: { type: 'string' },
        json: { type: 'boolean' },
        update: { type: 'boolean' },
        url: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(usageMessage('models', error instanceof Error ? error.message : String(error), MODELS_USAGE));
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(MODELS_USAGE);
    return 0;
  }
  if (values.update) return update(values.url, io);
  if (values.url) {
    io.stderr(usageMessage('models', '--url goes with --update', MODELS_USAGE));
    return 2;
  }
  const loaded = loadCliSettings(values.config, process.env, process.cwd());
  if ('problem' in loaded) {
    io.stderr(`llm-workbench models: ${loaded.problem}\n`);
    return 2;
  }
  const catalog = new ModelCatalog(loaded.config.models, { providers: loaded.config.providers });
  const today = io.now?.() ?? new Date();
  const table = catalog.origin();
  if (positionals.length > 0) return showOne(catalog, positionals[0], values.json ?? false, io, today);

  const search = values.search?.toLowerCase();
  const models = catalog
    .all()
    .filter((m) => !values.provider || m.provider === values.provider)
    .filter((m) => !search || m.ref.toLowerCase().includes(search) || m.displayName.toLowerCase().includes(search));
  if (values.json) {
    io.stdout(`${JSON.stringify({ table, models: models.map((m) => withState(m, today)) }, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${tableLine(table)}\n\n`);
  const rows = models.map((m) => [m.ref, prices(m), limits(m), counting(m), deprecationCell(m, today)]);
  io.stdout(columns([['MODEL', 'PRICE /1M in · out · cache read', 'LIMITS in / out', 'TOKENS', 'DEPRECATION'], ...rows]));
  io.stdout(`\n${models.length} model${models.length === 1 ? '' : 's'}.\n`);
  return 0;
}

async function update(url: string | undefined, io: ModelsIo): Promise<number> {
  const store = defaultCatalogStore();
  const outcome = await refreshCatalog(store, { ...(url ? { url } : {}), ...(io.now ? { now: io.now } : {}) });
  if (!outcome.ok) {
    io.stderr(`llm-workbench models: prices not updated: ${outcome.reason}. Still using the table of ${outcome.kept.source.date}.\n`);
    return 1;
  }
  io.stdout(
    `Updated the model catalog to LiteLLM's table of ${outcome.after.source.date} (${outcome.after.models.length} models), stored in ${store.storedPath}.\n`,
  );
  io.stdout(`${describeChanges(outcome.changes, 20)}\n`);
  return 0;
}

function showOne(catalog: ModelCatalog, ref: string, json: boolean, io: ModelsIo, today: Date): number {
  const model = catalog.lookup(ref);
  if (!model) {
    io.stderr(
      `llm-workbench models: unknown model "${ref}". Search with \`llm-workbench models --search ${ref.slice(ref.indexOf(':') + 1)}\`.\n`,
    );
    return 2;
  }
  if (json) {
    io.stdout(`${JSON.stringify({ table: catalog.origin(), model: withState(model, today) }, null, 2)}\n`);
    return 0;
  }
  const p = model.price;
  const lines = [
    `${model.displayName} (${model.ref})`,
    `  price per 1M:  ${p ? `input ${usd(p.input)}, output ${usd(p.output)}` : 'unknown'}`,
  ];
  if (p?.cacheRead !== undefined) lines.push(`  cache read:    ${usd(p.cacheRead)}`);
  if (p?.cacheWrite !== undefined)
    lines.push(
      `  cache write:   ${usd(p.cacheWrite)} (5 minutes)${p.cacheWrite1h !== undefined ? `, ${usd(p.cacheWrite1h)} (1 hour)` : ''}`,
    );
  if (p?.reasoning !== undefined) lines.push(`  reasoning:     ${usd(p.reasoning)}`);
  for (const tier of p?.tiers ?? [])
    lines.push(
      `  above ${tier.aboveInputTokens.toLocaleString('en-US')} input tokens: input ${usd(tier.input)}, output ${usd(tier.output)}${tier.cacheRead !== undefined ? `, cache read ${usd(tier.cacheRead)}` : ''}`,
    );
  lines.push(
    `  limits:        ${limits(model)}${model.combinedWindow !== undefined ? ` (prompt + answer share ${model.combinedWindow.toLocaleString('en-US')})` : ''}`,
  );
  lines.push(
    `  tokens:        ${model.tokenizer.kind === 'exact' ? `exact ${model.tokenizer.encoding}` : `≈ estimate with ${model.tokenizer.encoding}`}`,
  );
  const supports = Object.entries(model.supports ?? {})
    .filter(([, v]) => v)
    .map(([k]) => k);
  if (supports.length) lines.push(`  supports:      ${supports.join(', ')}`);
  if (model.local) lines.push('  local:         yes (runs on your machine: $0)');
  if (model.deprecation) {
    const state = deprecationState(model.deprecation, today);
    lines.push(
      `  deprecation:   ${state ? deprecationText(state) : `on ${model.deprecation.date}`} (date from ${model.deprecation.source})`,
    );
  }
  lines.push(
    `  source:        ${model.origin === 'settings' ? 'your llmWorkbench.models' : model.origin === 'rule' ? 'rule (a model on an Ollama server)' : tableLine(catalog.origin())}`,
  );
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function withState(model: ModelInfo, today: Date) {
  const state = deprecationState(model.deprecation, today);
  return { ...model, ...(state ? { deprecationState: state.state } : {}) };
}

function tableLine(table: ReturnType<ModelCatalog['origin']>): string {
  const where =
    table.kind === 'refreshed'
      ? 'refreshed with `models --update`'
      : 'shipped with this version; `llm-workbench models --update` refreshes it';
  return `Prices and limits: LiteLLM's table of ${table.date} (${where}), MIT License, Copyright (c) 2023 Berri AI.${table.problem ? ` Note: ${table.problem}.` : ''}`;
}

const usd = (perToken: number) => formatUsd(perToken * 1e6);

function prices(m: ModelInfo): string {
  if (!m.price) return 'unknown';
  if (m.local) return 'free (local)';
  return `${usd(m.price.input)} · ${usd(m.price.output)}${m.price.cacheRead !== undefined ? ` · ${usd(m.price.cacheRead)}` : ''}${m.price.tiers ? ' (tiers)' : ''}`;
}

function limits(m: ModelInfo): string {
  if (m.limitsUnknown) return 'unknown';
  return `${m.maxInputTokens.toLocaleString('en-US')} / ${m.maxOutput.toLocaleString('en-US')}`;
}

const counting = (m: ModelInfo) => (m.tokenizer.kind === 'exact' ? m.tokenizer.encoding : `≈${m.tokenizer.encoding}`);

function deprecationCell(m: ModelInfo, today: Date): string {
  const state = deprecationState(m.deprecation, today);
  if (!state) return m.deprecation ? `on ${m.deprecation.date}` : '';
  return `${state.state === 'retired' ? 'deprecated' : 'retires'} ${state.date}${state.successor ? ` → ${state.successor}` : ''}`;
}

function columns(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
