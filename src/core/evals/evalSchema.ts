import type { ErrorObject } from 'ajv';
import schema from '../../../schemas/eval.schema.json';
import { closestMatch } from './levenshtein';
import { ASSERTION_TYPE_INFO, ASSERTION_TYPES, DELEGATED_PROMPTFOO_TYPES } from './assertionTypes';
import * as validators from './evalValidators.generated';
import type { DataPath } from './yamlSource';
import { formatPath } from './yamlSource';

/** The JSON Schema the editor contributes for eval files (schemas/eval.schema.json), draft-07. */
export const EVAL_SCHEMA = schema;

export interface SchemaProblem {
  path: DataPath;
  /** Point at this key of the object at `path` (unknown or misspelled keys) instead of the value. */
  key?: string;
  message: string;
}

// The validators are compiled from EVAL_SCHEMA at build time (scripts/evalValidators.mjs): compiling the schema with
// ajv on each run cost every `llm-workbench eval` ~0.15-0.3 s before its first call.

/** Schema problems of a whole eval file. */
export function validateEvalData(data: unknown): SchemaProblem[] {
  const validate = validators.file;
  return validate(data) ? [] : explain(validate.errors ?? [], data, []);
}

/** Schema problems of one test loaded from a `file://` list; paths start at `prefix`. */
export function validateTestData(data: unknown, prefix: DataPath): SchemaProblem[] {
  const validate = validators.test;
  return validate(data) ? [] : explain(validate.errors ?? [], data, prefix);
}

function toPath(instancePath: string): DataPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const KIND_NAMES: Record<string, string> = {
  object: 'a mapping (key: value pairs)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'empty';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function valueAt(data: unknown, path: DataPath): unknown {
  let current = data;
  for (const segment of path) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
  return current;
}

/**
 * Turns ajv's errors into one message per problem that names the fix. anyOf branches each report their own
 * mismatch; those are folded into the anyOf's `errorMessage` unless a deeper error explains more precisely.
 */
function explain(errors: ErrorObject[], data: unknown, prefix: DataPath): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: SchemaProblem) => {
    const key = `${formatPath(problem.path)}|${problem.key ?? ''}|${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  };
  // anyOf branches each report why they did not match. A `type` error at an anyOf's path only says "this branch
  // wanted another kind of value": drop those, keep what the branch of the right kind says, and fall back to the
  // anyOf's own `errorMessage` when nothing more precise is left.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const meaningful = errors.filter(
    (e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && !(e.keyword === 'type' && anyOfPaths.has(e.instancePath)),
  );
  for (const e of errors) {
    const local = toPath(e.instancePath);
    const path = [...prefix, ...local];
    const where = `\`${formatPath(path)}\``;
    const value = valueAt(data, local);
    if (e.keyword === 'anyOf') {
      const explained = meaningful.some((m) => m.instancePath === e.instancePath || m.instancePath.startsWith(e.instancePath + '/'));
      const inner = errors.some(
        (o) =>
          o.keyword === 'anyOf' && o !== e && o.instancePath.startsWith(e.instancePath) && o.instancePath.length > e.instancePath.length,
      );
      if (explained || inner) continue;
      const message = (e.parentSchema as { errorMessage?: string } | undefined)?.errorMessage ?? 'has the wrong shape';
      add({ path, message: `${where} ${message} (found ${kindOf(value)})` });
      continue;
    }
    if (!meaningful.includes(e)) continue;
    switch (e.keyword) {
      case 'type': {
        const expected = String((e.params as { type: string }).type)
          .split(',')
          .map((t) => KIND_NAMES[t] ?? t)
          .join(' or ');
        add({ path, message: `${where} must be ${expected}, not ${kindOf(value)}` });
        break;
      }
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        const hint = missing === 'type' ? ' (e.g. `type: contains`)' : missing === 'assert' ? ' (the list of assertions in the set)' : '';
        add({ path, message: `${where} needs \`${missing}\`${hint}` });
        break;
      }
      case 'additionalProperties': {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
        const guess = closestMatch(extra, allowed);
        const fix = guess ? `did you mean \`${guess}\`?` : `allowed keys: ${allowed.join(', ')}`;
        add({ path, key: extra, message: `unknown key \`${extra}\` in ${where} — ${fix}` });
        break;
      }
      case 'enum': {
        const field = path[path.length - 1];
        if (field === 'type') add({ path, message: unknownAssertionMessage(String(value)) });
        else {
          const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
          const guess = closestMatch(String(value), allowed);
          add({
            path,
            message: `${where} is "${String(value)}"; ${guess ? `did you mean "${guess}"? ` : ''}allowed: ${allowed.join(', ')}`,
          });
        }
        break;
      }
      case 'pattern': {
        const field = path[path.length - 1];
        const message =
          field === 'id' || local[0] === 'providers' || field === 'provider'
            ? `${where} "${String(value)}" is not a model reference: write provider:model, e.g. openai:gpt-4o-mini`
            : String(value).startsWith('file:') || local[0] === 'tests'
              ? `${where} must be a file:// reference, e.g. file://tests.yaml`
              : field === 'apiBaseUrl'
                ? `${where} must be an http(s):// URL`
                : `${where} does not match ${(e.params as { pattern: string }).pattern}`;
        add({ path, message });
        break;
      }
      case 'minimum':
      case 'maximum':
        add({ path, message: `${where} must be ${e.keyword === 'minimum' ? '>=' : '<='} ${(e.params as { limit: number }).limit}` });
        break;
      case 'minItems':
        add({ path, message: `${where} must not be empty` });
        break;
      case 'minLength':
        add({ path, message: `${where} must not be an empty string` });
        break;
      default:
        add({ path, message: `${where} ${e.message ?? 'is invalid'}` });
    }
  }
  return problems;
}

export function unknownAssertionMessage(type: string): string {
  const base = type.replace(/^not-/, '');
  const why = DELEGATED_PROMPTFOO_TYPES[base];
  if (why) {
    return `assertion type '${type}' is a promptfoo type llm-workbench does not run natively (${why}): run the file with --engine promptfoo (the workspace's promptfoo), or use another type`;
  }
  if (base !== type && ASSERTION_TYPE_INFO[base]?.noNegation) {
    return `\`${type}\`: promptfoo ignores \`not-\` on ${base} (it would grade un-negated); use ${base}, or invert the expectation in the value`;
  }
  const candidates = [
    ...ASSERTION_TYPES,
    ...ASSERTION_TYPES.filter((t) => t !== 'assert-set' && !ASSERTION_TYPE_INFO[t].noNegation).map((t) => `not-${t}`),
  ];
  const guess = closestMatch(type, candidates);
  return guess
    ? `unknown assertion type '${type}' — did you mean '${guess}'?`
    : `unknown assertion type '${type}'; supported: ${ASSERTION_TYPES.join(', ')} (each also as not-<type>)`;
}
