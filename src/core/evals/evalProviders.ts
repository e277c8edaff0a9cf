import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelRef } from '../models/modelRef';
import type { KeySource, ProviderConfig, ProviderKind } from '../providers/adapter';
import { DEFAULT_BASE_URLS } from '../providers/defaultBaseUrls';
import type { EvalFile, ProviderSpec } from './evalModel';
import { graderModelRefs } from './graderDiagnostics';
import { SETTINGS_VENDORS, vendorPreset } from './promptfooProviderIds';
import type { EvalDiagnostic } from './sourceRange';

const KNOWN_KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'ollama'];

export interface EvalKeyPolicy {
  /** `--allow-file-endpoints` (CLI) / trusted workspace + confirmation (editor): an eval file may pick a key variable. */
  allowFileEndpoints: boolean;
  /** Where `apiKeyEnvar` variables are read (the CLI's environment; none in the editor). */
  env?: NodeJS.ProcessEnv;
}

export interface EvalProviderSetup {
  config: WorkbenchConfig;
  refFor: (spec: ProviderSpec) => ModelRef;
  /** The configured provider a derived one stands in for (its key hint is that provider's). */
  sourceOf: (providerId: string) => string;
  keys: (base: KeySource) => KeySource;
  /** Key/endpoint rule violations, at the line that causes them (errors), and notices (warnings). */
  problems: EvalDiagnostic[];
  /** Keys written in eval files (for redaction of reports). */
  fileKeys: string[];
}

type KeyPlan = { kind: 'user'; provider: string } | { kind: 'literal'; key: string } | { kind: 'env'; variable: string } | { kind: 'none' };

/**
 * Maps eval files' providers onto gateway providers, applying the key rule (issue 12): a user's key goes only to
 * the endpoint configured for it (settings / environment) or the provider's default; a base URL from the eval file
 * gets only a key from the file (`config.apiKey`), or a variable the file names (`apiKeyEnvar`) when the user
 * allowed file endpoints. A provider entry that needs its own endpoint or key becomes a derived provider
 * (`openai-eval-1`, same kind) so the rest of the configuration is untouched.
 */
export function withEvalProviders(
  config: WorkbenchConfig,
  files: readonly EvalFile[],
  extraRefs: readonly ModelRef[] = [],
  policy: EvalKeyPolicy = { allowFileEndpoints: false },
): EvalProviderSetup {
  const providers = [...config.providers];
  const derived = new Map<string, { id: string; from: string; key: KeyPlan }>();
  const specIds = new Map<ProviderSpec, string>();
  const problems: EvalDiagnostic[] = [];
  const fileKeys: string[] = [];
  const specs = files.flatMap((f) => [...f.providers, ...f.tests.flatMap((t) => (t.provider ? [t.provider] : []))]);
  for (const spec of new Set(specs)) {
    const base = baseProviderId(spec);
    ensureProvider(providers, base, spec);
    const { url, trusted } = endpointOf(spec, base, providers);
    if (spec.azure && !url) azureWithoutEndpoint(spec, problems);
    const key = keyPlan(spec, base, trusted, policy, problems);
    if (spec.key?.kind === 'file') fileKeys.push(spec.key.apiKey);
    // An Azure entry with its own api-version is its own provider even on the user's endpoint with the user's key.
    if (trusted && key.kind === 'user' && !spec.azureApiVersion) {
      specIds.set(spec, base);
      continue;
    }
    const signature = `${base}\u0000${url}\u0000${JSON.stringify(key)}\u0000${spec.azureApiVersion ?? ''}`;
    let entry = derived.get(signature);
    if (!entry) {
      const existing = providers.find((p) => p.id === base);
      entry = { id: `${base}-eval-${derived.size + 1}`, from: base, key };
      derived.set(signature, entry);
      // Without a key, an OpenAI endpoint chosen by the file is called as an OpenAI-compatible one (no key required).
      const kind = existing?.kind === 'openai' && key.kind === 'none' ? 'openai-compatible' : (existing?.kind ?? 'openai-compatible');
      providers.push({
        ...existing,
        id: entry.id,
        kind,
        baseUrl: url,
        ...(spec.azureApiVersion ? { apiVersion: spec.azureApiVersion } : {}),
      });
    }
    specIds.set(spec, entry.id);
  }
  // A file that names `anthropic:...` means the Anthropic API even when the settings list no such provider:
  // add the well-known kinds it uses with their default endpoints (keys still come from the key source).
  const named = [...files.flatMap((f) => [...f.providers.map((p) => p.ref), ...graderModelRefs(f, extraRefs[0])]), ...extraRefs];
  for (const ref of named) {
    const colon = ref.indexOf(':');
    const id = colon > 0 ? ref.slice(0, colon) : '';
    if (KNOWN_KINDS.includes(id as ProviderKind) && !providers.some((p) => p.id === id)) providers.push({ id, kind: id as ProviderKind });
  }
  const byId = new Map([...derived.values()].map((d) => [d.id, d]));
  return {
    config: { ...config, providers },
    refFor: (spec) => {
      const id = specIds.get(spec);
      if (!id) return spec.ref;
      return `${id}:${spec.ref.slice(spec.ref.indexOf(':') + 1)}`;
    },
    sourceOf: (providerId) => byId.get(providerId)?.from ?? providerId,
    keys: (base) => async (providerId) => {
      const d = byId.get(providerId);
      if (!d) return base(providerId);
      switch (d.key.kind) {
        case 'literal':
          return d.key.key;
        case 'env':
          return policy.env?.[d.key.variable]?.trim() || undefined;
        case 'user':
          return base(d.key.provider);
        default:
          return undefined;
      }
    },
    problems,
    fileKeys,
  };
}

function baseProviderId(spec: ProviderSpec): string {
  if (spec.vendor) return spec.vendor;
  return spec.ref.slice(0, Math.max(0, spec.ref.indexOf(':')));
}

/** A provider the file names but the settings lack is added with its default endpoint (vendors: their preset). */
function ensureProvider(providers: ProviderConfig[], id: string, spec: ProviderSpec): void {
  if (providers.some((p) => p.id === id)) return;
  const vendor = spec.vendor ? SETTINGS_VENDORS.find((v) => v.prefix === spec.vendor) : undefined;
  if (vendor) providers.push({ id, kind: 'openai-compatible', baseUrl: vendor.baseUrl });
  else if (spec.azure) providers.push({ id, kind: 'azure' });
  else if (KNOWN_KINDS.includes(id as ProviderKind)) providers.push({ id, kind: id as ProviderKind });
}

/** promptfoo: "Azure API host must be set." — said at the provider's line, before anything runs. */
function azureWithoutEndpoint(spec: ProviderSpec, problems: EvalDiagnostic[]): void {
  problems.push({
    severity: 'error',
    file: spec.location.file,
    range: spec.location.range,
    message: `${spec.id} needs the Azure OpenAI resource's endpoint: set AZURE_API_HOST (or AZURE_OPENAI_API_HOST, AZURE_API_BASE_URL) in the environment, add a provider { "id": "azure", "kind": "azure", "baseUrl": "https://<resource>.openai.azure.com" } to llmWorkbench.providers, or write config.apiHost / config.apiBaseUrl with the endpoint's own config.apiKey`,
  });
}

/** The endpoint a spec calls, and whether the user's own key may go there. */
function endpointOf(spec: ProviderSpec, base: string, providers: ProviderConfig[]): { url: string | undefined; trusted: boolean } {
  const configured = providers.find((p) => p.id === base);
  const userUrl = normalize(configured?.baseUrl ?? (configured ? DEFAULT_BASE_URLS[configured.kind] : undefined));
  if (!spec.baseUrlFromFile) return { url: userUrl, trusted: true };
  const url = normalize(spec.apiBaseUrl);
  const defaults = [
    configured ? DEFAULT_BASE_URLS[configured.kind] : undefined,
    spec.vendor ? vendorPreset(spec.vendor)?.baseUrl : undefined,
  ].map(normalize);
  return { url, trusted: url === userUrl || defaults.includes(url) };
}

function keyPlan(spec: ProviderSpec, base: string, trusted: boolean, policy: EvalKeyPolicy, problems: EvalDiagnostic[]): KeyPlan {
  const where = spec.keyLocation ?? spec.apiBaseUrlLocation ?? spec.location;
  const xaiOverride = (spec.baseUrlFromFile && !trusted) || (spec.key?.kind === 'file-env' && spec.key.variable !== 'XAI_API_KEY');
  if (spec.vendor === 'xai' && xaiOverride) {
    xaiIgnores(spec, problems);
    return { kind: 'none' };
  }
  if (spec.key?.kind === 'file') return { kind: 'literal', key: spec.key.apiKey };
  if (spec.key?.kind === 'file-env') {
    const own = ownKeyVariables(spec, base).includes(spec.key.variable);
    if (own && trusted) return { kind: 'user', provider: base };
    if (!policy.allowFileEndpoints) {
      problems.push({
        severity: 'error',
        file: where.file,
        range: where.range,
        message: `\`apiKeyEnvar: ${spec.key.variable}\` makes this eval file send your ${spec.key.variable} to ${spec.baseUrlFromFile ? spec.apiBaseUrl : spec.label}; a file (e.g. from a pull request) may not choose where your keys go — pass --allow-file-endpoints if you trust this file (in the editor: a trusted workspace and a one-time confirmation)`,
      });
      return { kind: 'none' };
    }
    return { kind: 'env', variable: spec.key.variable };
  }
  if (trusted) return { kind: 'user', provider: base };
  // promptfoo sends the provider's usual key to the file's endpoint; the user may allow exactly that.
  if (policy.allowFileEndpoints) return { kind: 'user', provider: base };
  const at = spec.apiBaseUrlLocation ?? spec.location;
  const variable = ownKeyVariables(spec, base)[0] ?? 'API key';
  problems.push({
    severity: 'error',
    file: at.file,
    range: at.range,
    message: `\`apiBaseUrl: ${spec.apiBaseUrl}\` is an endpoint chosen by the eval file, where promptfoo would send your ${variable}; a file (e.g. from a pull request) may not choose where your keys go — put that endpoint's own key in \`config.apiKey\`, or pass --allow-file-endpoints if you trust this file (in the editor: a trusted workspace and a one-time confirmation)`,
  });
  return { kind: 'none' };
}

/**
 * promptfoo 0.123.1's xai provider always calls https://api.x.ai/v1 (or `https://<region>.api.x.ai/v1` from a nested
 * `config.config.region`) with XAI_API_KEY: it overwrites `apiBaseUrl`, `apiHost` and `apiKeyEnvar`. Calling the
 * file's endpoint would differ from promptfoo, and calling api.x.ai would ignore the line the user wrote: refuse it.
 */
function xaiIgnores(spec: ProviderSpec, problems: EvalDiagnostic[]): void {
  const at = (spec.baseUrlFromFile ? spec.apiBaseUrlLocation : spec.keyLocation) ?? spec.location;
  const what = spec.baseUrlFromFile ? `\`apiBaseUrl\`/\`apiHost\`` : `\`apiKeyEnvar\``;
  problems.push({
    severity: 'error',
    file: at.file,
    range: at.range,
    message: `${what} is ignored by promptfoo's xai provider (it always calls https://api.x.ai/v1 with XAI_API_KEY): remove it to call xAI, or use \`openai:chat:<model>\` with \`apiBaseUrl\` for another OpenAI-compatible endpoint`,
  });
}

/** The variables a provider reads its key from by default: the vendor's, or OPENAI_/ANTHROPIC_API_KEY. */
function ownKeyVariables(spec: ProviderSpec, base: string): string[] {
  const vendor = spec.vendor ? vendorPreset(spec.vendor) : undefined;
  return [
    vendor?.keyVariable,
    `${base.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`,
    base === 'openai' ? 'OPENAI_API_KEY' : base === 'anthropic' ? 'ANTHROPIC_API_KEY' : undefined,
    ...(spec.azure ? ['AZURE_API_KEY', 'AZURE_OPENAI_API_KEY'] : []),
  ].filter((v): v is string => Boolean(v));
}

function normalize(url: string | undefined): string | undefined {
  return url?.trim().replace(/\/+$/, '').toLowerCase();
}
