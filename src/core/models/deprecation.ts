import type { ModelDeprecation, ModelInfo } from './modelInfo';

/** A model this close to its date is marked as retiring (pickers, tooltip, diagnostics). */
export const RETIRING_WITHIN_DAYS = 90;

export type DeprecationState =
  | { state: 'retired'; date: string; days: number; successor?: string }
  | { state: 'retiring'; date: string; days: number; successor?: string };

const DAY_MS = 86_400_000;

/** Whether `deprecation` matters on `today` (YYYY-MM-DD or a Date): past its date, or within RETIRING_WITHIN_DAYS of it. */
export function deprecationState(deprecation: ModelDeprecation | undefined, today: Date = new Date()): DeprecationState | undefined {
  if (!deprecation) return undefined;
  const date = Date.parse(`${deprecation.date}T00:00:00Z`);
  if (Number.isNaN(date)) return undefined;
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const days = Math.round((date - todayUtc) / DAY_MS);
  const successor = deprecation.successor ? { successor: deprecation.successor } : {};
  if (days <= 0) return { state: 'retired', date: deprecation.date, days: -days, ...successor };
  if (days <= RETIRING_WITHIN_DAYS) return { state: 'retiring', date: deprecation.date, days, ...successor };
  return undefined;
}

/** One sentence: `deprecated since 2026-08-05; use anthropic:claude-opus-5` / `retires on 2026-11-30 (in 3 days)…`. */
export function deprecationText(state: DeprecationState): string {
  const when =
    state.state === 'retired'
      ? `deprecated since ${state.date}`
      : `retires on ${state.date} (in ${state.days} day${state.days === 1 ? '' : 's'})`;
  return state.successor ? `${when}; suggested successor: ${state.successor}` : `${when}; no newer model of its family is in the catalog`;
}

/** Short mark for picker rows. */
export function deprecationMark(state: DeprecationState): string {
  return state.state === 'retired' ? `$(warning) deprecated ${state.date}` : `$(warning) retires ${state.date}`;
}

interface Lineage {
  family: string;
  version: number[];
  preview: boolean;
}

/**
 * A model id's family and version, by rule: dates, `-latest` and preview tags are dropped, numbers are the version,
 * the words left are the family. `claude-opus-4-1` -> claude-opus [4,1]; `claude-3-7-sonnet-20250219` ->
 * claude-sonnet [3,7]; `gemini-2.0-flash-001` -> gemini-flash [2,0,1]; `gpt-4-0613` -> gpt [4].
 */
export function lineage(id: string): Lineage {
  let known = lineages.get(id);
  if (!known) {
    known = computeLineage(id);
    lineages.set(id, known);
  }
  return known;
}

/** Successors compare every deprecated model with every other: the parse of an id is done once. */
const lineages = new Map<string, Lineage>();

function computeLineage(id: string): Lineage {
  let rest = id.toLowerCase().slice(id.lastIndexOf('/') + 1);
  const preview = /(preview|exp|beta)/.test(rest);
  const suffixes = [
    /-\d{8}$/,
    /-\d{4}-\d{2}-\d{2}$/,
    /-\d{2}-\d{4}$/,
    /-latest$/,
    /-preview$/,
    /-exp(-\d+)?$/,
    /-beta$/,
    /-(0\d|1[0-2])\d{2}$/,
    /-2[45]\d{2}$/,
  ];
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of suffixes) {
      const next = rest.replace(suffix, '');
      if (next !== rest) {
        rest = next;
        changed = true;
      }
    }
  }
  const words: string[] = [];
  const version: number[] = [];
  for (const part of rest.split(/[-_:]/)) {
    if (/^\d+(\.\d+)*$/.test(part)) version.push(...part.split('.').map(Number));
    else if (part) words.push(part);
  }
  return { family: words.join('-'), version, preview };
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The model to suggest instead of `model`: from the same provider and family, newer, with no deprecation date of
 * its own; released models before previews; the highest version, the undated alias among equals. Undefined when the
 * catalog has none (better no suggestion than a wrong one).
 */
export function successorFor(model: Pick<ModelInfo, 'provider' | 'id'>, candidates: readonly ModelInfo[]): string | undefined {
  const own = lineage(model.id);
  if (!own.family || own.version.length === 0) return undefined;
  let best: { info: ModelInfo; lineage: Lineage } | undefined;
  for (const info of candidates) {
    if (info.provider !== model.provider || info.deprecation || info.id === model.id) continue;
    const other = lineage(info.id);
    if (other.family !== own.family || other.version.length === 0 || compareVersions(other.version, own.version) <= 0) continue;
    if (!best) {
      best = { info, lineage: other };
      continue;
    }
    const byRelease = Number(best.lineage.preview) - Number(other.preview);
    const byVersion = compareVersions(other.version, best.lineage.version);
    const better = byRelease > 0 || (byRelease === 0 && (byVersion > 0 || (byVersion === 0 && info.id.length < best.info.id.length)));
    if (better) best = { info, lineage: other };
  }
  return best?.info.ref;
}

/**
 * Fills in `deprecation.successor` for every deprecated model without one, comparing each only with the models of
 * its provider and family (one pass to group them: the catalog has hundreds of models).
 */
export function addSuccessors(models: readonly ModelInfo[]): void {
  const groups = new Map<string, ModelInfo[]>();
  for (const model of models) {
    const key = `${model.provider}\u0000${lineage(model.id).family}`;
    const group = groups.get(key);
    if (group) group.push(model);
    else groups.set(key, [model]);
  }
  for (const model of models) {
    if (!model.deprecation || model.deprecation.successor) continue;
    const successor = successorFor(model, groups.get(`${model.provider}\u0000${lineage(model.id).family}`) ?? []);
    if (successor) model.deprecation = { ...model.deprecation, successor };
  }
}
