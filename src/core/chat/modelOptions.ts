import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { ModelCatalog } from '../models/catalog';
import { AUTO_MODEL, type ModelOption } from '../../shared/chatProtocol';

/**
 * The chat's model selector: "Auto (route by task)" first, then every model the user can actually call —
 * catalog models whose provider is configured, models named in routes and rules, and the user's own additions.
 */
export function modelOptions(config: WorkbenchConfig, catalog: ModelCatalog): ModelOption[] {
  const providerIds = new Set(config.providers.map((p) => p.id));
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
  for (const model of catalog.all()) if (providerIds.has(model.provider)) add(model.ref);

  const options: ModelOption[] = [{ ref: AUTO_MODEL, label: 'Auto (route by task)' }];
  for (const ref of refs) {
    const info = catalog.lookup(ref);
    options.push({ ref, label: info ? `${info.displayName} · ${ref}` : ref, ...(info ? { contextWindow: info.contextWindow } : {}) });
  }
  return options;
}
