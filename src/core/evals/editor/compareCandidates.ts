import type { ModelRef } from '../../models/modelRef';
import type { ModelInfo } from '../../models/modelInfo';

export interface CandidateModel {
  ref: ModelRef;
  label: string;
  /** Price per 1M tokens for the pick list, or "price unknown". */
  detail: string;
  /** Preselected: the file's own providers. */
  picked: boolean;
  /** Where it came from, shown as the pick list's description. */
  origin: 'eval file' | 'route' | 'catalog';
}

const perMTok = (usdPerToken: number) => `$${Number((usdPerToken * 1e6).toPrecision(3))}`;

/**
 * Models worth comparing on an eval file: the file's providers (preselected), the models the user routes to, then
 * catalog models of the providers the user configured. Each once, in that order; cheapest first within the catalog.
 */
export function compareCandidates(input: {
  fileProviders: readonly ModelRef[];
  routedModels: readonly ModelRef[];
  catalog: readonly ModelInfo[];
  configuredProviderIds: readonly string[];
  lookup: (ref: ModelRef) => ModelInfo | undefined;
}): CandidateModel[] {
  const seen = new Set<string>();
  const out: CandidateModel[] = [];
  const add = (ref: ModelRef, origin: CandidateModel['origin'], picked: boolean) => {
    if (seen.has(ref)) return;
    seen.add(ref);
    const info = input.lookup(ref);
    const detail = info?.price ? `${perMTok(info.price.input)} in / ${perMTok(info.price.output)} out per 1M tokens` : 'price unknown';
    out.push({ ref, label: info?.displayName ? `${info.displayName} (${ref})` : ref, detail, picked, origin });
  };
  for (const ref of input.fileProviders) add(ref, 'eval file', true);
  for (const ref of input.routedModels) add(ref, 'route', false);
  const providers = new Set(input.configuredProviderIds);
  const catalogModels = input.catalog
    .filter((m) => providers.has(m.provider))
    .sort(
      (a, b) =>
        (a.price ? a.price.input + a.price.output : Infinity) - (b.price ? b.price.input + b.price.output : Infinity) ||
        a.ref.localeCompare(b.ref),
    );
  for (const model of catalogModels) add(model.ref, 'catalog', false);
  return out;
}
