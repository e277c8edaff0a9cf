import type { ModelRef } from '../../models/modelRef';

/**
 * What a Test Explorer item stands for inside one eval file. Ids are built from the case index (the parser's
 * stable position in the test list) and the provider ref, so a re-parse finds the same items again.
 */
export type EvalItemRef =
  { kind: 'file' } | { kind: 'case'; caseIndex: number } | { kind: 'provider'; caseIndex: number; provider: ModelRef };

export function caseItemId(caseIndex: number): string {
  return `case:${caseIndex}`;
}

export function providerItemId(caseIndex: number, provider: ModelRef): string {
  return `case:${caseIndex}@${provider}`;
}

/** Which cases (and, per case, which providers) of one file a run covers. */
export interface FileRunSelection {
  /** Every case on every provider. */
  all: boolean;
  /** caseIndex -> providers to run; `undefined` value = all of the file's providers for that case. */
  cases: Map<number, Set<ModelRef> | undefined>;
}

/**
 * Folds the items a user asked to run (and those excluded) into one selection per file: a file item means all,
 * a case item all its providers, a provider item just that one. Exclusions win, as in the Test Explorer.
 */
export function selectionFor(
  include: readonly EvalItemRef[],
  exclude: readonly EvalItemRef[] = [],
  providers: readonly ModelRef[] = [],
): FileRunSelection {
  const selection: FileRunSelection = { all: false, cases: new Map() };
  for (const ref of include) {
    if (ref.kind === 'file') selection.all = true;
    else if (ref.kind === 'case') selection.cases.set(ref.caseIndex, undefined);
    else if (!selection.cases.has(ref.caseIndex) || selection.cases.get(ref.caseIndex) !== undefined) {
      const set = selection.cases.get(ref.caseIndex) ?? new Set<ModelRef>();
      set.add(ref.provider);
      selection.cases.set(ref.caseIndex, set);
    }
  }
  if (selection.all) selection.cases.clear();
  for (const ref of exclude) {
    if (ref.kind === 'file') return { all: false, cases: new Map() };
    if (ref.kind === 'case') {
      selection.cases.set(ref.caseIndex, new Set());
    } else {
      const current = selection.cases.get(ref.caseIndex);
      const remaining = new Set(current ?? (selection.all || selection.cases.has(ref.caseIndex) ? providers : []));
      remaining.delete(ref.provider);
      selection.cases.set(ref.caseIndex, remaining);
    }
  }
  return selection;
}

/** Does the selection run `caseIndex` on `provider` (or on the routed model, when the file names no provider)? */
export function selects(selection: FileRunSelection, caseIndex: number, provider?: ModelRef): boolean {
  if (selection.cases.has(caseIndex)) {
    const providers = selection.cases.get(caseIndex);
    return providers === undefined || provider === undefined ? providers === undefined || providers.size > 0 : providers.has(provider);
  }
  return selection.all;
}
