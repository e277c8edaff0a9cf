/**
 * Templates are rendered by Nunjucks itself, configured as promptfoo configures it (src/util/templates.ts,
 * `getNunjucksEngine`): autoescape off, undefined variables render empty, `env` in scope (the process environment
 * overlaid with the file's `env:`), the `load` filter (JSON.parse) and the file's `nunjucksFilters`.
 * Differences we cannot honour are refused before a run, never rendered differently: `{% include %}`-style tags
 * (promptfoo resolves them against its working directory through a file loader) are errors at their line.
 */
import nunjucks from 'nunjucks';

export class TemplateError extends Error {
  /** 0-based position inside the template text, when Nunjucks reports one. */
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

export type TemplateFilter = (...args: unknown[]) => unknown;

export interface TemplateScope {
  /** What `{{ env.X }}` reads; undefined = the process environment (promptfoo's default). */
  env?: Record<string, string | undefined>;
  /** `nunjucksFilters` loaded from the file's modules. */
  filters?: Record<string, TemplateFilter>;
}

export interface RenderResult {
  text: string;
  /** Variable roots the template reads that are not defined (for warnings). */
  missing: string[];
}

/** Tags that load other templates through a file loader; promptfoo's loader reads from its cwd. */
const LOADER_TAGS = new Set(['Include', 'Import', 'FromImport', 'Extends']);

const environments = new WeakMap<object, nunjucks.Environment>();
let defaultEnvironment: nunjucks.Environment | undefined;

function environmentFor(scope: TemplateScope = {}): nunjucks.Environment {
  const key = scope.filters;
  const cached = key ? environments.get(key) : defaultEnvironment;
  const env = cached ?? new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  if (!cached) {
    env.addFilter('load', (text: string) => JSON.parse(text) as unknown);
    for (const [name, filter] of Object.entries(scope.filters ?? {})) env.addFilter(name, filter as (...args: unknown[]) => unknown);
    if (key) environments.set(key, env);
    else defaultEnvironment = env;
  }
  return env;
}

/** Compiled templates per environment, bounded: the same prompt is compiled once, not once per case. */
const compiled = new WeakMap<nunjucks.Environment, Map<string, nunjucks.Template>>();
const COMPILED_LIMIT = 512;

/** Text without `{{`, `{%` or `{#` renders as itself; it is never compiled (a var's value usually has none). */
function hasTags(text: string): boolean {
  return /\{[{%#]/.test(text);
}

/**
 * The environment templates see, as promptfoo builds it: the process environment (none when
 * PROMPTFOO_DISABLE_TEMPLATE_ENV_VARS, or PROMPTFOO_SELF_HOSTED, is set), overlaid with the file's `env:`.
 */
export function templateEnv(
  fileEnv?: Record<string, string>,
  processEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const flag = (name: string) => promptfooFlag(name, processEnv);
  const disabled =
    processEnv.PROMPTFOO_DISABLE_TEMPLATE_ENV_VARS !== undefined && processEnv.PROMPTFOO_DISABLE_TEMPLATE_ENV_VARS !== ''
      ? flag('PROMPTFOO_DISABLE_TEMPLATE_ENV_VARS')
      : flag('PROMPTFOO_SELF_HOSTED');
  return { ...(disabled ? {} : processEnv), ...fileEnv };
}

/** A boolean promptfoo setting from the environment, read as promptfoo's getEnvBool reads it. */
export function promptfooFlag(name: string, processEnv: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes', 'yup', 'yeppers'].includes(String(processEnv[name] ?? '').toLowerCase());
}

/** Renders one template with Nunjucks; `env` is a global, as in promptfoo (a var named `env` wins over it). */
export function renderString(template: string, vars: Record<string, unknown>, scope: TemplateScope = {}): string {
  if (!hasTags(template)) return template;
  const env = environmentFor(scope);
  env.addGlobal('env', scope.env ?? templateEnv());
  try {
    let cache = compiled.get(env);
    if (!cache) compiled.set(env, (cache = new Map()));
    let tpl = cache.get(template);
    if (!tpl) {
      // Each compile makes a new function; thousands of distinct one-off texts would pile up compiled code.
      if (cache.size >= COMPILED_LIMIT) cache.clear();
      tpl = new nunjucks.Template(template, env, undefined, true);
      cache.set(template, tpl);
    }
    return tpl.render(vars);
  } catch (error) {
    throw toTemplateError(error);
  }
}

/** Renders and reports undefined variable roots (promptfoo renders them empty; we warn). */
export function renderTemplate(template: string, vars: Record<string, unknown>, scope: TemplateScope = {}): RenderResult {
  const missing = templateVariables(template).filter((name) => name !== 'env' && vars[name] === undefined);
  return { text: renderString(template, vars, scope), missing };
}

/** Renders every string inside a value (assertion values may hold `{{var}}`), leaving other types alone. */
export function renderDeep(value: unknown, vars: Record<string, unknown>, scope: TemplateScope = {}): unknown {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%') ? renderString(value, vars, scope) : value;
  // Unchanged values come back as the same object, so per-value caches (compiled JSON schemas) keep hitting.
  if (Array.isArray(value)) {
    const rendered = value.map((v) => renderDeep(v, vars, scope));
    return rendered.every((v, i) => v === value[i]) ? value : rendered;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const rendered = entries.map(([k, v]) => [k, renderDeep(v, vars, scope)] as const);
    return rendered.every(([, v], i) => v === entries[i][1]) ? value : Object.fromEntries(rendered);
  }
  return value;
}

/**
 * Checks a template before any run: Nunjucks syntax errors and loader tags become errors with the position inside
 * the template. Returns undefined when the template is usable.
 */
export function checkTemplate(template: string, extraFilters: readonly string[] = []): TemplateError | undefined {
  if (!template.includes('{%') && !template.includes('{{') && !template.includes('{#')) return undefined;
  let root: AstNode;
  try {
    root = (nunjucks as unknown as { parser: { parse(src: string): AstNode } }).parser.parse(template);
  } catch (error) {
    return toTemplateError(error);
  }
  const loader = findNode(root, (n) => LOADER_TAGS.has(n.typename));
  if (loader) {
    const tag = loader.typename === 'FromImport' ? 'from … import' : loader.typename.toLowerCase();
    return new TemplateError(
      `\`{% ${tag} %}\` loads another template file; llm-workbench does not run template loaders (promptfoo resolves them against its working directory): inline the text, or load it into a var with file://`,
      loader.lineno,
      loader.colno,
    );
  }
  const known = new Set([...Object.keys((environmentFor() as unknown as { filters: Record<string, unknown> }).filters), ...extraFilters]);
  const filter = findNode(root, (n) => n.typename === 'Filter' && !known.has(String((n.name as { value?: unknown } | undefined)?.value)));
  if (filter) {
    const name = String((filter.name as { value?: unknown }).value);
    return new TemplateError(
      `unknown filter "${name}": Nunjucks has no such filter (add it under nunjucksFilters, or use a built-in one such as upper, lower, trim, join, default, dump)`,
      filter.lineno,
      filter.colno,
    );
  }
  return undefined;
}

/** Whether a template reads `env` (the process environment). */
export function readsEnv(template: string): boolean {
  return (
    /\benv\s*(\.|\[)/.test(template) && templateVariables(template).some((v) => v === 'env' || v.startsWith('env.') || v.startsWith('env['))
  );
}

/**
 * Variables a template reads, as promptfoo's `extractVariablesFromTemplate` finds them (used for its
 * "undefined variable" checks and by us for warnings): `{{ name }}`/`{{ a.b | f }}` heads and `{% if/for x %}` heads,
 * with a for-loop's own variable replaced by the list it iterates.
 */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  const text = template.replace(/\{#[\s\S]*?#\}/g, '');
  const expression = /\{\{[\s]*([^{}\s|]+)[\s]*(?:\|[^}]+)?\}\}|\{%[\s]*(?:if|for)[\s]+([^{}\s]+)[\s]*.*?%\}/g;
  for (const match of text.matchAll(expression)) {
    const variable = match[1] || match[2];
    if (variable) names.add(variable);
  }
  for (const match of text.matchAll(/\{%[\s]*for[\s]+(\w+)[\s]+in[\s]+(\w+)[\s]*%\}/g)) {
    names.delete(match[1]);
    names.add(match[2]);
  }
  return [...names]
    .map((v) => /^[A-Za-z_$][\w$]*/.exec(v)?.[0])
    .filter((v): v is string => v !== undefined && !/^(true|false|none|null)$/i.test(v));
}

interface AstNode {
  typename: string;
  lineno?: number;
  colno?: number;
  children?: unknown;
  [field: string]: unknown;
}

function findNode(node: unknown, test: (n: AstNode) => boolean, depth = 0): AstNode | undefined {
  if (depth > 200 || !node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findNode(child, test, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const n = node as AstNode;
  if (typeof n.typename === 'string' && test(n)) return n;
  for (const value of Object.values(n)) {
    if (value && typeof value === 'object') {
      const found = findNode(value, test, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Nunjucks errors read "(unknown path) [Line 1, Column 12]\n  message"; keep the message and the position. */
function toTemplateError(error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const position = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const message = raw
    .replace(/^\(unknown path\)\s*/, '')
    .replace(/\[Line \d+, Column \d+\]\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return new TemplateError(
    message || 'the template cannot be rendered',
    position ? Number(position[1]) - 1 : undefined,
    position ? Number(position[2]) - 1 : undefined,
  );
}
