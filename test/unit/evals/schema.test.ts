import * as assert from 'node:assert/strict';
import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ASSERTION_TYPE_INFO, ASSERTION_TYPES } from '../../../src/core/evals/assertionTypes';
import { parseEvalFile } from '../../../src/core/evals/parseEvalFile';

const ROOT = join(__dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'eval.schema.json'), 'utf8')) as {
  $schema: string;
  definitions: { assertion: { properties: { type: { enum: string[] } } } };
};

describe('eval file JSON Schema', () => {
  it('is a valid draft-07 schema that ajv compiles', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ strict: false });
    assert.equal(ajv.validateSchema(schema), true, ajv.errorsText());
    assert.doesNotThrow(() => ajv.compile(schema));
  });

  it('lists exactly the assertion types the engine runs, each with its not- form', () => {
    const negatable = ASSERTION_TYPES.filter((t) => t !== 'assert-set' && !ASSERTION_TYPE_INFO[t].noNegation);
    const expected = [...ASSERTION_TYPES, ...negatable.map((t) => `not-${t}`)].sort();
    assert.deepEqual([...schema.definitions.assertion.properties.type.enum].sort(), expected);
  });

  it('is contributed for *.eval.json (and to the YAML extension for *.eval.yaml)', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { jsonValidation: { fileMatch: string; url: string }[]; yamlValidation: { fileMatch: string[]; url: string }[] };
    };
    assert.ok(manifest.contributes.jsonValidation.some((v) => v.fileMatch === '*.eval.json' && v.url === './schemas/eval.schema.json'));
    assert.ok(
      manifest.contributes.yamlValidation.some((v) => v.fileMatch.includes('*.eval.yaml') && v.url === './schemas/eval.schema.json'),
    );
  });

  it('accepts the shipped examples, and the examples parse without a single diagnostic', () => {
    const dir = join(ROOT, 'examples', 'evals');
    const files = readdirSync(dir).filter((f) => /\.eval\.(ya?ml|json)$/.test(f));
    assert.ok(files.length >= 2);
    const validate = new Ajv({ strict: false }).compile(schema);
    for (const f of files) {
      const data = parse(readFileSync(join(dir, f), 'utf8')) as unknown;
      assert.equal(validate(data), true, `${f}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(parseEvalFile(join(dir, f)).diagnostics, [], f);
    }
  });
});
