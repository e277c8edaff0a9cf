import type { ProviderConfig } from '../providers/adapter';
import type { Task } from '../providers/chat';
import { MAX_TIMER_MS } from '../providers/timerDelay';
import type { RouteSetting, RoutingRule } from './routingRule';
import type { ModelOverride } from '../models/modelInfo';
import type { ResilienceSettings } from './resilienceSettings';
import { join } from 'node:path';
import { loadBundle } from '../runtime/bundleLoader';
import type * as CheckSetting from './checkSetting';
import type { SchemaProblem } from './schemaProblems';
import { settingDefaults } from './settingDefaults.generated';
import { show } from './showValue';
import { DEFAULT_BUDGET, defaultConfig, type BudgetSettings, type WorkbenchConfig } from './workbenchConfig';

/** One invalid setting: `setting` is the full key (`llmWorkbench.budget.warnThreshold`), `message` says what to write instead. */
export interface SettingProblem {
  setting: string;
  message: string;
}

/** Reads one setting by its key below `llmWorkbench.` (`budget.model`); undefined = not set. */
export type SettingGetter = (key: string) => unknown;

const PREFIX = 'llmWorkbench.';

/**
 * Builds a `WorkbenchConfig` from settings (VS Code's, or a CLI `--config` file with the same keys), validated with
 * the JSON schema package.json contributes (compiled at build time: settingsValidators.generated.js).
 * An invalid value never throws and never loses the rest: it falls back to the default (or drops the bad list entry)
 * and comes back as a problem that names the setting, where in its value, and what a valid value looks like.
 */
export function readSettings(get: SettingGetter): { config: WorkbenchConfig; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const defaults = defaultConfig();
  const report: Report = (key, message) => problems.push({ setting: PREFIX + key, message: `Setting "${PREFIX}${key}" ${message}` });
  const scalar = <T>(key: string, fallback: T): T => readScalar(get, key, fallback, report);

  const budgetModel = get('budget.model');
  const budget: BudgetSettings = {
    // An empty model is "not set" (the settings editor's text box cleared).
    model: budgetModel === '' ? DEFAULT_BUDGET.model : scalar('budget.model', DEFAULT_BUDGET.model),
    warnThreshold: scalar('budget.warnThreshold', DEFAULT_BUDGET.warnThreshold),
    outputReserve: scalar('budget.outputReserve', DEFAULT_BUDGET.outputReserve),
    callsPerDay: scalar('budget.callsPerDay', DEFAULT_BUDGET.callsPerDay),
    include: readList(get, 'budget.include', [], nonEmptyString, report),
  };
  const dailyUsd = scalar('budget.dailyUsd', 0);
  if (dailyUsd > 0) budget.dailyUsd = dailyUsd;

  const config: WorkbenchConfig = {
    providers: readList(get, 'providers', defaults.providers, toProvider, report),
    routes: readKeyed(get, 'routes', 'task', report) as Partial<Record<Task, RouteSetting>>,
    routingRules: readList(get, 'routing.rules', [], toRoutingRule, report),
    models: readList(get, 'models', [], (item) => ({ ok: item as ModelOverride }), report),
    budget,
    privateFiles: readList(get, 'privateFiles', [], nonEmptyString, report),
    logPrompts: scalar('logPrompts', false),
  };
  const resilience = readResilience(get, report);
  if (Object.keys(resilience).length > 0) config.resilience = resilience;
  return { config, problems };
}

type Report = (key: string, message: string) => void;

let checkModule: typeof CheckSetting | undefined;

/**
 * ajv's validators and the schemas, loaded on the first value that is not its default. extension.js leaves them out
 * (the build flag LLM_WORKBENCH_LAZY_CORE, core/runtime/buildFlags.d.ts) and loads `dist/settingsCheck.js` beside it,
 * by a path built at run time, through the host's loader: V8's code cache, since a window with one non-default setting
 * loads them on every activation. The CLI's bundle and the sources include the module as usual.
 */
function settingsCheck(): typeof CheckSetting {
  if (checkModule) return checkModule;
  if (typeof LLM_WORKBENCH_LAZY_CORE !== 'undefined' && LLM_WORKBENCH_LAZY_CORE) {
    checkModule = loadBundle<typeof CheckSetting>(join(__dirname, 'settingsCheck.js'), 'settingsCheck');
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- bundled here, left out of extension.js (above)
    checkModule = require('./checkSetting') as typeof CheckSetting;
  }
  return checkModule;
}

/**
 * The schema's problems with `value` (none when it is valid). package.json's default is known good
 * (test/unit/config/settingDefaults.test.ts validates each), so a setting left at its default — every setting, in
 * most windows — is not validated, and activation does not load the validators.
 */
function check(key: string, value: unknown): SchemaProblem[] {
  if (settingDefaults[key] !== undefined && settingDefaults[key] === JSON.stringify(value)) return [];
  return settingsCheck().checkSetting(key, value);
}

/** A number, boolean or string setting: the value, or the fallback and a problem. */
function readScalar<T>(get: SettingGetter, key: string, fallback: T, report: Report): T {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  const [problem] = check(key, value);
  if (!problem) return value as T;
  report(key, `${problem.text}; using ${show(fallback)}.`);
  return fallback;
}

/** A usable entry (with what was ignored in it, if anything), or what the entry should have looked like. */
type Converted<T> = { ok: T; warning?: string } | { error: string };

/**
 * A list setting: entries the schema refuses are dropped and reported by position, the good ones kept; `convert`
 * adds the checks a schema cannot express.
 */
function readList<T>(get: SettingGetter, key: string, fallback: T[], convert: (item: unknown) => Converted<T>, report: Report): T[] {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  const problems = check(key, value);
  if (!Array.isArray(value)) {
    report(key, `must be a list (found ${show(value)}); using the default.`);
    return fallback;
  }
  const items: T[] = [];
  value.forEach((item, index) => {
    const problem = problems.find((p) => p.path[0] === String(index));
    if (problem) return report(key, `entry ${index + 1} is ignored: ${inside(problem)}.`);
    const converted = convert(item);
    if ('ok' in converted) {
      items.push(converted.ok);
      if (converted.warning) report(key, `entry ${index + 1} ${converted.warning}.`);
    } else report(key, `entry ${index + 1} is ignored: it must be ${converted.error} (found ${show(item)}).`);
  });
  return items;
}

/**
 * An object setting keyed by name (`routes` by task, `gateway` by field): an unknown key or a bad value drops that
 * key, and the rest is kept.
 */
function readKeyed(get: SettingGetter, key: string, noun: string, report: Report): Record<string, unknown> {
  const value = get(key);
  if (value === undefined || value === null) return {};
  const problems = check(key, value);
  if (typeof value !== 'object' || Array.isArray(value)) {
    report(key, `must be an object keyed by ${noun} (found ${show(value)}); using none.`);
    return {};
  }
  const result: Record<string, unknown> = {};
  for (const problem of problems.filter((p) => p.path.length === 0)) {
    report(key, problem.text.replace(/^has an unknown key "([^"]*)" \(known: (.*)\)$/, `has an unknown ${noun} "$1": use one of $2.`));
  }
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    const problem = problems.find((p) => p.path[0] === name);
    if (problem) report(key, `"${name}" is ignored: ${inside(problem)}.`);
    else if (!problems.some((p) => p.path.length === 0 && p.text.includes(`"${name}"`))) result[name] = item;
  }
  return result;
}

/** `it must be an object with "numCtx": a whole number ≥ 1 (found 8192.5)`: a problem inside one entry. */
function inside(problem: SchemaProblem): string {
  const where = problem.path.slice(1).join('.');
  if (!where) return `it ${problem.text}`;
  return problem.text.startsWith('must be ')
    ? `it must be an object with "${where}": ${problem.text.slice('must be '.length)}`
    : `its "${where}" ${problem.text}`;
}

/** A rule's reason is shown and logged with every decision it makes: an empty one is refused. */
function toRoutingRule(item: unknown): Converted<RoutingRule> {
  const rule = item as RoutingRule;
  return rule.reason ? { ok: rule } : { error: 'a rule with a non-empty "reason"' };
}

function nonEmptyString(item: unknown): Converted<string> {
  return typeof item === 'string' && item.length > 0 ? { ok: item } : { error: 'a non-empty string' };
}

/** What the schema cannot say about a provider: its base URL is http(s); numCtx only means something to Ollama. */
function toProvider(item: unknown): Converted<ProviderConfig> {
  const entry = item as ProviderConfig;
  if (entry.baseUrl !== undefined && !/^https?:\/\//.test(entry.baseUrl)) return { error: `a provider whose "baseUrl" is an http(s) URL` };
  const provider: ProviderConfig = { id: entry.id, kind: entry.kind };
  if (entry.baseUrl !== undefined) provider.baseUrl = entry.baseUrl;
  if (entry.ollamaApi !== undefined) provider.ollamaApi = entry.ollamaApi;
  if (entry.numCtx !== undefined) {
    // The context Ollama runs the model at (sent as options.num_ctx): only an Ollama server has one.
    if (provider.kind !== 'ollama') {
      return { ok: provider, warning: `sets numCtx, which only Ollama providers use (kind "${provider.kind}"): it is ignored` };
    }
    provider.numCtx = entry.numCtx;
  }
  if (entry.apiVersion !== undefined) {
    if (provider.kind !== 'azure')
      return { ok: provider, warning: `sets apiVersion, which only Azure providers use (kind "${provider.kind}"): it is ignored` };
    provider.apiVersion = entry.apiVersion;
  }
  return { ok: provider };
}

/** `llmWorkbench.gateway`: each valid field is kept; a wait no timer can hold is refused (Node would make it 1 ms). */
function readResilience(get: SettingGetter, report: Report): Partial<ResilienceSettings> {
  const fields = readKeyed(get, 'gateway', 'setting', report) as Partial<Record<keyof ResilienceSettings, number>>;
  for (const [name, value] of Object.entries(fields)) {
    if (name.endsWith('Ms') && value > MAX_TIMER_MS) {
      report(
        'gateway',
        `"${name}" is ignored: ${value} ms is more than the longest wait a timer can hold (${MAX_TIMER_MS} ms, about 24.8 days).`,
      );
      delete fields[name as keyof ResilienceSettings];
    }
  }
  return fields;
}
