import type { ProviderConfig } from '../providers/adapter';
import { TASKS, type Task } from '../providers/chat';
import type { RouteSetting, RoutingRule } from './routingRule';
import type { ModelOverride } from '../models/modelInfo';
import { DEFAULT_BUDGET, defaultConfig, type BudgetSettings, type WorkbenchConfig } from './workbenchConfig';

/** One invalid setting: `setting` is the full key (`llmWorkbench.budget.warnThreshold`), `message` says what to write instead. */
export interface SettingProblem {
  setting: string;
  message: string;
}

/** Reads one setting by its key below `llmWorkbench.` (`budget.model`); undefined = not set. */
export type SettingGetter = (key: string) => unknown;

const PREFIX = 'llmWorkbench.';
const MODEL_REF = /^[^:\s]+:\S+$/;
const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible', 'ollama'] as const;

/**
 * Builds a `WorkbenchConfig` from settings (VS Code's, or a CLI `--config` file with the same keys).
 * An invalid value never throws and never loses the rest: it falls back to the default (or drops the bad list entry)
 * and comes back as a problem that names the setting and says what a valid value looks like.
 */
export function readSettings(get: SettingGetter): { config: WorkbenchConfig; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const defaults = defaultConfig();
  const report = (key: string, message: string) =>
    problems.push({ setting: PREFIX + key, message: `Setting "${PREFIX}${key}" ${message}` });

  const budget: BudgetSettings = {
    model: readModelRef(get, 'budget.model', DEFAULT_BUDGET.model, report),
    warnThreshold: readNumber(get, 'budget.warnThreshold', DEFAULT_BUDGET.warnThreshold, { min: 0, max: 1 }, report),
    outputReserve: readNumber(get, 'budget.outputReserve', DEFAULT_BUDGET.outputReserve, { min: 0, integer: true }, report),
    callsPerDay: readNumber(get, 'budget.callsPerDay', DEFAULT_BUDGET.callsPerDay, { min: 0, integer: true }, report),
    include: readStringList(get, 'budget.include', [], report),
  };
  const dailyUsd = readNumber(get, 'budget.dailyUsd', 0, { min: 0 }, report);
  if (dailyUsd > 0) budget.dailyUsd = dailyUsd;

  return {
    config: {
      providers: readList(get, 'providers', defaults.providers, toProvider, report),
      routes: readRoutes(get, report),
      routingRules: readList(get, 'routing.rules', [], toRoutingRule, report),
      models: readList(get, 'models', [], toModelOverride, report),
      budget,
      privateFiles: readStringList(get, 'privateFiles', [], report),
      logPrompts: readBoolean(get, 'logPrompts', false, report),
    },
    problems,
  };
}

type Report = (key: string, message: string) => void;

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function readNumber(
  get: SettingGetter,
  key: string,
  fallback: number,
  rule: { min?: number; max?: number; integer?: boolean },
  report: Report,
): number {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value));
  if (valid) return value;
  const kind = rule.integer ? 'a whole number' : 'a number';
  const range = rule.max !== undefined ? ` between ${rule.min} and ${rule.max}` : rule.min !== undefined ? ` ≥ ${rule.min}` : '';
  report(key, `must be ${kind}${range} (found ${show(value)}); using ${fallback}.`);
  return fallback;
}

function readBoolean(get: SettingGetter, key: string, fallback: boolean, report: Report): boolean {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  report(key, `must be true or false (found ${show(value)}); using ${fallback}.`);
  return fallback;
}

function readModelRef(get: SettingGetter, key: string, fallback: string, report: Report): string {
  const value = get(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && MODEL_REF.test(value)) return value;
  report(key, `must be a model reference provider:model, e.g. "openai:gpt-4o-mini" (found ${show(value)}); using "${fallback}".`);
  return fallback;
}

function readStringList(get: SettingGetter, key: string, fallback: string[], report: Report): string[] {
  const convert = (item: unknown): Converted<string> =>
    typeof item === 'string' && item.length > 0 ? { ok: item } : { error: 'a non-empty string' };
  return readList(get, key, fallback, convert, report);
}

/** A usable entry (with what was ignored in it, if anything), or what the entry should have looked like. */
type Converted<T> = { ok: T; warning?: string } | { error: string };

/** `convert` returns the typed entry, or what the entry should have looked like; bad entries are dropped, good ones kept. */
function readList<T>(get: SettingGetter, key: string, fallback: T[], convert: (item: unknown) => Converted<T>, report: Report): T[] {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value)) {
    report(key, `must be a list (found ${show(value)}); using the default.`);
    return fallback;
  }
  const items: T[] = [];
  value.forEach((item, index) => {
    const converted = convert(item);
    if ('ok' in converted) {
      items.push(converted.ok);
      if (converted.warning) report(key, `entry ${index + 1} ${converted.warning}.`);
    } else report(key, `entry ${index + 1} is ignored: it must be ${converted.error} (found ${show(item)}).`);
  });
  return items;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isModelRef(value: unknown): value is string {
  return typeof value === 'string' && MODEL_REF.test(value);
}

function toProvider(item: unknown): Converted<ProviderConfig> {
  const shape = `{ "id": "openai", "kind": one of ${PROVIDER_KINDS.join(' | ')}, "baseUrl"?: "https://..." }`;
  if (!isObject(item) || typeof item.id !== 'string' || !item.id) return { error: shape };
  if (!PROVIDER_KINDS.includes(item.kind as (typeof PROVIDER_KINDS)[number])) return { error: shape };
  if (item.baseUrl !== undefined && (typeof item.baseUrl !== 'string' || !/^https?:\/\//.test(item.baseUrl))) {
    return { error: `${shape} with baseUrl an http(s) URL` };
  }
  const provider: ProviderConfig = { id: item.id, kind: item.kind as ProviderConfig['kind'] };
  if (typeof item.baseUrl === 'string') provider.baseUrl = item.baseUrl;
  if (item.ollamaApi === 'native' || item.ollamaApi === 'openai') provider.ollamaApi = item.ollamaApi;
  if (item.numCtx !== undefined) {
    // The context Ollama runs the model at (sent as options.num_ctx): a wrong value would budget against a window
    // the server does not use, so it is refused rather than guessed.
    const numCtx = item.numCtx;
    if (typeof numCtx !== 'number' || !Number.isInteger(numCtx) || numCtx < 1)
      return { error: `{ "id": "${item.id}", "kind": "ollama", "numCtx": a whole number of tokens such as 8192 }` };
    if (provider.kind !== 'ollama') {
      return { ok: provider, warning: `sets numCtx, which only Ollama providers use (kind "${provider.kind}"): it is ignored` };
    }
    provider.numCtx = numCtx;
  }
  return { ok: provider };
}

function toRouteSetting(item: unknown): RouteSetting | undefined {
  if (!isObject(item) || !isModelRef(item.primary)) return undefined;
  const fallbacks = item.fallbacks ?? [];
  if (!Array.isArray(fallbacks) || !fallbacks.every(isModelRef)) return undefined;
  const route: RouteSetting = { primary: item.primary, fallbacks };
  if (isObject(item.validator)) route.validator = item.validator as RouteSetting['validator'];
  return route;
}

function readRoutes(get: SettingGetter, report: Report): Partial<Record<Task, RouteSetting>> {
  const value = get('routes');
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    report('routes', `must be an object keyed by task (${TASKS.join(', ')}) (found ${show(value)}); using no routes.`);
    return {};
  }
  const routes: Partial<Record<Task, RouteSetting>> = {};
  for (const [task, setting] of Object.entries(value)) {
    if (!TASKS.includes(task as Task)) {
      report('routes', `has an unknown task "${task}": use one of ${TASKS.join(', ')}.`);
      continue;
    }
    const route = toRouteSetting(setting);
    if (route) routes[task as Task] = route;
    else
      report(
        'routes',
        `"${task}" is ignored: it must be { "primary": "provider:model", "fallbacks"?: ["provider:model", ...] } (found ${show(setting)}).`,
      );
  }
  return routes;
}

function toRoutingRule(item: unknown): Converted<RoutingRule> {
  const shape = '{ "when": { ... }, "use"?: { "primary": "provider:model" }, "localOnly"?: true, "reason": "..." }';
  if (!isObject(item) || !isObject(item.when) || typeof item.reason !== 'string' || !item.reason) return { error: shape };
  if (item.use !== undefined && !toRouteSetting(item.use)) return { error: shape };
  return { ok: item as unknown as RoutingRule };
}

function toModelOverride(item: unknown): Converted<ModelOverride> {
  const shape = '{ "ref": "provider:model", "maxInputTokens"?: 128000, "inputPerMTok"?: 2.5, "outputPerMTok"?: 10 }';
  if (!isObject(item) || !isModelRef(item.ref)) return { error: shape };
  const numbers = [
    'contextWindow',
    'maxInputTokens',
    'maxOutput',
    'inputPerMTok',
    'outputPerMTok',
    'cacheReadPerMTok',
    'cacheWritePerMTok',
    'cacheWrite1hPerMTok',
    'reasoningPerMTok',
  ];
  if (item.deprecationDate !== undefined && (typeof item.deprecationDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(item.deprecationDate)))
    return { error: shape };
  for (const key of numbers) {
    const n = item[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n) || n < 0)) return { error: shape };
  }
  if (item.tokenizer !== undefined && !['o200k_base', 'cl100k_base', 'estimate'].includes(item.tokenizer as string)) {
    return { error: shape };
  }
  return { ok: item as unknown as ModelOverride };
}
