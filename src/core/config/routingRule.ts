import type { Task } from '../providers/chat';
import type { ModelRef } from '../models/modelRef';

/** Output checks a route can declare; output that fails one is `invalid_output` and escalates (cascade on validation). */
export interface OutputValidator {
  jsonSchema?: object;
  allowedLabels?: string[];
  minLength?: number;
  maxLength?: number;
}

/** Settings `llmWorkbench.routes[task]`. */
export interface RouteSetting {
  primary: ModelRef;
  fallbacks?: ModelRef[];
  validator?: OutputValidator;
}

/** Settings `llmWorkbench.routing.rules`: the first rule whose conditions all hold decides the route. */
export interface RoutingRule {
  when: {
    task?: Task | Task[];
    minInputTokens?: number;
    maxInputTokens?: number;
    risk?: 'low' | 'medium' | 'high' | ('low' | 'medium' | 'high')[];
    /** Globs over the request's file path (workspace-relative). */
    files?: string[];
  };
  /** Models to use when the rule matches. */
  use?: RouteSetting;
  /** Only models that run locally (catalog `local`), e.g. for files marked private. */
  localOnly?: boolean;
  /** Classify-then-route: a cheap model labels the request SIMPLE or COMPLEX; each label maps to a route. */
  classify?: { model: ModelRef; simple: RouteSetting; complex: RouteSetting };
  reason: string;
}
