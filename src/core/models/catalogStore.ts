import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { catalogModels } from './catalogModels';
import { isCatalogData, type CatalogData } from './litellm/catalogData';
import type { ModelInfo } from './modelInfo';

/** Which table the catalog is using now. */
export interface CatalogOrigin {
  /** `shipped`: the snapshot inside this build; `refreshed`: a table the user downloaded (Update Model Prices / models --update). */
  kind: 'shipped' | 'refreshed';
  url: string;
  /** The table's date, YYYY-MM-DD. */
  date: string;
  models: number;
  /** Set when a stored table was there but could not be used (the shipped snapshot is used instead). */
  problem?: string;
}

/** File name of a refreshed catalog inside the extension's global storage or the CLI's home. */
export const REFRESHED_CATALOG_FILE = 'model-catalog.json';

/**
 * The generated catalog is ~100 KB of JSON: in the bundled extension and CLI it is its own file
 * (`dist/catalog/models.json`, copied by esbuild.config.mjs), required on the first lookup and never at activation;
 * from sources (tests, tsx, the generator) it is the committed JSON beside this file.
 */
export function loadShippedCatalog(): CatalogData {
  const load = createRequire(__filename);
  const candidates = [join(__dirname, 'catalog', 'models.json'), join(__dirname, '..', 'catalog', 'models.json')];
  const bundled = candidates.find((file) => existsSync(file));
  const data: unknown = load(bundled ?? './data/litellmCatalog.json');
  if (!isCatalogData(data))
    throw new Error(`The shipped model catalog (${bundled ?? 'data/litellmCatalog.json'}) is damaged: rebuild or reinstall.`);
  return data;
}

/**
 * The base table under the user's overrides: the shipped snapshot, or a refreshed table stored at `storedPath` when
 * it is valid and not older than the snapshot (an extension update brings a newer snapshot than an old download).
 * Nothing is read until the first `models()`; `replace` swaps in a table that a refresh just validated.
 */
export class CatalogStore {
  private loaded: { data: CatalogData; models: ModelInfo[]; origin: CatalogOrigin } | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: { storedPath?: string; shipped?: () => CatalogData } = {}) {}

  get storedPath(): string | undefined {
    return this.options.storedPath;
  }

  models(): readonly ModelInfo[] {
    return this.load().models;
  }

  data(): CatalogData {
    return this.load().data;
  }

  origin(): CatalogOrigin {
    return this.load().origin;
  }

  /** Called after the table changed (a refresh): catalogs built on this store re-read it. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Stores a validated table (atomically: a crash mid-write leaves the previous file) and uses it from now on. */
  replace(data: CatalogData): void {
    if (this.options.storedPath) {
      mkdirSync(dirname(this.options.storedPath), { recursive: true });
      const temporary = `${this.options.storedPath}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(data));
      renameSync(temporary, this.options.storedPath);
    }
    this.loaded = { data, models: catalogModels(data), origin: originOf(data, 'refreshed') };
    for (const listener of this.listeners) listener();
  }

  private load(): { data: CatalogData; models: ModelInfo[]; origin: CatalogOrigin } {
    if (this.loaded) return this.loaded;
    const shipped = (this.options.shipped ?? loadShippedCatalog)();
    let data = shipped;
    let origin = originOf(shipped, 'shipped');
    const stored = this.readStored();
    if (stored.data && stored.data.source.date >= shipped.source.date) {
      data = stored.data;
      origin = originOf(stored.data, 'refreshed');
    } else if (stored.problem) {
      origin.problem = stored.problem;
    }
    this.loaded = { data, models: catalogModels(data), origin };
    return this.loaded;
  }

  private readStored(): { data?: CatalogData; problem?: string } {
    const path = this.options.storedPath;
    if (!path || !existsSync(path)) return {};
    try {
      const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
      return isCatalogData(data) ? { data } : { problem: `${path} is not a model catalog; using the shipped snapshot` };
    } catch (error) {
      return {
        problem: `${path} could not be read (${error instanceof Error ? error.message : String(error)}); using the shipped snapshot`,
      };
    }
  }
}

function originOf(data: CatalogData, kind: CatalogOrigin['kind']): CatalogOrigin {
  return { kind, url: data.source.url, date: data.source.date, models: data.models.length };
}

/** The shipped snapshot only (tests, and the default until a process names its store). */
export const SHIPPED_CATALOG = new CatalogStore();

let processStore: CatalogStore = SHIPPED_CATALOG;

/**
 * The store every `ModelCatalog` built without one uses: the extension sets one over its global storage at
 * activation, the CLI one over `$LLM_WORKBENCH_HOME` at start. Neither reads anything until the first lookup.
 */
export function setDefaultCatalogStore(store: CatalogStore): void {
  processStore = store;
}

export function defaultCatalogStore(): CatalogStore {
  return processStore;
}
