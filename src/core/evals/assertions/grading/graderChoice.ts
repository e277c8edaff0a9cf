import type { ModelRef } from '../../../models/modelRef';
import { normalizeProviderRef } from '../../providerRef';

/** One grader model and the request settings promptfoo would send it (`{id, config: {temperature, max_tokens}}`). */
export interface GraderModel {
  ref: ModelRef;
  temperature?: number;
  maxTokens?: number;
  /** More request fields promptfoo's grader provider sends (its default llm-rubric grader's response_format). */
  config?: Record<string, unknown>;
}

/**
 * A grader as a file names it (`options.provider` or an assertion's `provider`): one model for every use, or
 * promptfoo's `{text: ..., embedding: ...}` with a model per kind of call.
 */
export interface GraderChoice {
  any?: GraderModel;
  text?: GraderModel;
  embedding?: GraderModel;
}

export type GraderKind = 'text' | 'embedding';

/** promptfoo's default embedding model when nothing names one (src/providers/openai/defaults.ts). */
export const PROMPTFOO_DEFAULT_EMBEDDING: ModelRef = 'openai:embedding:text-embedding-3-large';

const GRADER_CONFIG_KEYS = new Set(['temperature', 'max_tokens']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One `provider:model` string or `{id, label?, config?}`; problems go to `report` (the caller positions them). */
function parseModel(raw: unknown, report: (message: string) => void): GraderModel | undefined {
  if (typeof raw === 'string') {
    const ref = normalizeProviderRef(raw);
    if (!ref) report(`grader "${raw}" is not a model reference: write provider:model, e.g. openai:gpt-4o-mini`);
    return ref ? { ref } : undefined;
  }
  if (!isRecord(raw) || typeof raw.id !== 'string') return undefined;
  const ref = normalizeProviderRef(raw.id);
  if (!ref) {
    report(`grader "${raw.id}" is not a model reference: write provider:model, e.g. openai:gpt-4o-mini`);
    return undefined;
  }
  const model: GraderModel = { ref };
  if (isRecord(raw.config)) {
    for (const key of Object.keys(raw.config)) {
      if (!GRADER_CONFIG_KEYS.has(key))
        report(
          `grader config \`${key}\` is not supported by llm-workbench (supported: temperature, max_tokens); remove it or run the file with --engine promptfoo`,
        );
    }
    if (typeof raw.config.temperature === 'number') model.temperature = raw.config.temperature;
    if (typeof raw.config.max_tokens === 'number') model.maxTokens = raw.config.max_tokens;
  }
  return model;
}

/** Reads a grader; undefined when none is written. */
export function parseGraderChoice(raw: unknown, report: (message: string) => void): GraderChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string' || (isRecord(raw) && typeof raw.id === 'string')) {
    const any = parseModel(raw, report);
    return any ? { any } : undefined;
  }
  if (isRecord(raw)) {
    const choice: GraderChoice = {};
    for (const key of Object.keys(raw)) {
      if (key === 'text' || key === 'embedding') {
        const model = parseModel(raw[key], report);
        if (model) choice[key] = model;
        else if (typeof raw[key] !== 'string') report(`grader \`${key}\` must be provider:model or {id: provider:model}`);
      } else {
        report(
          `grader kind \`${key}\` is not supported by llm-workbench (supported: text, embedding); run the file with --engine promptfoo`,
        );
      }
    }
    return choice;
  }
  report('a grader is provider:model (e.g. openai:gpt-4o-mini), {id: provider:model} or {text: ..., embedding: ...}');
  return undefined;
}

/** The model for one kind of call, as promptfoo picks it: the kind's own entry, else the one model named. */
export function pickGrader(choice: GraderChoice | undefined, kind: GraderKind): GraderModel | undefined {
  return choice?.[kind] ?? choice?.any;
}

/** An embedding reference (`openai:embedding:text-embedding-3-small`) as provider and model, or undefined. */
export function embeddingModel(ref: ModelRef): { provider: string; model: string } | undefined {
  const m = /^([^:]+):embeddings?:(.+)$/.exec(ref);
  return m ? { provider: m[1], model: m[2] } : undefined;
}
