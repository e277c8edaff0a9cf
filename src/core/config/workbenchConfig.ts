import type { ProviderConfig } from '../providers/adapter';
import type { Task } from '../providers/chat';
import type { ModelRef } from '../models/modelRef';
import type { RouteSetting, RoutingRule } from './routingRule';
import type { ModelOverride } from '../models/modelInfo';
import type { ResilienceSettings } from './resilienceSettings';

export interface BudgetSettings {
  /** Target model for counting and budgets. */
  model: ModelRef;
  /** Fraction of the window past which a prompt gets a warning (0..1). */
  warnThreshold: number;
  /** Tokens reserved for the answer (max_tokens). */
  outputReserve: number;
  /** Daily spend limit in USD; 0 or absent = none. */
  dailyUsd?: number;
  /** Calls per day used for monthly projections. */
  callsPerDay: number;
  /** Extra globs treated as prompt files. */
  include: string[];
}

/**
 * Everything the core needs from the user's configuration. The editor builds it from VS Code settings,
 * the CLI from `--config FILE` (same keys as the settings) plus environment variables.
 */
export interface WorkbenchConfig {
  providers: ProviderConfig[];
  routes: Partial<Record<Task, RouteSetting>>;
  routingRules: RoutingRule[];
  models: ModelOverride[];
  budget: BudgetSettings;
  /** Globs of files whose content must stay on local models. */
  privateFiles: string[];
  /** Store prompt text in the ledger (off by default). */
  logPrompts: boolean;
  /** Settings `llmWorkbench.gateway`: retries, timeouts, circuit breaker; absent fields take the gateway's defaults. */
  resilience?: Partial<ResilienceSettings>;
}

export const DEFAULT_BUDGET: BudgetSettings = {
  model: 'openai:gpt-4o',
  warnThreshold: 0.8,
  outputReserve: 1000,
  callsPerDay: 1000,
  include: [],
};

/** Ollama at localhost is the zero-key default: with nothing configured, chat says which provider to set up. */
export function defaultConfig(): WorkbenchConfig {
  return {
    providers: [{ id: 'ollama', kind: 'ollama', baseUrl: 'http://localhost:11434' }],
    routes: {},
    routingRules: [],
    models: [],
    budget: { ...DEFAULT_BUDGET },
    privateFiles: [],
    logPrompts: false,
  };
}
