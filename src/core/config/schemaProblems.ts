import { settingSchemas, type SchemaError } from './settingsValidators.generated';
import { show } from './showValue';

type Schema = Record<string, unknown>;

/** One thing wrong with a setting's value: where inside the value, and what it must be there, in words. */
export interface SchemaProblem {
  /** Keys and indexes from the setting's value down to the wrong part (empty: the value itself). */
  path: string[];
  /** `must be a whole number ≥ 1`, `has an unknown key "baseURL" (known: id, kind, …)`, … */
  text: string;
}

/**
 * The problems ajv found in one setting's value (`key` below `llmWorkbench.`), described from the same schema
 * package.json contributes: a union (`anyOf`) is described once, not branch by branch.
 */
export function schemaProblems(key: string, errors: readonly SchemaError[], value: unknown): SchemaProblem[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath);
  const kept = errors.filter(
    (e) =>
      e.keyword === 'anyOf' || e.keyword === 'oneOf' || !unions.some((u) => e.instancePath === u || e.instancePath.startsWith(`${u}/`)),
  );
  return kept.map((error) => describeError(key, error, value));
}

function describeError(key: string, error: SchemaError, value: unknown): SchemaProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  // Found by following the value's path through the schema: ajv's schemaPath is relative to a shared definition.
  const node = schemaFor(key, path);
  if (error.keyword === 'additionalProperties') {
    const known = Object.keys((node.properties as Schema | undefined) ?? {});
    return { path, text: `has an unknown key "${String(error.params.additionalProperty)}" (known: ${known.join(', ')})` };
  }
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    const property = ((node.properties as Record<string, Schema> | undefined) ?? {})[missing];
    return { path, text: `must have "${missing}"${property ? `: ${describeSchema(property)}` : ''}` };
  }
  return { path, text: `must be ${describeSchema(node)} (found ${show(valueAt(value, path))})` };
}

/** The schema node for the part of a setting's value at `path` (through properties, items, unions and shared shapes). */
function schemaFor(key: string, path: readonly string[]): Schema {
  let node = resolve(settingSchemas[key] ?? {});
  for (const part of path) {
    const union = (node.anyOf ?? node.oneOf) as Schema[] | undefined;
    if (union) node = resolve(union.map(resolve).find((b) => (b.type === 'array') === /^\d+$/.test(part)) ?? {});
    const properties = node.properties as Record<string, Schema> | undefined;
    const next = node.type === 'array' ? node.items : (properties?.[part] ?? node.additionalProperties);
    node = resolve(next !== null && typeof next === 'object' ? (next as Schema) : {});
  }
  return node;
}

/** A `{ "$ref": "shared#/$defs/d0" }` replaced by the shape it names. */
function resolve(node: Schema): Schema {
  const ref = typeof node.$ref === 'string' ? /^shared#\/\$defs\/(\w+)$/.exec(node.$ref)?.[1] : undefined;
  const defs = settingSchemas.shared?.$defs as Record<string, Schema> | undefined;
  return ref && defs?.[ref] ? defs[ref] : node;
}

/** What a schema node accepts, in words: `a whole number between 0 and 1`, `one of "native", "openai"`. */
export function describeSchema(schema: Schema): string {
  const node = resolve(schema);
  const union = (node.anyOf ?? node.oneOf) as Schema[] | undefined;
  if (union) return union.map((branch) => describeSchema(branch)).join(' or ');
  if (Array.isArray(node.enum)) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (node.type) {
    case 'integer':
      return `a whole number${range(node)}`;
    case 'number':
      return `a number${range(node)}`;
    case 'boolean':
      return 'true or false';
    case 'string': {
      // "Write a model reference as provider:model, e.g. …": what VS Code's settings editor says, as a noun phrase.
      const hint = typeof node.patternErrorMessage === 'string' ? /^Write (.+?)\.?$/.exec(node.patternErrorMessage)?.[1] : undefined;
      return hint ?? (typeof node.pattern === 'string' ? `a string matching /${node.pattern}/` : 'a string');
    }
    case 'array':
      return node.items ? `a list, each entry ${describeSchema(node.items as Schema)}` : 'a list';
    case 'object':
      return 'an object';
    default:
      return 'a valid value';
  }
}

function range(node: Schema): string {
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined) return ` between ${String(min)} and ${String(max)}`;
  if (min !== undefined) return ` ≥ ${String(min)}`;
  return max !== undefined ? ` ≤ ${String(max)}` : '';
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const part of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}
