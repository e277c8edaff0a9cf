import { extname, isAbsolute, resolve } from 'node:path';
import type { AssertionSpec, ValueScript } from '../evalModel';
import { renderDeep, renderString } from '../template';
import type { AssertionInput, AssertionOutcome, AssertionRuntime, Check } from './assertionOutcome';
import { runHandler } from './assertionHandlers';
import { javascriptResultCheck } from './javascriptAssertion';
import { pythonResultCheck } from './python/pythonAssertion';
import { callScript, parseScriptRef, runInlineTransform } from './scriptValues';

export interface AssertionsVerdict {
  pass: boolean;
  /** Weighted mean of the scores: sum(score_i * weight_i) / sum(weight_i); 0 when the weights sum to 0. */
  score: number;
  reason: string;
  assertions: AssertionOutcome[];
  /** Some assertion could not run here (code disabled) and the rest did not fail. */
  skipped: boolean;
  /** An assertion threw: promptfoo reports the case as an error with this reason, whatever the others did. */
  error?: string;
}

/**
 * Runs a case's assertions and combines them as promptfoo does (docs: "Weighted assertions", "Setting a score
 * requirement", "Assertion Sets"): with a `threshold`, the case passes iff the weighted score >= threshold; without
 * one, iff no assertion failed. A weight-0 assertion always passes and adds nothing to the score. An assert-set is
 * scored the same way over its members and then counts as one assertion with its own weight.
 */
export async function runAssertions(
  specs: readonly AssertionSpec[],
  input: AssertionInput,
  runtime: AssertionRuntime,
  threshold?: number,
): Promise<AssertionsVerdict> {
  if (specs.length === 0) return { pass: true, score: 1, reason: 'No assertions', assertions: [], skipped: false };
  const assertions: AssertionOutcome[] = [];
  for (const spec of specs) assertions.push(await runAssertion(spec, input, runtime));
  return combine(assertions, threshold);
}

export function combine(assertions: AssertionOutcome[], threshold?: number): AssertionsVerdict {
  let total = 0;
  let weights = 0;
  let failure: AssertionOutcome | undefined;
  let skipped = false;
  for (const a of assertions) {
    if (a.skipped) {
      skipped = true;
      continue;
    }
    total += a.score * a.weight;
    weights += a.weight;
    if (!a.pass && !failure) failure = a;
  }
  const score = weights > 0 ? total / weights : 0;
  let pass = !failure;
  let reason = failure ? failure.reason : skipped ? 'Some assertions were skipped' : 'All assertions passed';
  if (typeof threshold === 'number' && !Number.isNaN(threshold)) {
    pass = score >= threshold;
    reason = `Aggregate score ${score.toFixed(2)} ${pass ? '≥' : '<'} ${threshold} threshold${!pass && failure ? ` (${failure.reason})` : ''}`;
  }
  const errored = assertions.find((a) => a.error);
  return {
    pass: pass && !errored,
    score,
    reason: errored ? errored.reason : reason,
    assertions,
    skipped: skipped && pass && assertions.every((a) => a.skipped || a.pass),
    ...(errored ? { error: errored.reason } : {}),
  };
}

/** promptfoo's renderMetricName: the metric rendered as a template with the vars; on a template error, as written. */
function metricOf(spec: AssertionSpec, input: AssertionInput): { metric?: string } {
  if (!spec.metric) return {};
  try {
    return { metric: spec.metric.includes('{') ? renderString(spec.metric, input.vars) : spec.metric };
  } catch {
    return { metric: spec.metric };
  }
}

export async function runAssertion(spec: AssertionSpec, input: AssertionInput, runtime: AssertionRuntime): Promise<AssertionOutcome> {
  const type = spec.negate ? `not-${spec.type}` : spec.type;
  const base = { type, weight: spec.weight, location: spec.location, ...metricOf(spec, input) };
  if (spec.type === 'assert-set') {
    const set = await runAssertions(spec.assert ?? [], input, runtime, spec.threshold);
    return {
      ...base,
      pass: set.pass || spec.weight === 0,
      score: set.score,
      reason: set.reason,
      components: set.assertions,
      skipped: set.skipped && set.assertions.every((a) => a.skipped),
      ...(set.error !== undefined ? { error: true, reason: set.error } : {}),
    };
  }
  let check: Check;
  try {
    check = await evaluate(spec, input, runtime);
  } catch (error) {
    check = {
      pass: false,
      score: 0,
      reason: `The assertion could not run: ${error instanceof Error ? error.message : String(error)}`,
      error: true,
    };
  }
  // promptfoo: "If weight is set to 0, the assertion automatically passes."
  return { ...base, ...check, pass: check.pass || spec.weight === 0 };
}

/** Code runs only where allowed: transforms and file:// scripts are code like javascript assertions. */
const CODE_DISABLED: Check = {
  pass: false,
  score: 0,
  skipped: true,
  reason: 'skipped: code execution is disabled (untrusted workspace or --no-code)',
};

/**
 * promptfoo's runAssertion order: the assertion `transform` first (its result, coerced to text, is what the check
 * sees), then the value — a `file://` script's result, or the template rendered with the vars — then the check.
 */
async function evaluate(spec: AssertionSpec, input: AssertionInput, runtime: AssertionRuntime): Promise<Check> {
  let output: unknown = input.rawOutput ?? input.output;
  if (spec.transform !== undefined) {
    if (!runtime.allowCode) return CODE_DISABLED;
    output = await applyTransform(spec.transform, output, input, runtime);
  }
  const outputString = typeof output === 'string' ? output : JSON.stringify(output);
  const context: Record<string, unknown> = {
    prompt: input.prompt,
    vars: input.vars,
    test: input.test ?? { vars: input.vars },
    ...(spec.config ? { config: spec.config } : {}),
  };
  let value: unknown;
  if (spec.valueScript) {
    if (!runtime.allowCode) return CODE_DISABLED;
    const result = await callScript(spec.valueScript, [output, context], {
      defaultPython: 'get_assert',
      pythonTimeoutMs: runtime.pythonTimeoutMs,
      signal: runtime.signal,
    });
    if (spec.type === 'javascript') return javascriptResultCheck(result, spec.negate, spec.threshold);
    if (spec.type === 'python') return pythonResultCheck(result, spec.negate, spec.threshold, undefined);
    value = scriptValue(spec, result);
  } else value = spec.valueFromFile ? spec.value : renderValue(spec.value, input.vars);
  return runHandler({ spec, value, output: outputString, rawOutput: output, input: { ...input, output: outputString }, runtime, context });
}

async function applyTransform(transform: string, output: unknown, input: AssertionInput, runtime: AssertionRuntime): Promise<unknown> {
  const context = { vars: input.vars, prompt: { label: input.prompt } };
  let result: unknown;
  if (transform.startsWith('file://')) {
    const script = transformScript(transform, runtime.baseDir);
    result = await callScript(script, [output, context], {
      defaultPython: 'get_transform',
      pythonTimeoutMs: runtime.pythonTimeoutMs,
      signal: runtime.signal,
    });
  } else {
    try {
      result = await runInlineTransform(transform, output, context, runtime.codeTimeoutMs);
    } catch (error) {
      throw new Error(`Transform failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  if (result === null || result === undefined) throw new Error('Transform function did not return a value');
  return result;
}

function transformScript(ref: string, baseDir = '.'): ValueScript {
  const { file, functionName } = parseScriptRef(ref.slice('file://'.length));
  const absolute = isAbsolute(file) ? file : resolve(baseDir, file);
  return { file: absolute, functionName, language: extname(absolute).toLowerCase() === '.py' ? 'python' : 'javascript' };
}

/** A script's result used as a value: promptfoo refuses booleans, functions and verdict objects here. */
function scriptValue(spec: AssertionSpec, result: unknown): unknown {
  const what =
    typeof result === 'function'
      ? 'a function'
      : typeof result === 'boolean'
        ? 'a boolean'
        : result && typeof result === 'object' && !Array.isArray(result) && 'pass' in result
          ? 'a GradingResult'
          : undefined;
  if (what) {
    throw new Error(
      `Script for "${spec.negate ? 'not-' : ''}${spec.type}" assertion returned ${what}. Only javascript/python assertion types can return those; return the expected value instead`,
    );
  }
  return result;
}

/** promptfoo renders a string value, or the string items of a list value, with the vars; objects stay as written. */
function renderValue(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderDeep(value, vars);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? renderDeep(v, vars) : v));
  return value;
}
