import type { ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { jsonSchemaAjv } from '../jsonSchemaAjv';
import { booleanCheck, type Check } from './assertionOutcome';

const ajv = jsonSchemaAjv(true);
const compiled = new WeakMap<object, ValidateFunction>();
/** The same schema text in 200 tests compiles once. */
const compiledByText = new Map<string, ValidateFunction>();

function validatorFor(schemaValue: unknown): ValidateFunction | string {
  const schema = typeof schemaValue === 'string' ? parseYaml(schemaValue) : schemaValue;
  if (typeof schema === 'boolean') return ajv.compile(schema as unknown as object);
  if (schema === null || typeof schema !== 'object') return 'the value must be a JSON schema';
  let validate = compiled.get(schema);
  if (!validate) {
    const text = JSON.stringify(schema);
    validate = compiledByText.get(text);
    if (!validate) {
      try {
        validate = ajv.compile(schema);
      } catch (error) {
        return (error as Error).message;
      }
      if (compiledByText.size > 1000) compiledByText.clear();
      compiledByText.set(text, validate);
    }
    compiled.set(schema, validate);
  }
  return validate;
}

const hasSchema = (value: unknown) => value !== undefined && value !== null && value !== '';

/** is-json: the whole output parses as JSON and, with a schema value, conforms to it. */
export function checkIsJson(output: string, value: unknown, negate: boolean): Check {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return { ...booleanCheck(false, negate, 'Expected output to be valid JSON', ''), actual: output };
  }
  if (!hasSchema(value)) return booleanCheck(true, negate, '', 'Expected output not to be valid JSON');
  const validate = validatorFor(value);
  if (typeof validate === 'string') return { pass: false, score: 0, reason: `Invalid JSON schema: ${validate}` };
  const valid = validate(parsed) as boolean;
  return {
    ...booleanCheck(
      valid,
      negate,
      `JSON does not conform to the schema: ${ajv.errorsText(validate.errors)}`,
      'Output is JSON that conforms to the schema',
    ),
    expected: JSON.stringify(value, null, 2),
    actual: output,
  };
}

/** contains-json: some JSON object or array in the output (e.g. inside a ```json fence) parses and, with a schema, conforms. */
export function checkContainsJson(output: string, value: unknown, negate: boolean): Check {
  const found = extractJsonValues(output);
  if (found.length === 0 || !hasSchema(value)) {
    return {
      ...booleanCheck(found.length > 0, negate, 'Expected output to contain valid JSON', 'Expected output not to contain JSON'),
      actual: output,
    };
  }
  const validate = validatorFor(value);
  if (typeof validate === 'string') return { pass: false, score: 0, reason: `Invalid JSON schema: ${validate}` };
  let lastErrors = '';
  for (const candidate of found) {
    if (validate(candidate)) return { ...booleanCheck(true, negate, '', 'Output contains JSON conforming to the schema'), actual: output };
    lastErrors = ajv.errorsText(validate.errors);
  }
  return {
    ...booleanCheck(false, negate, `JSON does not conform to the schema: ${lastErrors}`, ''),
    expected: JSON.stringify(value, null, 2),
    actual: output,
  };
}

/** Every balanced `{...}` / `[...]` span that parses as JSON, scanning left to right (strings respected). */
export function extractJsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '{' || c === '[') {
      const end = balancedEnd(text, i);
      if (end > i) {
        try {
          values.push(JSON.parse(text.slice(i, end + 1)));
          i = end + 1;
          continue;
        } catch {
          // not JSON after all: keep scanning from the next character
        }
      }
    }
    i++;
  }
  return values;
}

function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}
