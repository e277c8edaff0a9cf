import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelCatalog } from '../models/catalog';
import { deprecationState } from '../models/deprecation';
import type { ModelInfo } from '../models/modelInfo';
import { AUTO_MODEL, type ModelOption } from './conversation';

/** A model an Ollama server reported installed (`/api/tags`), with the window it will run at when known. */
export interface InstalledModel {
  ref: string;
  contextWindow?: number;
}

export interface ModelOptionsExtras {
  /** Models the configured Ollama servers have installed, as known now (empty while asking or when unreachable). */
  installed?: readonly InstalledModel[];
  /** The window to show for a model (Ollama: the server's num_ctx); default the catalog's. */
  windowFor?: (ref: string, info: ModelInfo | undefined) => number | undefined;
  /** Deprecation is judged on this day (tests); default today. */
  today?: Date;
}

/**
 * The chat's model selector: "Auto (route by task)" first, then every model the user can actually call —
 * models named in routes and rules, the user's own additions, the models installed on the configured Ollama
 * servers (marked local), and catalog models whose provider is configured.
 */
export function modelOptions(config: WorkbenchConfig, catalog: ModelCatalog, extras: ModelOptionsExtras = {}): ModelOption[] {
  const providerIds = new Set(config.providers.map((p) => p.id));
  const installed = new Map((extras.installed ?? []).map((m) => [m.ref, m]));
  const refs: string[] = [];
  const add = (ref: string | undefined) => {
    if (ref && !refs.includes(ref)) refs.push(ref);
  };
  for (const route of Object.values(config.routes)) {
    add(route?.primary);
    route?.fallbacks?.forEach(add);
  }
  for (const rule of config.routingRules) {
    add(rule.use?.primary);
    rule.use?.fallbacks?.forEach(add);
  }
  config.models.forEach((m) => add(m.ref));
  installed.forEach((_, ref) => add(ref));
  // From the catalog: models of configured providers, except those a route or setting must name to be offered —
  // past their deprecation date, dated snapshots (the alias is listed), and Ollama's (its installed models are listed).
  for (const model of catalog.all()) {
    if (!providerIds.has(model.provider) || model.provider === 'ollama' || /-(\d{8}|\d{4}-\d{2}-\d{2})$/.test(model.id)) continue;
    if (deprecationState(model.deprecation, extras.today)?.state !== 'retired') add(model.ref);
  }

  const options: ModelOption[] = [{ ref: AUTO_MODEL, label: 'Auto (route by task)' }];
  for (const ref of refs) {
    const info = catalog.lookup(ref);
    const local = installed.get(ref);
    const deprecation = deprecationState(info?.deprecation, extras.today);
    const retiring = deprecation ? ` · ${deprecation.state === 'retired' ? 'deprecated' : 'retires'} ${deprecation.date}` : '';
    const name = info ? `${info.displayName} · ${ref}${retiring}` : ref;
    const contextWindow = extras.windowFor?.(ref, info) ?? local?.contextWindow ?? info?.combinedWindow ?? info?.maxInputTokens;
    options.push({
      ref,
      label: local ? `${name} · installed (local)` : name,
      ...(contextWindow !== undefined ? { contextWindow } : {}),
      ...(local ? { local: true } : {}),
    });
  }
  return options;
}
