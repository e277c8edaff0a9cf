import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import packageJson from '../../package.json';
import { defaultLedgerPath } from '../core/cost/ledger';
import { closestMatch } from '../core/evals/levenshtein';
import { DEFAULT_RESILIENCE, type ResilienceSettings } from '../core/config/resilienceSettings';
import type { KeySource, ProviderConfig } from '../core/providers/adapter';
import { SETTINGS_VENDORS } from '../core/providers/vendorPresets';
import { readSettings } from '../core/config/readSettings';
import { MAX_TIMER_MS } from '../core/providers/timerDelay';
import { readSettingsText, SettingsFileError } from './settingsFile';
import type { WorkbenchConfig } from '../core/config/workbenchConfig';

/** A configuration the CLI cannot run with: the message names the file, the key and what to write instead. Exit 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface CliConfig {
  config: WorkbenchConfig;
  /** API keys from the environment (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `<ID>_API_KEY`). */
  keys: KeySource;
  /** Completes adapter messages like "No API key for OpenAI — set OPENAI_API_KEY". */
  keyHint: (providerId: string) => string;
  ledgerPath: string;
}

/** The settings the CLI reads (same keys as VS Code's settings). */
const CLI_SETTINGS = [
  'llmWorkbench.providers',
  'llmWorkbench.routes',
  'llmWorkbench.routing.rules',
  'llmWorkbench.models',
  'llmWorkbench.privateFiles',
  'llmWorkbench.logPrompts',
  'llmWorkbench.gateway',
  'llmWorkbench.budget',
  'llmWorkbench.budget.model',
  'llmWorkbench.budget.warnThreshold',
  'llmWorkbench.budget.outputReserve',
  'llmWorkbench.budget.dailyUsd',
  'llmWorkbench.budget.callsPerDay',
  'llmWorkbench.budget.include',
];

/**
 * Settings the editor contributes (package.json `contributes.configuration`): a settings.json passed to `--config`
 * may hold them, so the CLI accepts them without using them.
 */
export function editorSettings(): string[] {
  const configuration = (packageJson as { contributes?: { configuration?: unknown } }).contributes?.configuration;
  const sections = Array.isArray(configuration) ? configuration : configuration ? [configuration] : [];
  return sections.flatMap((section: { properties?: Record<string, unknown> }) => Object.keys(section.properties ?? {}));
}

export interface LoadCliConfigOptions {
  /** `--config FILE`: JSON with the keys of the VS Code settings. */
  file?: string;
  env: NodeJS.ProcessEnv;
  /** Settings the editor contributes that the CLI accepts but does not use (a settings.json can be passed as is). */
  editorSettings?: readonly string[];
  readFile?: (path: string) => string;
  /** `--allow-config-endpoints`: the user vouches for the file's base URLs; the environment's keys may go there. */
  allowConfigEndpoints?: boolean;
}

/**
 * Builds the CLI's configuration: the `--config` file (strict: an unknown key or an invalid value is an error that
 * names it), then the environment, where a base URL or a key creates or overrides the matching provider.
 */
export function loadCliConfig(options: LoadCliConfigOptions): CliConfig {
  const known = new Set([...CLI_SETTINGS, ...(options.editorSettings ?? [])]);
  const settings = options.file ? readConfigFile(options.file, options.readFile ?? readSettingsFile, known) : {};
  const where = options.file ?? 'the configuration';
  for (const key of Object.keys(settings)) {
    if (!known.has(key))
      throw new ConfigError(
        `${where}: unknown setting "${key}"${suggest(key, [...known])}. Known settings: ${CLI_SETTINGS.filter((k) => k !== 'llmWorkbench.budget').join(', ')}.`,
      );
  }

  const nestedBudget = settings['llmWorkbench.budget'];
  if (nestedBudget !== undefined && (typeof nestedBudget !== 'object' || nestedBudget === null || Array.isArray(nestedBudget))) {
    throw new ConfigError(`${where}: "llmWorkbench.budget" must be an object like { "model": "openai:gpt-4o", "dailyUsd": 5 }.`);
  }
  const get = (key: string): unknown => {
    const flat = settings[`llmWorkbench.${key}`];
    if (flat !== undefined) return flat;
    if (key.startsWith('budget.') && nestedBudget) return (nestedBudget as Record<string, unknown>)[key.slice('budget.'.length)];
    return undefined;
  };
  // The CLI's own check first: it names an unknown gateway key with its near miss; readSettings then applies the schema.
  const resilience = readResilience(settings['llmWorkbench.gateway'], where);
  const { config, problems } = readSettings(get);
  if (problems.length > 0) throw new ConfigError(`${where}:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
  if (resilience) config.resilience = resilience;
  const fileEndpoints = new Set(config.providers.filter((p) => p.baseUrl).map((p) => p.id));
  config.providers = applyEnvironment(config.providers, options.env);
  const guarded = (provider: ProviderConfig | undefined): provider is ProviderConfig & { baseUrl: string } =>
    provider !== undefined && !options.allowConfigEndpoints && isFileEndpoint(provider, fileEndpoints, options.env);

  // A vendor an eval file names by prefix (`mistral:`) need not be in the settings: its usual variable holds its key.
  const providerFor = (providerId: string): ProviderConfig | undefined =>
    config.providers.find((p) => p.id === providerId) ??
    (SETTINGS_VENDORS.some((v) => v.prefix === providerId)
      ? { id: providerId, kind: 'openai-compatible' }
      : providerId === 'azure'
        ? { id: 'azure', kind: 'azure' }
        : undefined);

  return {
    config,
    keys: async (providerId) => {
      const provider = providerFor(providerId);
      if (guarded(provider)) return undefined;
      for (const name of provider ? keyVariables(provider) : []) {
        const value = options.env[name]?.trim();
        if (value) return value;
      }
      return undefined;
    },
    keyHint: (providerId) => {
      const provider = providerFor(providerId);
      if (guarded(provider)) {
        const envUrl = ENV_BASE_URLS[provider.id];
        return `its base URL ${provider.baseUrl} comes from ${where}, and keys from the environment are sent only to endpoints your environment names (or the provider's default): pass --allow-config-endpoints if you trust that file${envUrl ? `, or set ${envUrl} to that URL` : ''}`;
      }
      const names = provider ? keyVariables(provider) : [];
      return names.length > 0 ? `set ${names[0]} in the environment` : 'this provider needs no key';
    },
    ledgerPath: defaultLedgerPath(options.env),
  };
}

function readConfigFile(file: string, read: (path: string) => string, known: ReadonlySet<string>): Record<string, unknown> {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  try {
    // `llmWorkbench.budget` and `llmWorkbench.gateway` are settings whose values are objects: they are not groups.
    return readSettingsText(text, file, known);
  } catch (error) {
    if (error instanceof SettingsFileError) throw new ConfigError(error.message);
    throw error;
  }
}

const RESILIENCE_KEYS = Object.keys(DEFAULT_RESILIENCE) as (keyof ResilienceSettings)[];

function readResilience(value: unknown, where: string): Partial<ResilienceSettings> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where}: "llmWorkbench.gateway" must be an object like { "maxAttempts": 3, "maxTotalWaitMs": 30000 }.`);
  }
  const result: Partial<ResilienceSettings> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!RESILIENCE_KEYS.includes(key as keyof ResilienceSettings)) {
      throw new ConfigError(
        `${where}: unknown setting "llmWorkbench.gateway.${key}"${suggest(key, RESILIENCE_KEYS)}. Known: ${RESILIENCE_KEYS.join(', ')}.`,
      );
    }
    const minimum = key === 'maxAttempts' || key === 'breakerThreshold' ? 1 : 0;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < minimum) {
      throw new ConfigError(`${where}: "llmWorkbench.gateway.${key}" must be a number ≥ ${minimum} (found ${JSON.stringify(raw)}).`);
    }
    // Timers cannot wait longer: Node would turn a larger delay into 1 ms, silently the opposite of what was asked.
    if (key !== 'maxAttempts' && key !== 'breakerThreshold' && raw > MAX_TIMER_MS) {
      throw new ConfigError(
        `${where}: "llmWorkbench.gateway.${key}" is ${raw} ms, more than the longest wait a timer can hold (${MAX_TIMER_MS} ms, about 24.8 days) — use a smaller number.`,
      );
    }
    result[key as keyof ResilienceSettings] = raw;
  }
  return result;
}

/** `OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `OLLAMA_HOST` create or re-point the matching provider; a key alone creates it. */
function applyEnvironment(providers: ProviderConfig[], env: NodeJS.ProcessEnv): ProviderConfig[] {
  const result = providers.map((p) => ({ ...p }));
  const upsert = (id: string, kind: ProviderConfig['kind'], baseUrl: string | undefined, create: boolean) => {
    const existing = result.find((p) => p.id === id);
    if (existing) {
      if (baseUrl) existing.baseUrl = baseUrl;
    } else if (create) {
      result.push(baseUrl ? { id, kind, baseUrl } : { id, kind });
    }
  };
  const value = (name: string) => env[name]?.trim() || undefined;
  upsert('openai', 'openai', value('OPENAI_BASE_URL'), Boolean(value('OPENAI_BASE_URL') || value('OPENAI_API_KEY')));
  upsert('anthropic', 'anthropic', value('ANTHROPIC_BASE_URL'), Boolean(value('ANTHROPIC_BASE_URL') || value('ANTHROPIC_API_KEY')));
  const ollama = value('OLLAMA_HOST');
  upsert('ollama', 'ollama', ollama && !/^[a-z]+:\/\//i.test(ollama) ? `http://${ollama}` : ollama, Boolean(ollama));
  const azure = azureEndpoint(env);
  upsert('azure', 'azure', azure, Boolean(azure));
  return result;
}

/**
 * The Azure OpenAI endpoint from the variables promptfoo reads, in its order: a base URL as written, a host as
 * `https://<host>` (its scheme, if any, dropped).
 */
export function azureEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of AZURE_ENDPOINT_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (name.endsWith('_HOST')) return `https://${value.replace(/^https?:\/\//, '').replace(/\/$/, '')}`;
    return value.replace(/\/$/, '');
  }
  return undefined;
}

const AZURE_ENDPOINT_VARIABLES = [
  'AZURE_API_BASE_URL',
  'AZURE_OPENAI_API_BASE_URL',
  'AZURE_OPENAI_BASE_URL',
  'AZURE_API_HOST',
  'AZURE_OPENAI_API_HOST',
];

/** The variables that re-point a provider (`applyEnvironment`): an endpoint they name is the user's own. */
const ENV_BASE_URLS: Record<string, string> = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL', ollama: 'OLLAMA_HOST' };

/**
 * A base URL that came from the `--config` file, not from the environment, and leaves the machine. In CI the file
 * is often the repository's own, which a pull request can change: pointed at a collector, it would receive the
 * environment's key (issue 12). A loopback URL keeps the key on this machine (a local proxy, Ollama, the emulator).
 */
function isFileEndpoint(
  provider: ProviderConfig,
  fromFile: ReadonlySet<string>,
  env: NodeJS.ProcessEnv,
): provider is ProviderConfig & { baseUrl: string } {
  if (!provider.baseUrl || !fromFile.has(provider.id)) return false;
  const variable = ENV_BASE_URLS[provider.id];
  if (variable && env[variable]?.trim()) return false;
  if (provider.id === 'azure' && azureEndpoint(env)) return false;
  return !isLoopbackUrl(provider.baseUrl);
}

/** `localhost`, 127.0.0.0/8 or `[::1]`; an unparsable URL is not loopback (the adapter reports it). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Environment variables that may hold a provider's key, most specific first. */
function keyVariables(provider: ProviderConfig): string[] {
  if (provider.kind === 'ollama') return [];
  const own = `${provider.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
  const byKind = provider.kind === 'openai' ? 'OPENAI_API_KEY' : provider.kind === 'anthropic' ? 'ANTHROPIC_API_KEY' : undefined;
  // Azure OpenAI: promptfoo reads AZURE_API_KEY, then AZURE_OPENAI_API_KEY.
  if (provider.kind === 'azure') return [...new Set([own, 'AZURE_API_KEY', 'AZURE_OPENAI_API_KEY'])];
  // OpenAI-compatible vendors (groq, mistral, togetherai...) read their usual variable (TOGETHER_API_KEY...).
  const vendor = provider.kind === 'openai-compatible' ? SETTINGS_VENDORS.find((v) => v.prefix === provider.id)?.keyVariable : undefined;
  return [...new Set([own, vendor, byKind].filter((name): name is string => Boolean(name)))];
}

/** ` (did you mean "llmWorkbench.routes"?)` for a near miss. */
function suggest(key: string, candidates: readonly string[]): string {
  const match = closestMatch(key, candidates);
  return match ? ` (did you mean "${match}"?)` : '';
}

/** Largest config file read: a settings.json is kilobytes; anything this size is the wrong file. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** Reads a regular file of at most MAX_CONFIG_BYTES (a FIFO or a device would hang or never end). */
function readSettingsFile(path: string): string {
  // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file (a directory, device or pipe): pass a settings.json file');
    if (stat.size > MAX_CONFIG_BYTES)
      throw new Error(
        `it is ${stat.size.toLocaleString('en-US')} bytes; a settings file is at most ${MAX_CONFIG_BYTES.toLocaleString('en-US')}`,
      );
    const buffer = Buffer.alloc(stat.size);
    let filled = 0;
    while (filled < buffer.length) {
      const n = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
