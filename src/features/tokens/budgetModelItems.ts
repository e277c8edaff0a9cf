/** The rows of "Pick Budget Model", as plain data (no vscode import: unit-tested directly). */
import { deprecationMark, deprecationState } from '../../core/models/deprecation';
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

/**
 * A price per million tokens, one way for every row: at least two decimals, up to four when the price has them
 * (`$2.50`, `$0.15`, `$0.075`), never `$0.1500` next to `$0.075` next to `$2.50`.
 */
export function formatPerMillion(usd: number): string {
  if (usd >= 1000) return `$${usd.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  return `$${usd.toFixed(4).replace(/0{1,2}$/, '')}`;
}

/** Limits as the window rule uses them: input and output limits, or the one window an Ollama server runs the model at. */
function limitsLabel(model: ModelInfo, window: number): string {
  if (model.limitsUnknown && model.combinedWindow === undefined && window === model.maxInputTokens) return 'limits unknown';
  if (model.combinedWindow !== undefined || window !== model.maxInputTokens) return `${windowLabel(window)} window`;
  return `${windowLabel(model.maxInputTokens)} in / ${windowLabel(model.maxOutput)} out`;
}

function describe(model: ModelInfo, window: number, today?: Date): string {
  const price = !model.price
    ? 'price unknown'
    : model.price.input === 0 && model.price.output === 0
      ? 'free'
      : `${formatPerMillion(model.price.input * 1e6)} / ${formatPerMillion(model.price.output * 1e6)} per 1M in/out`;
  const counting = model.tokenizer.kind === 'exact' ? `exact ${model.tokenizer.encoding}` : `≈ ${model.tokenizer.encoding} estimate`;
  const deprecation = deprecationState(model.deprecation, today);
  const retiring = deprecation ? `${deprecationMark(deprecation)}${deprecation.successor ? ` → ${deprecation.successor}` : ''} · ` : '';
  return `${retiring}${limitsLabel(model, window)} · ${price} · ${counting}`;
}

/**
 * Where the pick is written, said before and after it is: the workspace's `.vscode/settings.json` when the workspace
 * already sets `llmWorkbench.budget.model` (its value wins there), else the User settings.
 */
export function budgetModelTarget(workspaceSetsIt: boolean): { where: string; placeholderNote: string } {
  return workspaceSetsIt
    ? { where: "this workspace's .vscode/settings.json", placeholderNote: "saved to this workspace's .vscode/settings.json, which sets it" }
    : { where: 'your User settings', placeholderNote: 'saved to your User settings' };
}

/**
 * Groups: the current budget model first (Enter keeps it), your `llmWorkbench.models`, then the models installed on
 * your Ollama servers (local, with the window the server runs them at), then the rest of the catalog by provider. `windowFor` gives the window budgets would
 * use (Ollama: num_ctx), so the picker and the status bar agree.
 */
export function budgetModelRows(input: {
  catalog: ModelInfo[];
  userRefs: ReadonlySet<string>;
  current: string;
  installed: InstalledRows;
  lookup: (ref: string) => ModelInfo | undefined;
  windowFor: (ref: string, info: ModelInfo | undefined) => number;
  /** Deprecation is judged on this day (tests); default today. */
  today?: Date;
}): BudgetModelRow[] {
  const rows: BudgetModelRow[] = currentRows(input);
  // The current model is listed once, on top: VS Code focuses the first row, so Enter keeps it instead of another.
  const row = (ref: string, label: string, detail: string) => rows.push({ label, description: ref, detail, ref });
  const others = (models: ModelInfo[]) => models.filter((model) => model.ref !== input.current);

  const yours = others(input.catalog.filter((model) => input.userRefs.has(model.ref)));
  if (yours.length > 0) rows.push({ separator: 'Your models (llmWorkbench.models)' });
  for (const model of yours) row(model.ref, model.displayName, describe(model, input.windowFor(model.ref, model), input.today));

  const installedRefs = new Set(input.installed.models.map((m) => m.ref));
  const { pending, unreachable } = input.installed;
  const status = pending ? ' — asking the server…' : unreachable.length > 0 ? ` — not reachable: ${unreachable.join(', ')}` : '';
  if (input.installed.models.length > 0 || status) rows.push({ separator: `Installed on your Ollama server (local)${status}` });
  for (const installed of input.installed.models) {
    if (input.userRefs.has(installed.ref) || installed.ref === input.current) continue;
    const info = input.lookup(installed.ref);
    const window = input.windowFor(installed.ref, info);
    const name = info?.displayName ?? splitModelRef(installed.ref)?.model ?? installed.ref;
    row(
      installed.ref,
      `$(vm) ${name}`,
      info ? `local · ${describe(info, window, input.today)}` : `local · ${windowLabel(window)} window · free · ≈ o200k_base estimate`,
    );
  }

  const groups = new Map<string, ModelInfo[]>();
  for (const model of others(input.catalog)) {
    if (input.userRefs.has(model.ref) || installedRefs.has(model.ref)) continue;
    const list = groups.get(model.provider) ?? [];
    list.push(model);
    groups.set(model.provider, list);
  }
  for (const [provider, list] of groups) {
    rows.push({ separator: provider });
    // Retired models last in their group: still there for whoever budgets an old prompt, never first in the way.
    const retired = (m: ModelInfo) => (deprecationState(m.deprecation, input.today)?.state === 'retired' ? 1 : 0);
    for (const model of [...list].sort((a, b) => retired(a) - retired(b)))
      row(model.ref, model.displayName, describe(model, input.windowFor(model.ref, model), input.today));
  }
  return rows;
}

/** The current budget model's row, under its own heading, when the catalog or the server knows it. */
function currentRows(input: Parameters<typeof budgetModelRows>[0]): BudgetModelRow[] {
  const { current } = input;
  const info = input.lookup(current) ?? input.catalog.find((model) => model.ref === current);
  const installed = input.installed.models.some((m) => m.ref === current);
  if (!info && !installed) return [];
  const window = input.windowFor(current, info);
  const detail = info
    ? `${installed ? 'local · ' : ''}${describe(info, window, input.today)}`
    : `local · ${windowLabel(window)} window · free · ≈ o200k_base estimate`;
  const name = info?.displayName ?? splitModelRef(current)?.model ?? current;
  return [
    { separator: 'Current budget model' },
    { label: `$(check) ${installed ? '$(vm) ' : ''}${name}`, description: current, detail, ref: current },
  ];
}
