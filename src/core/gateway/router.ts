import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelCatalog } from '../models/catalog';
import { isOllamaCloudModel } from '../models/catalogModels';
import { ProviderError } from '../providers/providerError';
import type { Route } from './gatewayApi';
import { splitModelRef, type ModelRef } from '../models/modelRef';
import { globMatcher } from './fileGlobs';
import type { GatewayRequest } from './gatewayApi';
import type { OutputValidator, RouteSetting, RoutingRule } from '../config/routingRule';

export type ComplexityLabel = 'SIMPLE' | 'COMPLEX';

/** What the router needs from around it; the gateway supplies these so classify calls are retried and recorded. */
export interface RouterContext {
  config: WorkbenchConfig;
  catalog: ModelCatalog;
  /**
   * Classify-then-route: asks `model` to label the request. Never rejects: a failed classification resolves to a
   * label with a `description` saying what happened (the reason shows it).
   */
  classify(model: ModelRef, request: GatewayRequest): Promise<{ label: ComplexityLabel; description?: string }>;
  /** Models the local provider (Ollama) has installed, for the zero-configuration default; [] when unreachable. */
  installedLocalModels(): Promise<ModelRef[]>;
}

export interface RouteDecision {
  route: Route;
  validator?: OutputValidator;
  /** Only local models may receive this request (private file or a `localOnly` rule). */
  localOnly: boolean;
}

/**
 * The router's failures are configuration problems, raised before anything is sent: `bad_request` with the setting
 * to add. (`ProviderError` so the gateway reports them like any other failure.)
 */
export function routingError(message: string): ProviderError {
  return new ProviderError({ kind: 'bad_request', message });
}

/**
 * Decides primary + fallbacks for a request, with a reason a person can read:
 * explicit model > first matching rule (classify-then-route, localOnly) > `routes[task]` > `routes.chat` >
 * the first model Ollama has installed. Files matching `privateFiles` (or a `localOnly` rule) keep only local models,
 * and fail rather than fall through to a hosted one.
 */
/**
 * `inputTokens` is the prompt's count, or a function that counts it: then it is counted (a tokenizer loaded) only
 * when a rule that is looked at has a token condition.
 */
export async function decideRoute(
  request: GatewayRequest,
  inputTokens: number | (() => Promise<number>),
  ctx: RouterContext,
): Promise<RouteDecision> {
  const { config } = ctx;
  const privateGlob = request.filePath ? globMatcher(config.privateFiles)(request.filePath) : undefined;
  const privacy = privateGlob ? `${request.filePath} is private (privateFiles "${privateGlob}")` : undefined;

  if (request.model) {
    const route = makeRoute(request.model, request.fallbacks ?? [], `${request.model} chosen by you`);
    if (!privacy) return { route, localOnly: false };
    const local = [route.primary, ...route.fallbacks].filter((ref) => isLocalModel(ref, ctx));
    if (local.length === 0) {
      throw routingError(
        `${privacy}, so only a local model may see it, but you chose ${request.model}: choose a local model (e.g. ollama:llama3.1:8b). Nothing was sent.`,
      );
    }
    return { route: makeRoute(local[0], local.slice(1), `${local[0]} chosen by you (local; ${privacy})`), localOnly: true };
  }

  for (const [index, rule] of config.routingRules.entries()) {
    const counted = rule.when.minInputTokens !== undefined || rule.when.maxInputTokens !== undefined;
    const tokens = typeof inputTokens === 'number' ? inputTokens : counted ? await inputTokens() : 0;
    const matched = ruleMatches(rule, request, tokens);
    if (!matched) continue;
    const name = `rule ${index + 1} '${rule.reason}' matched ${matched}`;
    let setting: RouteSetting | undefined = rule.use;
    let why = name;
    if (rule.classify) {
      const { label, description } = await ctx.classify(rule.classify.model, request);
      setting = label === 'SIMPLE' ? rule.classify.simple : rule.classify.complex;
      why = `${name}, ${description ?? `${rule.classify.model} labelled it ${label}`}`;
    }
    const base = setting ?? taskRoute(request, ctx);
    if (!base && !rule.localOnly) {
      throw routingError(
        `Routing rule ${index + 1} ('${rule.reason}') matched but names no model: give it "use": { "primary": "provider:model" } ` +
          `in llmWorkbench.routing.rules, or add llmWorkbench.routes.${request.task}.`,
      );
    }
    const route = base ? makeRoute(base.primary, base.fallbacks ?? [], `${why} -> ${base.primary}`) : makeRoute('', [], why);
    if (rule.localOnly || privacy) {
      return keepLocal(route, base?.validator, privacy && !rule.localOnly ? `${privacy}; ${why}` : why, ctx);
    }
    return { route, validator: base?.validator, localOnly: false };
  }

  const fromTask = taskRoute(request, ctx);
  if (fromTask) {
    const source = config.routes[request.task] ? `routes.${request.task}` : `no routes.${request.task}, so routes.chat`;
    const route = makeRoute(fromTask.primary, fromTask.fallbacks ?? [], `task ${request.task} -> primary ${fromTask.primary} (${source})`);
    if (!privacy) return { route, validator: fromTask.validator, localOnly: false };
    return keepLocal(route, fromTask.validator, `${privacy}; task ${request.task} (${source})`, ctx);
  }

  const installed = await ctx.installedLocalModels();
  if (installed.length > 0) {
    const route = makeRoute(
      installed[0],
      [],
      `no llmWorkbench.routes.${request.task} configured; using ${installed[0]}, the first model Ollama has installed`,
    );
    return { route, localOnly: Boolean(privacy) };
  }
  throw routingError(
    `No model is configured for task "${request.task}": add llmWorkbench.routes.${request.task} ` +
      `(e.g. { "primary": "openai:gpt-4o-mini" }) with a provider in llmWorkbench.providers, ` +
      `or start Ollama (\`ollama serve\`) and pull a model (\`ollama pull llama3.1:8b\`).`,
  );
}

function taskRoute(request: GatewayRequest, ctx: RouterContext): RouteSetting | undefined {
  return ctx.config.routes[request.task] ?? ctx.config.routes.chat;
}

function makeRoute(primary: ModelRef, fallbacks: ModelRef[], reason: string): Route {
  const seen = new Set([primary]);
  const unique = fallbacks.filter((ref) => (seen.has(ref) ? false : (seen.add(ref), true)));
  return { primary, fallbacks: unique, reason };
}

/** A human-readable list of the conditions that held, or undefined when the rule does not apply. */
export function ruleMatches(rule: RoutingRule, request: GatewayRequest, inputTokens: number): string | undefined {
  const held: string[] = [];
  const { when } = rule;
  if (when.task !== undefined) {
    const tasks = Array.isArray(when.task) ? when.task : [when.task];
    if (!tasks.includes(request.task)) return undefined;
    held.push(`task ${request.task}`);
  }
  if (when.minInputTokens !== undefined) {
    if (inputTokens < when.minInputTokens) return undefined;
    held.push(`~${inputTokens} input tokens >= ${when.minInputTokens}`);
  }
  if (when.maxInputTokens !== undefined) {
    if (inputTokens > when.maxInputTokens) return undefined;
    held.push(`~${inputTokens} input tokens <= ${when.maxInputTokens}`);
  }
  if (when.risk !== undefined) {
    const risks = Array.isArray(when.risk) ? when.risk : [when.risk];
    if (!request.risk || !risks.includes(request.risk)) return undefined;
    held.push(`risk ${request.risk}`);
  }
  if (when.files !== undefined) {
    if (!request.filePath || !globMatcher(when.files)(request.filePath)) return undefined;
    held.push(request.filePath);
  }
  return held.length > 0 ? held.join(', ') : 'every request';
}

/**
 * True when the model runs on the user's machine: served by an Ollama provider and not an Ollama Cloud model
 * (`gpt-oss:120b-cloud` is run by ollama.com: a private file must not go there), or marked `local` in the catalog.
 */
export function isLocalModel(ref: ModelRef, ctx: Pick<RouterContext, 'config' | 'catalog'>): boolean {
  const parts = splitModelRef(ref);
  if (parts && ctx.config.providers.some((p) => p.id === parts.provider && p.kind === 'ollama')) return !isOllamaCloudModel(parts.model);
  return ctx.catalog.lookup(ref)?.local === true;
}

/** Every model named anywhere in the configuration (routes, rules, model additions), in the order written. */
function configuredModels(config: WorkbenchConfig): ModelRef[] {
  const refs: ModelRef[] = [];
  const add = (setting?: RouteSetting) => setting && refs.push(setting.primary, ...(setting.fallbacks ?? []));
  for (const setting of Object.values(config.routes)) add(setting);
  for (const rule of config.routingRules) {
    add(rule.use);
    if (rule.classify) {
      add(rule.classify.simple);
      add(rule.classify.complex);
    }
  }
  refs.push(...config.models.map((m) => m.ref));
  return refs;
}

/**
 * Keeps the local models of a route. If none is on it, takes local models configured elsewhere, then installed ones;
 * with none at all it fails: private text is never sent to a hosted model.
 */
async function keepLocal(route: Route, validator: OutputValidator | undefined, why: string, ctx: RouterContext): Promise<RouteDecision> {
  const candidates = [route.primary, ...route.fallbacks].filter(Boolean);
  let local = candidates.filter((ref) => isLocalModel(ref, ctx));
  let source = '';
  if (local.length === 0) {
    local = [...new Set(configuredModels(ctx.config).filter((ref) => isLocalModel(ref, ctx)))];
    source = ' (local only: from the local models in your settings)';
  }
  if (local.length === 0) {
    local = await ctx.installedLocalModels();
    source = ' (local only: the first model Ollama has installed)';
  }
  if (local.length === 0) {
    throw routingError(
      `${why}, so only a local model may see it, and none is configured: add an Ollama model ` +
        `(e.g. "ollama:llama3.1:8b") to llmWorkbench.routes or to llmWorkbench.models with "local": true, ` +
        `and an Ollama provider to llmWorkbench.providers. Nothing was sent.`,
    );
  }
  const hosted = candidates.filter((ref) => !local.includes(ref));
  const reason = `${why} -> ${local[0]}${source}` + (hosted.length > 0 ? `; hosted ${hosted.join(', ')} skipped` : '');
  return { route: makeRoute(local[0], local.slice(1), reason), validator, localOnly: true };
}
