/**
 * The parts of the settings schema that package.json would otherwise repeat, written once. VS Code cannot `$ref`
 * from one setting into another, so `npm run generate:settings` writes these into package.json's
 * `contributes.configuration`, and test/unit/config/settingsSchema.test.ts fails when package.json and this module
 * disagree (edit here, then run the script).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TASKS } from '../src/core/providers/chat';

const MODEL_REF_PATTERN = '^[^:\\s]+:\\S+$';

/** A `provider:model` string, with the message VS Code's settings editor shows for anything else. */
export const modelRefSchema = {
  type: 'string',
  pattern: MODEL_REF_PATTERN,
  patternErrorMessage: 'Write a model reference as provider:model, e.g. openai:gpt-4o-mini or ollama:llama3.1:8b.',
};

/** One route (`routes.<task>`, a rule's `use`, a classifier's `simple`/`complex`): primary, fallbacks, validator. */
export function routeSettingSchema(description?: string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['primary'],
    additionalProperties: false,
    properties: {
      primary: { ...modelRefSchema, description: 'Model tried first, as provider:model.' },
      fallbacks: {
        type: 'array',
        items: modelRefSchema,
        default: [],
        description: 'Models tried in order when the primary fails with a retryable error or invalid output.',
      },
      validator: {
        type: 'object',
        additionalProperties: false,
        description: 'Output checks: output that fails one is invalid_output and escalates to the next model (cascade on validation).',
        properties: {
          jsonSchema: { type: 'object', description: 'JSON schema the output must satisfy (the output must be JSON).' },
          allowedLabels: { type: 'array', items: { type: 'string' }, description: 'The output, trimmed, must be one of these labels.' },
          minLength: { type: 'integer', minimum: 0, description: 'Minimum output length in characters.' },
          maxLength: { type: 'integer', minimum: 1, description: 'Maximum output length in characters.' },
        },
      },
    },
    ...(description ? { description } : {}),
  };
}

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- package.json's JSON

/** package.json with the generated parts written in (the object is changed in place and returned). */
export function applySettingsSchema(packageJson: Schema): Schema {
  const properties = packageJson.contributes.configuration.properties;
  const routes = properties['llmWorkbench.routes'];
  routes.properties = Object.fromEntries(TASKS.map((task) => [task, routeSettingSchema(`Route for ${task} tasks.`)]));
  const rule = properties['llmWorkbench.routing.rules'].items.properties;
  const taskEnum = { type: 'string', enum: [...TASKS] };
  rule.when.properties.task = { anyOf: [taskEnum, { type: 'array', items: taskEnum }] };
  rule.use = routeSettingSchema('Route to use when the rule matches.');
  rule.classify.properties.model = modelRefSchema;
  rule.classify.properties.simple = routeSettingSchema();
  rule.classify.properties.complex = routeSettingSchema();
  return packageJson;
}

/** `npm run generate:settings`: rewrites package.json in its own format (2 spaces, final newline). */
if (require.main === module) {
  const path = join(__dirname, '..', 'package.json');
  const packageJson = JSON.parse(readFileSync(path, 'utf8')) as Schema;
  writeFileSync(path, `${JSON.stringify(applySettingsSchema(packageJson), null, 2)}\n`);
}
