import type * as EvalEngine from './evalEngine';

let engine: typeof EvalEngine | undefined;

/**
 * The eval engine, evaluated the first time an eval file is parsed or run (after activation): the YAML parser, the
 * JSON-schema validator and the assertions are a large share of the extension's code and nothing on activation
 * needs them. Types come from './evalEngine' directly; values through here.
 */
export function evalEngine(): typeof EvalEngine {
  // A require() inside a function: esbuild keeps the module in the bundle but runs its top-level code only here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= require('./evalEngine') as typeof EvalEngine;
  return engine;
}
