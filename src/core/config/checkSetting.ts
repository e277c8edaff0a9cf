import { schemaProblems, type SchemaProblem } from './schemaProblems';
import validators from './settingsValidators.generated';

/**
 * The schema's problems with one setting's value (none when it is valid), `key` below `llmWorkbench.`. Built as its
 * own file (`dist/settingsCheck.js`: ajv's generated validators and the schemas their messages are described from,
 * a sixth of what extension.js would otherwise hold) and loaded by readSettings on the first value that is not its
 * default.
 */
export function checkSetting(key: string, value: unknown): SchemaProblem[] {
  const validate = validators[key];
  if (!validate) throw new Error(`readSettings: no validator for "${key}" (is it in package.json and scripts/settingsValidators.mjs?)`);
  return validate(value) ? [] : schemaProblems(key, validate.errors ?? [], value);
}
