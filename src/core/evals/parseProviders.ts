/**
 * `providers:` (or promptfoo's alias `targets:`): ids mapped to the protocol promptfoo speaks for them, `config`
 * keys checked against what we send exactly, and where the key and the endpoint come from recorded so the host can
 * apply the key rules (a base URL from the file gets only a key from the file).
 */
import { isScalar } from 'yaml';
import type { ProviderSpec, SourceLocation } from './evalModel';
import { isRecord, type ParseContext } from './parseContext';
import { configKeyProblem } from './providerConfigKeys';
import { isProviderConfigFileRef, readProviderFile } from './providerFiles';
import { loadProviderConfigFiles } from './providerConfigFiles';
import { resolveProviderId } from './promptfooProviderIds';
import { renderString, templateEnv } from './template';
import { formatPath, type DataPath, type YamlSource } from './yamlSource';

/** Prefixes promptfoo gives a meaning to (its registry): never taken for one of the user's own provider ids. */
const PROMPTFOO_PREFIXES = new Set([
  'openai',
  'anthropic',
  'ollama',
  'azure',
  'azureopenai',
  'google',
  'vertex',
  'palm',
  'bedrock',
  'http',
  'https',
  'file',
  'exec',
  'python',
  'replicate',
  'huggingface',
  'mistral',
  'groq',
  'togetherai',
  'deepseek',
  'xai',
  'openrouter',
  'perplexity',
  'fireworks',
  'cerebras',
  'echo',
  'webhook',
  'ws',
  'wss',
  'vllm',
  'localai',
  'llama',
  'cohere',
  'voyage',
  'watsonx',
  'sagemaker',
  'cloudflare-ai',
  'github',
  'litellm',
  'portkey',
  'helicone',
  'jfrog',
  'databricks',
  'hyperbolic',
  'moonshot',
  'nvidia',
  'openclaw',
]);

const ENTRY_KEYS = new Set(['id', 'label', 'config', 'prompts', 'transform', 'delay']);

export interface ProviderParseOptions {
  /** Provider ids the user configured (settings / CLI env): `id:model` with such an id is our own ref. */
  knownProviderIds?: readonly string[];
  /** `env:` of the file (overlaid on the process environment for `{{ env.X }}` in provider config). */
  fileEnv?: Record<string, string>;
}

export function providersKey(ctx: ParseContext, source: YamlSource, data: Record<string, unknown>): 'providers' | 'targets' | undefined {
  if (data.providers !== undefined && data.targets !== undefined) {
    ctx.errorAtKey(
      source,
      [],
      'targets',
      '`targets` and `providers` are the same list in promptfoo (targets is its alias); keep one of them',
    );
    return 'providers';
  }
  if (data.targets !== undefined) return 'targets';
  return data.providers !== undefined ? 'providers' : undefined;
}

/** `base`: where the list is (`['providers']`, `['targets']`, or a test's `[..., 'provider']`). */
export function buildProviders(
  ctx: ParseContext,
  source: YamlSource,
  base: DataPath,
  raw: unknown,
  options: ProviderParseOptions,
): ProviderSpec[] {
  if (raw === undefined || raw === null) return [];
  const single = !Array.isArray(raw);
  const items = single ? [raw] : (raw as unknown[]);
  const providers: ProviderSpec[] = [];
  const add = (entrySource: YamlSource, path: DataPath, item: unknown) => {
    const spec = buildProvider(ctx, entrySource, path, normalizeEntry(item), options);
    if (!spec) return;
    // Each column is one Test Explorer item keyed by its model: the same model twice needs distinct labels.
    if (providers.some((p) => p.label === spec.label || (p.ref === spec.ref && p.label === p.id && spec.label === spec.id))) {
      ctx.error(entrySource, path, `provider "${spec.label}" is listed twice: give one a different \`label\``, false);
      return;
    }
    providers.push(spec);
  };
  items.forEach((item, i) => {
    const path: DataPath = single ? base : [...base, i];
    // promptfoo reads a .yaml/.json provider file as entries written inline (one, or a list).
    if (isProviderConfigFileRef(item)) for (const e of readProviderFile(ctx, source, path, item) ?? []) add(e.source, e.path, e.item);
    else add(source, path, item);
  });
  if (providers.length === 0 && items.length > 0 && !ctx.fatal)
    ctx.error(source, base, `\`${formatPath(base)}\` has no usable provider: fix the entries above`);
  return providers;
}

/** `id` string, `{id, ...}`, or promptfoo's map form `{ "openai:gpt-4o": { config } }`. */
function normalizeEntry(item: unknown): { entry?: Record<string, unknown>; mapForm?: string } {
  if (typeof item === 'string') return { entry: { id: item } };
  if (!isRecord(item)) return {};
  if (typeof item.id === 'string') return { entry: item };
  const keys = Object.keys(item);
  if (keys.length === 1 && isRecord(item[keys[0]]))
    return { entry: { id: keys[0], ...(item[keys[0]] as Record<string, unknown>) }, mapForm: keys[0] };
  return { entry: item };
}

function buildProvider(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  normalized: ReturnType<typeof normalizeEntry>,
  options: ProviderParseOptions,
): ProviderSpec | undefined {
  const { entry, mapForm } = normalized;
  const where = `\`${formatPath(path)}\``;
  if (!entry || typeof entry.id !== 'string' || entry.id.trim() === '') {
    ctx.error(source, path, `${where} must be a provider id (e.g. openai:gpt-4o-mini) or {id, label, config}`, false);
    return undefined;
  }
  const entryPath = mapForm ? [...path, mapForm] : path;
  for (const key of Object.keys(entry)) {
    if (key === 'id' && mapForm) continue;
    if (!ENTRY_KEYS.has(key))
      ctx.errorAtKey(
        source,
        entryPath,
        key,
        `provider \`${key}\` is not something llm-workbench runs (a provider takes id, label, config, prompts, transform): remove it, or run this file with --engine promptfoo`,
        false,
      );
  }
  const id = entry.id.trim();
  const location: SourceLocation = { file: source.file, range: source.rangeAt(path) };
  const resolved = resolveProviderId(id);
  const colon = id.indexOf(':');
  // Without the user's provider list (a parse-only caller), an unknown prefix is left for the run to resolve.
  // A prefix promptfoo gives a meaning to keeps it, even when the user named a provider the same (openai, groq...).
  const prefix = id.slice(0, Math.max(0, colon));
  const ours =
    colon > 0 && !PROMPTFOO_PREFIXES.has(prefix) && (options.knownProviderIds === undefined || options.knownProviderIds.includes(prefix));
  if ('refused' in resolved && !ours) {
    ctx.error(source, [...entryPath, ...(mapForm ? [] : ['id'])], `${where}: ${resolved.refused}`, false);
    return undefined;
  }
  const spec: ProviderSpec =
    'refused' in resolved
      ? { id, ref: id, label: id, location }
      : {
          id,
          ref: `${resolved.vendor ? resolved.provider : resolved.provider}:${resolved.model}`,
          label: id,
          protocol: resolved.protocol,
          location,
        };
  if ('protocol' in resolved && resolved.vendor) {
    spec.apiBaseUrl = resolved.vendor.baseUrl;
    spec.vendor = resolved.vendor.prefix;
  }
  if ('protocol' in resolved && resolved.azure) spec.azure = true;
  if (typeof entry.label === 'string') spec.label = entry.label;
  if (entry.prompts !== undefined) spec.prompts = (Array.isArray(entry.prompts) ? entry.prompts : [entry.prompts]).map(String);
  if (entry.transform !== undefined) {
    if (typeof entry.transform === 'string') spec.transform = entry.transform;
    else ctx.errorAtKey(source, entryPath, 'transform', `${where}.transform must be JavaScript code or file://transform.js`, false);
  }
  if (entry.config !== undefined) {
    if (!isRecord(entry.config)) ctx.errorAtKey(source, entryPath, 'config', `${where}.config must be a mapping`, false);
    else {
      readConfig(ctx, source, [...entryPath, 'config'], spec, renderEnvTemplates(entry.config, options.fileEnv), resolved);
      // `apiKey: "{{ env.X }}"` reads the user's environment: that is the file choosing a variable, as apiKeyEnvar does.
      const rawKey = entry.config.apiKey;
      const envName = typeof rawKey === 'string' ? /env\.(\w+)|env\[['"]([^'"]+)['"]\]/.exec(rawKey) : null;
      if (envName && spec.key?.kind === 'file') spec.key = { kind: 'file-env', variable: envName[1] ?? envName[2] };
    }
  }
  return spec;
}

function readConfig(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  spec: ProviderSpec,
  config: Record<string, unknown>,
  resolved: ReturnType<typeof resolveProviderId>,
): void {
  const at = (key: string): SourceLocation => {
    const node = source.keyAt(path, key);
    return { file: source.file, range: node ? source.rangeOf(node) : source.rangeAt([...path, key]) };
  };
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const problem = spec.protocol
      ? configKeyProblem(spec.protocol, key, value, spec.vendor === 'mistral' ? 'mistral' : spec.azure ? 'azure' : undefined)
      : ['temperature', 'max_tokens', 'apiBaseUrl'].includes(key)
        ? undefined
        : `provider config \`${key}\` is not used for your own provider ${spec.id} (supported: temperature, max_tokens)`;
    if (problem) {
      ctx.errorAtKey(source, path, key, problem, false);
      continue;
    }
    const fromFile = spec.protocol ? loadProviderConfigFiles(ctx, source, [...path, key], key, value) : undefined;
    if (fromFile && 'error' in fromFile) {
      if (fromFile.error) ctx.errorAtKey(source, path, key, fromFile.error, false);
      continue;
    }
    if (fromFile) body[key] = fromFile.value;
    else if (!['apiKey', 'apiKeyEnvar', 'apiBaseUrl', 'apiHost', 'apiVersion', 'cost', 'inputCost', 'outputCost'].includes(key))
      body[key] = value;
  }
  if (typeof config.temperature === 'number') spec.temperature = config.temperature;
  const max = config.max_tokens ?? config.max_output_tokens ?? config.num_predict;
  if (typeof max === 'number') spec.maxTokens = max;
  if (spec.azure && isYamlDate(source, [...path, 'apiVersion']))
    ctx.errorAtKey(
      source,
      path,
      'apiVersion',
      `\`apiVersion: ${String(config.apiVersion)}\` is a YAML date to promptfoo, which then sends \`api-version=[object Object]\` (Azure rejects it): quote it, \`apiVersion: '${String(config.apiVersion)}'\``,
    );
  else if (spec.azure && typeof config.apiVersion === 'string' && config.apiVersion) spec.azureApiVersion = config.apiVersion;
  else if (spec.azure && config.apiVersion !== undefined)
    ctx.errorAtKey(source, path, 'apiVersion', `\`${formatPath([...path, 'apiVersion'])}\` must be a string like 2024-10-21`, false);
  // promptfoo's Azure provider: apiBaseUrl wins over apiHost, a host is https://<host> (no /v1: Azure's path follows).
  if (spec.azure && typeof (config.apiBaseUrl || config.apiHost) === 'string') {
    const base = typeof config.apiBaseUrl === 'string' && config.apiBaseUrl;
    spec.apiBaseUrl = base
      ? base.replace(/\/$/, '')
      : `https://${String(config.apiHost)
          .replace(/^(https?:\/\/)/, '')
          .replace(/\/$/, '')}`;
    spec.baseUrlFromFile = true;
    spec.apiBaseUrlLocation = at(base ? 'apiBaseUrl' : 'apiHost');
  } else if (typeof config.apiHost === 'string' && config.apiHost) {
    spec.apiBaseUrl = `https://${config.apiHost}/v1`;
    spec.baseUrlFromFile = true;
    spec.apiBaseUrlLocation = at('apiHost');
  } else if (typeof config.apiBaseUrl === 'string' && config.apiBaseUrl) {
    if (!/^https?:\/\//i.test(config.apiBaseUrl))
      ctx.errorAtKey(source, path, 'apiBaseUrl', `\`${formatPath([...path, 'apiBaseUrl'])}\` must be an http(s):// URL`, false);
    spec.apiBaseUrl = config.apiBaseUrl.replace(/\/+$/, '');
    spec.baseUrlFromFile = true;
    spec.apiBaseUrlLocation = at('apiBaseUrl');
  }
  if (typeof config.apiKey === 'string' && config.apiKey) {
    spec.key = { kind: 'file', apiKey: config.apiKey };
    spec.keyLocation = at('apiKey');
  } else if (typeof config.apiKeyEnvar === 'string' && config.apiKeyEnvar) {
    spec.key = { kind: 'file-env', variable: config.apiKeyEnvar };
    spec.keyLocation = at('apiKeyEnvar');
  }
  if (
    'protocol' in resolved &&
    resolved.protocol === 'anthropic-messages' &&
    /claude-[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*){0,4}-(?:[5-9]|[1-9][0-9])(?![a-z0-9])/i.test(resolved.model)
  ) {
    ctx.error(
      source,
      path.slice(0, -1),
      `\`${formatPath(path.slice(0, -1))}\`: promptfoo applies Claude 5 thinking and sampling rules to ${resolved.model} that llm-workbench does not replicate; run this file with --engine promptfoo`,
      false,
    );
  }
  spec.config = body;
}

/** An unquoted `2024-10-21`: promptfoo's YAML reader (js-yaml) makes it a Date, not the text written. */
function isYamlDate(source: YamlSource, path: DataPath): boolean {
  const node = source.nodeAt(path);
  return (
    isScalar(node) && node.type === 'PLAIN' && /^\d{4}-\d\d-\d\d$|^\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d/.test(String(node.value))
  );
}

/** promptfoo renders `{{ env.X }}` in the config at load time (renderEnvOnlyInObject): only env templates, only set variables. */
function renderEnvTemplates(config: Record<string, unknown>, fileEnv: Record<string, string> | undefined): Record<string, unknown> {
  const env = templateEnv(fileEnv);
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(/\{\{(?:[^}]|\}(?!\}))*\}\}/g, (match) => {
        if (!/\benv\.|env\[/.test(match)) return match;
        const name = /env\.(\w+)|env\[['"]([^'"]+)['"]\]/.exec(match);
        const variable = name?.[1] ?? name?.[2];
        if (!match.includes('|') && !(variable && env[variable] !== undefined)) return match;
        try {
          return renderString(match, {}, { env });
        } catch {
          return match;
        }
      });
    }
    if (Array.isArray(value)) return value.map(render);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    return value;
  };
  return render(config) as Record<string, unknown>;
}
