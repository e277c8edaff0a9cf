import type { WorkbenchConfig } from './workbenchConfig';
import type { ModelCatalog } from '../models/catalog';
import type { ModelInfo } from '../models/modelInfo';

/**
 * The models a user cares about for cost comparisons: the budget model first, then every model named in routes,
 * routing rules and `llmWorkbench.models`, in that order, once each. Refs the catalog does not know are left out
 * (they have no price to show); `extra` puts e.g. a prompt file's front-matter model first.
 */
export function configuredModels(config: WorkbenchConfig, catalog: ModelCatalog, extra: string[] = []): ModelInfo[] {
  const refs: string[] = [...extra, config.budget.model];
  for (const route of Object.values(config.routes)) {
    if (route) refs.push(route.primary, ...(route.fallbacks ?? []));
  }
  for (const rule of config.routingRules) {
    if (rule.use) refs.push(rule.use.primary, ...(rule.use.fallbacks ?? []));
    if (rule.classify) {
      refs.push(rule.classify.model, rule.classify.simple.primary, rule.classify.complex.primary);
    }
  }
  refs.push(...config.models.map((model) => model.ref));
  const seen = new Set<string>();
  const models: ModelInfo[] = [];
  for (const ref of refs) {
    if (seen.has(ref)) continue;
    seen.add(ref);
    const model = catalog.lookup(ref);
    if (model) models.push(model);
  }
  return models;
}
