import type { AssertionSpec } from '../../../src/core/evals/evalModel';
import type { AssertionInput } from '../../../src/core/evals/assertions/assertionOutcome';

/** Builders so assertion tests read like the YAML they stand for. */
export function assertion(type: string, fields: Partial<Omit<AssertionSpec, 'type' | 'negate'>> = {}): AssertionSpec {
  const negate = type.startsWith('not-');
  return {
    type: negate ? type.slice(4) : type,
    negate,
    weight: 1,
    location: { file: '/evals/x.eval.yaml', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } },
    ...fields,
  };
}

export function answer(output: string, extra: Partial<AssertionInput> = {}): AssertionInput {
  return { output, vars: {}, prompt: 'prompt', latencyMs: 100, costUsd: 0.0001, cached: false, ...extra };
}
