import * as assert from 'node:assert/strict';
import Ajv from 'ajv';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as generated from '../../../src/core/evals/evalValidators.generated';
import { jsonSchemaAjv } from '../../../src/core/evals/jsonSchemaAjv';

const REPO = join(__dirname, '..', '..', '..');
const DRAFT07 = 'http://json-schema.org/draft-07/schema';

/** Every eval-shaped YAML/JSON file of the repository's tests and examples (real shapes, good and broken). */
function evalFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) evalFiles(path, out);
    else if (/\.(ya?ml|json)$/.test(name) && !/package|tsconfig|\.schema\./.test(name)) out.push(path);
  }
  return out;
}

function dataOf(path: string): unknown {
  try {
    const text = readFileSync(path, 'utf8');
    return path.endsWith('.json') ? JSON.parse(text) : parse(text);
  } catch {
    return undefined;
  }
}

/** What a run-time compile gave before the validators were generated (evalSchema.ts's former code). */
function runtimeEvalValidators() {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addSchema(JSON.parse(readFileSync(join(REPO, 'schemas', 'eval.schema.json'), 'utf8')) as object, 'eval');
  return { file: ajv.getSchema('eval')!, test: ajv.compile({ $ref: 'eval#/definitions/test' }) };
}

/** Schemas people write in is-json / contains-json, valid and broken, and the shapes that take other paths. */
const SCHEMAS: unknown[] = [
  { type: 'object', required: ['label'] },
  { type: 'object', properties: { label: { enum: ['bug', 'billing'] }, score: { type: 'number', minimum: 0 } }, required: ['label'] },
  { type: 'array', items: { type: 'string' }, minItems: 1 },
  { type: 'objectx' },
  { type: 'object', required: 'label' },
  { type: 'object', properties: { a: { type: 'strin' } }, required: [1] },
  { minimum: 'zero', maxLength: -1, pattern: 3 },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' },
  { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' },
  { $schema: 7 },
  { $ref: 'http://json-schema.org/draft-07/schema#' },
  { $ref: '#/definitions/missing' },
  { definitions: { a: { type: 'string' } }, properties: { x: { $ref: '#/definitions/a' } } },
  true,
  false,
];
const DATA: unknown[] = [{ label: 'bug' }, { label: 'other', score: -1 }, ['a'], [], 'text', 3, null, { type: 'object' }];

/** Everything observable of ajv checking and compiling `schema`, then validating DATA with it. */
function behaviour(ajv: Ajv, schema: unknown) {
  const out: unknown[] = [];
  try {
    out.push(['validateSchema', ajv.validateSchema(schema as object), ajv.errorsText(ajv.errors)]);
  } catch (error) {
    out.push(['validateSchema threw', (error as Error).message]);
  }
  try {
    const validate = ajv.compile(schema as object);
    for (const data of DATA) out.push([validate(data), validate.errors]);
  } catch (error) {
    out.push(['compile threw', (error as Error).message]);
  }
  return out;
}

describe('eval validators (generated at build time by scripts/evalValidators.mjs)', () => {
  it('are up to date with schemas/eval.schema.json and ajv (npm run build regenerates them)', async () => {
    const { generateEvalValidators, GENERATED } = (await import(join(REPO, 'scripts', 'evalValidators.mjs'))) as {
      generateEvalValidators: () => string;
      GENERATED: string;
    };
    assert.equal(readFileSync(GENERATED, 'utf8'), generateEvalValidators(), 'run npm run build to regenerate the eval validators');
  });

  it('need no ajv at run time beyond its tiny runtime helpers', () => {
    const text = readFileSync(join(REPO, 'src', 'core', 'evals', 'evalValidators.generated.js'), 'utf8');
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.ok(
      required.every((name) => name.startsWith('ajv/dist/runtime/')),
      required.join(', '),
    );
  });

  it('report exactly the errors ajv reports compiling the schema at run time, on every eval file of the tests and examples', () => {
    const runtime = runtimeEvalValidators();
    const files = [...evalFiles(join(REPO, 'test')), ...evalFiles(join(REPO, 'examples'))];
    let invalid = 0;
    for (const path of files) {
      const data = dataOf(path);
      if (data === undefined) continue;
      const expected = runtime.file(data);
      assert.equal(generated.file(data), expected, path);
      assert.deepEqual(generated.file.errors, runtime.file.errors, path);
      if (!expected) invalid++;
      for (const test of Array.isArray((data as { tests?: unknown }).tests) ? (data as { tests: unknown[] }).tests : []) {
        assert.equal(generated.test(test), runtime.test(test), path);
        assert.deepEqual(generated.test.errors, runtime.test.errors, path);
      }
    }
    assert.ok(files.length > 150 && invalid > 5, `${files.length} files, ${invalid} invalid: the comparison covers errors too`);
  });

  for (const allErrors of [true, false]) {
    it(`jsonSchemaAjv(${allErrors}) checks and compiles users' schemas exactly as a fresh Ajv does, without compiling the meta-schema`, () => {
      for (const schema of SCHEMAS) {
        const ours = jsonSchemaAjv(allErrors);
        assert.deepEqual(behaviour(ours, schema), behaviour(new Ajv({ allErrors, strict: false }), schema), JSON.stringify(schema));
        assert.equal(ours.schemas[DRAFT07]?.validate, allErrors ? generated.metaAllErrors : generated.metaFirstError);
      }
    });
  }
});
