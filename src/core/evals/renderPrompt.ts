/**
 * Renders one prompt for one case exactly as promptfoo's renderPrompt does (src/evaluatorHelpers.ts):
 * one trailing newline is stripped from every string var; `{{ name }}` references between vars are resolved
 * (resolveVariables, up to 5 passes); a prompt that is JSON is rendered string by string and re-serialised with
 * 2-space indentation; otherwise each var is itself rendered as a template (unless it reads an undefined var) and
 * the prompt is rendered with them. The vars are changed in place, as promptfoo's are (assertions see them).
 */
import { renderString, templateVariables, type TemplateScope } from './template';

export function renderPromptText(raw: string, vars: Record<string, unknown>, scope: TemplateScope = {}): string {
  for (const key of Object.keys(vars)) {
    const value = vars[key];
    if (typeof value === 'string') vars[key] = value.replace(/\n$/, '');
  }
  resolveVariables(vars);
  let parsed: unknown;
  let isJson: boolean;
  try {
    parsed = JSON.parse(raw);
    isJson = true;
  } catch {
    isJson = false;
  }
  // promptfoo renders JSON prompts with its default engine (no custom filters), vars as they are.
  if (isJson) return JSON.stringify(renderVarsInObject(parsed, vars, { env: scope.env }), null, 2);
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(vars)) {
    rendered[key] =
      typeof value !== 'string' || referencesUndefinedVariables(value, vars) ? value : renderString(autoWrapRaw(value), vars, scope);
  }
  return renderString(autoWrapRaw(raw), rendered, scope);
}

/** promptfoo's resolveVariables: the first `{{ word }}` of each string var is replaced by that var, up to 5 passes. */
export function resolveVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const pattern = /\{\{\s*(\w+)\s*\}\}/;
  let iterations = 0;
  let resolved: boolean;
  do {
    resolved = true;
    for (const key of Object.keys(vars)) {
      const value = vars[key];
      if (typeof value !== 'string') continue;
      const match = pattern.exec(value);
      if (match) {
        const [placeholder, name] = match;
        if (vars[name] !== undefined) {
          // String.prototype.replace with a non-string value converts it as JavaScript does (lists join with ",").
          vars[key] = value.replace(placeholder, String(vars[name]));
          resolved = false;
        }
      }
    }
    iterations++;
  } while (!resolved && iterations < 5);
  return vars;
}

/** A prompt with an unclosed tag is sent literally (promptfoo wraps it in {% raw %}). */
function autoWrapRaw(prompt: string): string {
  const partial = /({%[^%]*$|{{[^}]*$|{#[^#]*$)/m.test(prompt);
  const wrapped = /{%\s*raw\s*%}/.test(prompt) && /{%\s*endraw\s*%}/.test(prompt);
  return partial && !wrapped ? `{% raw %}${prompt}{% endraw %}` : prompt;
}

function referencesUndefinedVariables(template: string, vars: Record<string, unknown>): boolean {
  return templateVariables(template).some((name) => name !== 'env' && vars[name] === undefined);
}

function renderVarsInObject(value: unknown, vars: Record<string, unknown>, scope: TemplateScope): unknown {
  if (typeof value === 'string') return renderString(value, vars, scope);
  if (Array.isArray(value)) return value.map((item) => renderVarsInObject(item, vars, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = renderVarsInObject((value as Record<string, unknown>)[key], vars, scope);
    return out;
  }
  return value;
}
