import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelRef } from '../models/modelRef';
import { type ModelCatalog } from '../models/catalog';
import { parseModelRef } from '../models/modelRef';
import type { EffectiveContextWindow } from '../providers/effectiveContextWindow';
import type { ModelInfo } from '../models/modelInfo';
import { TASKS, type Task } from '../providers/chat';

/**
 * One model as the editor's language model API shows it (`LanguageModelChatInformation`), plus what a request to it
 * needs: a model reference (sent to that model, with its route's fallbacks) or a task (routed like the chat does).
 */
export interface LanguageModelEntry {
  id: string;
  name: string;
  family: string;
  version: string;
  detail: string;
  tooltip: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  toolCalling: boolean;
  imageInput: boolean;
  target: { model: ModelRef; fallbacks: ModelRef[] } | { task: Task };
  /** The encoding `provideTokenCount` counts with, and whether that count is exact for this model. */
  encodingOf: ModelRef;
}

export interface EntryInputs {
  config: WorkbenchConfig;
  catalog: ModelCatalog;
  /** Ollama models installed per provider id, when the server answered; absent = not known (server down, still asking). */
  installed(providerId: string): readonly ModelRef[] | undefined;
  /** The window to budget a model against (Ollama: num_ctx from its server) and where it came from. */
  windowFor(ref: ModelRef, info: ModelInfo | undefined): EffectiveContextWindow;
  /** What the Ollama server says the model can do (`/api/show` capabilities: tools, vision), when it said. */
  serverCapabilities?(ref: ModelRef): readonly string[] | undefined;
}

const n = (value: number) => value.toLocaleString('en-US');
const perM = (usdPerToken: number) => `$${Number((usdPerToken * 1e6).toPrecision(3))}`;

/** Limits of one model: what can go in, what may come out (see `modelLimits`). */
export interface ModelLimits {
  maxInputTokens: number;
  maxOutputTokens: number;
  /** One sentence: the numbers and where they come from. */
  source: string;
}

/**
 * The input and output limits a model is offered with. Ollama shares one window (num_ctx) between prompt and answer:
 * input is that window minus the output reserve (`llmWorkbench.budget.outputReserve`, at most the model's output
 * limit), output is the reserve. A hosted model's output limit is the catalog's; its input limit is the catalog's
 * input limit where the catalog has one, else the window minus that output limit — the gateway then sends
 * max_tokens = the output limit, and prompt + max_tokens always fits the window.
 */
export function modelLimits(
  ref: ModelRef,
  info: ModelInfo | undefined,
  window: EffectiveContextWindow,
  config: WorkbenchConfig,
  local: boolean,
): ModelLimits {
  const maxOutput = info?.maxOutput ?? 4096;
  const where = window.note ?? (info ? `catalog window for ${ref}` : `no catalog entry for ${ref}: default window`);
  if (local || window.source !== 'catalog') {
    const reserve = Math.min(config.budget.outputReserve, maxOutput, Math.floor(window.tokens / 2));
    return {
      maxInputTokens: window.tokens - reserve,
      maxOutputTokens: reserve,
      source: `${n(window.tokens)}-token window minus ${n(reserve)} reserved for the answer (llmWorkbench.budget.outputReserve). ${where}`,
    };
  }
  // The catalog's limits (windowCheck.ts): prompt against the input limit, answer against the output limit, and
  // prompt + answer within a combined window only where the model has one.
  const output = Math.min(maxOutput, info?.combinedWindow !== undefined ? Math.floor(info.combinedWindow / 2) : Infinity);
  const input = Math.min(
    info?.maxInputTokens ?? window.tokens - output,
    info?.combinedWindow !== undefined ? info.combinedWindow - output : Infinity,
  );
  return {
    maxInputTokens: input,
    maxOutputTokens: output,
    source: info
      ? `Input limit ${n(input)} and output limit ${n(output)} from the model catalog${info.combinedWindow !== undefined ? ` (one ${n(info.combinedWindow)}-token window for both)` : ''}.`
      : `${n(window.tokens)}-token window minus the ${n(output)}-token output limit: ${where}.`,
  };
}

/** Tool calling and image input: the catalog's flags where it has them, else what the provider kind is known to support. */
export function modelCapabilities(
  ref: ModelRef,
  info: ModelInfo | undefined,
  serverCapabilities?: readonly string[],
): { toolCalling: boolean; imageInput: boolean } {
  const flags = info?.supports;
  if (serverCapabilities) return { toolCalling: serverCapabilities.includes('tools'), imageInput: serverCapabilities.includes('vision') };
  const { provider, model } = parseModelRef(ref);
  const hosted = info !== undefined && ['openai', 'anthropic', 'gemini', 'azure'].includes(info.provider);
  return {
    toolCalling: flags?.tools ?? hosted,
    // Every current OpenAI, Claude and Gemini chat model takes images; GPT-3.5 is the exception still in the catalog.
    imageInput: flags?.vision ?? (hosted && !/gpt-3\.5/.test(model) && provider !== 'ollama'),
  };
}

/**
 * Every model the user can call (models named in routes, rules and `llmWorkbench.models`, the models installed on
 * the configured Ollama servers, catalog models of the configured providers), then one entry per task route.
 * Models of providers that are not configured are left out: a request to them could only fail.
 */
export function languageModelEntries(inputs: EntryInputs): LanguageModelEntry[] {
  const { config, catalog } = inputs;
  const providers = new Map(config.providers.map((p) => [p.id, p]));
  const refs: ModelRef[] = [];
  const add = (ref: ModelRef | undefined) => {
    if (!ref || refs.includes(ref)) return;
    const colon = ref.indexOf(':');
    const provider = colon > 0 ? providers.get(ref.slice(0, colon)) : undefined;
    if (!provider) return;
    if (provider.kind === 'ollama') {
      // Only what the server has: a model it would have to pull first is not a model to pick.
      const installed = inputs.installed(provider.id);
      if (!installed?.includes(ref)) return;
    }
    refs.push(ref);
  };
  for (const route of Object.values(config.routes)) [route?.primary, ...(route?.fallbacks ?? [])].forEach(add);
  for (const rule of config.routingRules) [rule.use?.primary, ...(rule.use?.fallbacks ?? [])].forEach(add);
  config.models.forEach((m) => add(m.ref));
  for (const provider of config.providers) if (provider.kind === 'ollama') inputs.installed(provider.id)?.forEach(add);
  for (const model of catalog.all()) add(model.ref);

  const entries = refs.map((ref) => modelEntry(inputs, ref));
  for (const task of TASKS) {
    const route = config.routes[task];
    if (route) entries.push(routeEntry(inputs, task, route.primary, route.fallbacks ?? [], entries));
  }
  return entries;
}

function modelEntry(inputs: EntryInputs, ref: ModelRef): LanguageModelEntry {
  const { config, catalog } = inputs;
  const info = catalog.lookup(ref);
  const { provider, model } = parseModelRef(ref);
  const local = config.providers.find((p) => p.id === provider)?.kind === 'ollama';
  const window = inputs.windowFor(ref, info);
  const limits = modelLimits(ref, info, window, config, local);
  const caps = modelCapabilities(ref, info, local ? inputs.serverCapabilities?.(ref) : undefined);
  const fallbacks = Object.values(config.routes).find((r) => r?.primary === ref)?.fallbacks ?? [];
  const price = priceText(info, local);
  const counted =
    info?.tokenizer.kind === 'exact'
      ? `exact token counts (${info.tokenizer.encoding})`
      : 'token counts ≈ (no public tokenizer; o200k estimate)';
  return {
    id: ref,
    name: info?.displayName ?? model,
    family: model,
    version: ref,
    detail: `${price} · ${n(limits.maxInputTokens)} in`,
    tooltip: [
      `${ref} through LLM Workbench's gateway (retries${fallbacks.length ? `, fallback to ${fallbacks.join(', ')}` : ''}, cost in the ledger).`,
      `Price: ${price}.`,
      `Window: ${n(limits.maxInputTokens)} input + ${n(limits.maxOutputTokens)} output tokens. ${limits.source}`,
      `Tools: ${caps.toolCalling ? 'yes' : 'no'}; images: ${caps.imageInput ? 'yes' : 'no'}; ${counted}.`,
    ].join('\n'),
    maxInputTokens: limits.maxInputTokens,
    maxOutputTokens: limits.maxOutputTokens,
    toolCalling: caps.toolCalling,
    imageInput: caps.imageInput,
    target: { model: ref, fallbacks },
    encodingOf: ref,
  };
}

/**
 * A task route as one model: requests are routed like the chat's (rules, then `routes.<task>`), with fallbacks. Its
 * window is the primary's: a fallback with a smaller window is skipped for a request that does not fit it. Tools and
 * images only when every model on the route has them, so no fallback is sent what it cannot take.
 */
function routeEntry(
  inputs: EntryInputs,
  task: Task,
  primary: ModelRef,
  fallbacks: ModelRef[],
  models: LanguageModelEntry[],
): LanguageModelEntry {
  const base = models.find((e) => e.id === primary) ?? modelEntry(inputs, primary);
  const onRoute = [primary, ...fallbacks].map((ref) => models.find((e) => e.id === ref) ?? modelEntry(inputs, ref));
  return {
    id: `route:${task}`,
    name: `LLM Workbench · ${task} route`,
    family: 'llm-workbench-route',
    version: task,
    detail: `${primary}${fallbacks.length ? ` → ${fallbacks.join(' → ')}` : ''}`,
    tooltip: [
      `Routed like LLM Workbench's ${task} task: routing rules first, then llmWorkbench.routes.${task} (primary ${primary}${fallbacks.length ? `, fallbacks ${fallbacks.join(', ')}` : ''}). The ledger records the route and its reason.`,
      `Window: the primary's, ${n(base.maxInputTokens)} input + ${n(base.maxOutputTokens)} output tokens; a fallback whose window is smaller than the request is skipped.`,
      `Tools: ${onRoute.every((e) => e.toolCalling) ? 'yes' : 'no'}; images: ${onRoute.every((e) => e.imageInput) ? 'yes' : 'no'} (only when every model on the route has them).`,
    ].join('\n'),
    maxInputTokens: base.maxInputTokens,
    maxOutputTokens: base.maxOutputTokens,
    toolCalling: onRoute.every((e) => e.toolCalling),
    imageInput: onRoute.every((e) => e.imageInput),
    target: { task },
    encodingOf: primary,
  };
}

function priceText(info: ModelInfo | undefined, local: boolean): string {
  if (info?.price) {
    if (info.price.input === 0 && info.price.output === 0) return local ? 'free (local)' : '$0';
    return `${perM(info.price.input)} in / ${perM(info.price.output)} out per 1M tokens`;
  }
  return local ? 'free (local)' : 'price unknown';
}
