import Ajv from 'ajv';
import { metaAllErrors, metaFirstError } from './evalValidators.generated';

const DRAFT07 = 'http://json-schema.org/draft-07/schema';

/**
 * An Ajv (draft-07, `strict: false`) for users' JSON schemas (`is-json`, `contains-json`, their checks when an eval
 * file is read) whose meta-schema validator was compiled at build time (scripts/evalValidators.mjs, with these same
 * options): ajv would otherwise compile draft-07's meta-schema in every instance on its first schema, ~0.1 s each.
 * Everything else is ajv's own path — `validateSchema`, `compile` (which checks the schema against the meta-schema
 * first), a schema naming another `$schema` — only the compiled function it would have built is handed to it.
 */
export function jsonSchemaAjv(allErrors: boolean): Ajv {
  const ajv = new Ajv({ allErrors, strict: false });
  const meta = ajv.schemas[DRAFT07];
  if (meta && !meta.validate) meta.validate = allErrors ? metaAllErrors : metaFirstError;
  return ajv;
}
