/** The rows of "Pick Budget Model", as plain data (no vscode import: unit-tested directly). */
import { formatUsd } from '../../core/cost/pricing';
import type { ModelInfo } from '../../core/models/modelInfo';
import { splitModelRef } from '../../core/models/modelRef';

export type BudgetModelRow = { separator: string } | { label: string; description: string; detail: string; ref: string };

/** What the configured Ollama servers reported, as known when the picker (re)renders. */
export interface InstalledRows {
  models: { ref: string; contextWindow?: number }[];
  /** A server is still being asked: the picker shows a busy bar and fills in when it answers. */
  pending: boolean;
  /** Base URLs (or ids) of servers that did not answer. */
  unreachable: string[];
}

export function windowLabel(tokens: number): string {
  return tokens >= 1e6 ? `${(tokens / 1e6).toFixed(tokens % 1e6 === 0 ? 0 : 1)}M` : `${Math.round(tokens / 1000)}K`;
}

function describe(model: ModelInfo, window: number): string {
  const price = model.price
    ? `${formatUsd(model.price.input * 1e6)} / ${formatUsd(model.price.output * 1e6)} per 1M in/out`
    : 'price unknown';
  const counting = model.tokenizer.kind === 'exact' ? `exact ${model.tokenizer.encoding}` : `≈ ${model.tokenizer.encoding} estimate`;
  return `${windowLabel(window)} window · ${price} · ${counting}`;
}

/**
 * Groups: your `llmWorkbench.models`, then the models installed on your Ollama servers (local, with the window
 * the server runs them at), then the rest of the catalog by provider. `windowFor` gives the window budgets would
 * use (Ollama: num_ctx), so the picker and the status bar agree.
 */
export function budgetModelRows(input: {
  catalog: ModelInfo[];
  userRefs: ReadonlySet<string>;
  current: string;
  installed: InstalledRows;
  lookup: (ref: string) => ModelInfo | undefined;
  windowFor: (ref: string, info: ModelInfo | undefined) => number;
}): BudgetModelRow[] {
  const rows: BudgetModelRow[] = [];
  const row = (ref: string, label: string, detail: string) =>
    rows.push({ label: `${ref === input.current ? '$(check) ' : ''}${label}`, description: ref, detail, ref });

  const yours = input.catalog.filter((model) => input.userRefs.has(model.ref));
  if (yours.length > 0) rows.push({ separator: 'Your models (llmWorkbench.models)' });
  for (const model of yours) row(model.ref, model.displayName, describe(model, input.windowFor(model.ref, model)));

  const installedRefs = new Set(input.installed.models.map((m) => m.ref));
  const { pending, unreachable } = input.installed;
  const status = pending ? ' — asking the server…' : unreachable.length > 0 ? ` — not reachable: ${unreachable.join(', ')}` : '';
  if (input.installed.models.length > 0 || status) rows.push({ separator: `Installed on your Ollama server (local)${status}` });
  for (const installed of input.installed.models) {
    if (input.userRefs.has(installed.ref)) continue;
    const info = input.lookup(installed.ref);
    const window = input.windowFor(installed.ref, info);
    const name = info?.displayName ?? splitModelRef(installed.ref)?.model ?? installed.ref;
    row(installed.ref, `$(vm) ${name}`, info ? `local · ${describe(info, window)}` : `local · ${windowLabel(window)} window · free · ≈ o200k_base estimate`);
  }

  const groups = new Map<string, ModelInfo[]>();
  for (const model of input.catalog) {
    if (input.userRefs.has(model.ref) || installedRefs.has(model.ref)) continue;
    const list = groups.get(model.provider) ?? [];
    list.push(model);
    groups.set(model.provider, list);
  }
  for (const [provider, list] of groups) {
    rows.push({ separator: provider });
    for (const model of list) row(model.ref, model.displayName, describe(model, input.windowFor(model.ref, model)));
  }
  return rows;
}
