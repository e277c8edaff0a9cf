import Ajv, { type ValidateFunction } from 'ajv';
import type { OutputValidator } from '../config/routingRule';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Cascade on validation: checks an answer against a route's validator. Returns why it failed, or undefined when it
 * passes. JSON schemas go through ajv (compiled once per schema object); labels compare trimmed and case-insensitive.
 */
export function validateOutput(text: string, validator: OutputValidator): string | undefined {
  const trimmed = text.trim();
  if (validator.minLength !== undefined && trimmed.length < validator.minLength) {
    return `the answer has ${trimmed.length} characters, fewer than the ${validator.minLength} required`;
  }
  if (validator.maxLength !== undefined && trimmed.length > validator.maxLength) {
    return `the answer has ${trimmed.length} characters, more than the ${validator.maxLength} allowed`;
  }
  if (validator.allowedLabels) {
    const label = trimmed
      .replace(/[."'`]+$/g, '')
      .replace(/^["'`]+/, '')
      .toLowerCase();
    if (!validator.allowedLabels.some((allowed) => allowed.toLowerCase() === label)) {
      return `"${short(trimmed)}" is not one of the allowed labels (${validator.allowedLabels.join(', ')})`;
    }
  }
  if (validator.jsonSchema) {
    let value: unknown;
    try {
      value = JSON.parse(stripFence(trimmed));
    } catch {
      return `the answer is not JSON ("${short(trimmed)}")`;
    }
    let validate = compiled.get(validator.jsonSchema);
    if (!validate) {
      validate = ajv.compile(validator.jsonSchema);
      compiled.set(validator.jsonSchema, validate);
    }
    if (!validate(value)) {
      return `the JSON does not match the schema: ${ajv.errorsText(validate.errors, { dataVar: 'answer' })}`;
    }
  }
  return undefined;
}

/** Models often wrap JSON in a ```json fence even when asked not to; the fence is not part of the value. */
function stripFence(text: string): string {
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/.exec(text);
  return fenced ? fenced[1] : text;
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
