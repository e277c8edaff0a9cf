/**
 * `{{ var }}` templating in the Nunjucks style promptfoo uses, limited to what eval files need:
 * dotted and indexed paths (`ticket.customer.name`, `items[0]`), the common filters
 * (upper, lower, trim, capitalize, title, length, first, last, join, default, dump/json, replace), and `{# comments #}`.
 * Strings render as they are, other values as JSON (so a list var reads as `["a","b"]`).
 * Undefined variables render as an empty string, as Nunjucks does, and are reported so the caller can warn.
 */

export class TemplateError extends Error {}

export interface RenderResult {
  text: string;
  /** Variable paths that were not defined. */
  missing: string[];
}

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
const COMMENT = /\{#[\s\S]*?#\}/g;

export function renderTemplate(template: string, vars: Record<string, unknown>): RenderResult {
  if (template.includes('{%')) {
    throw new TemplateError('`{% %}` control tags are not supported; use {{ var }} placeholders only');
  }
  const missing: string[] = [];
  const text = template.replace(COMMENT, '').replace(EXPRESSION, (_match, body: string) => {
    const { value, missingPath } = evaluate(body, vars);
    if (missingPath !== undefined) missing.push(missingPath);
    return stringify(value);
  });
  return { text, missing };
}

/** Renders every string inside a value (assertion values may hold `{{var}}`), leaving other types alone. */
export function renderDeep(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.includes('{{') ? renderTemplate(value, vars).text : value;
  // Unchanged values come back as the same object, so per-value caches (compiled JSON schemas) keep hitting.
  if (Array.isArray(value)) {
    const rendered = value.map((v) => renderDeep(v, vars));
    return rendered.every((v, i) => v === value[i]) ? value : rendered;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const rendered = entries.map(([k, v]) => [k, renderDeep(v, vars)] as const);
    return rendered.every(([, v], i) => v === entries[i][1]) ? value : Object.fromEntries(rendered);
  }
  return value;
}

/** Variable names a template reads (roots of paths), for static checks. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.replace(COMMENT, '').matchAll(EXPRESSION)) {
    const head = splitPipes(match[1])[0].trim();
    const root = /^[A-Za-z_$][\w$]*/.exec(head);
    if (root && !isLiteral(head)) names.add(root[0]);
  }
  return [...names];
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function evaluate(body: string, vars: Record<string, unknown>): { value: unknown; missingPath?: string } {
  const [head, ...filters] = splitPipes(body);
  const expr = head.trim();
  if (expr === '') throw new TemplateError('empty {{ }} placeholder: write a variable name inside, e.g. {{ question }}');
  let value: unknown;
  let missingPath: string | undefined;
  if (isLiteral(expr)) value = parseLiteral(expr);
  else {
    value = lookup(expr, vars);
    const hasDefault = filters.some((f) => /^\s*(default|d)\b/.test(f));
    if (value === undefined && !hasDefault) missingPath = expr;
  }
  for (const filter of filters) value = applyFilter(filter.trim(), value);
  return { value, missingPath };
}

/** Splits on `|` outside quotes (a `|` inside a filter's string argument stays). */
function splitPipes(body: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '|') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function isLiteral(expr: string): boolean {
  return /^(['"]).*\1$/s.test(expr) || /^-?\d+(\.\d+)?$/.test(expr) || expr === 'true' || expr === 'false';
}

function parseLiteral(expr: string): unknown {
  if (expr.startsWith("'") || expr.startsWith('"')) return expr.slice(1, -1).replace(/\\(.)/g, '$1');
  if (expr === 'true') return true;
  if (expr === 'false') return false;
  return Number(expr);
}

const PATH_SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(['"])(.*?)\3\])/;

function lookup(path: string, vars: Record<string, unknown>): unknown {
  let rest = path;
  let current: unknown = vars;
  let first = true;
  while (rest.length > 0) {
    const m = PATH_SEGMENT.exec(rest);
    if (!m || (first && rest.startsWith('.'))) {
      throw new TemplateError(`"${path}" is not a variable path: use names, dots and [index], e.g. {{ ticket.lines[0] }}`);
    }
    const key = m[1] ?? m[2] ?? m[4];
    current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    rest = rest.slice(m[0].length);
    first = false;
  }
  return current;
}

function parseFilter(text: string): { name: string; args: unknown[] } {
  const m = /^([A-Za-z_]\w*)\s*(?:\((.*)\))?$/s.exec(text);
  if (!m) throw new TemplateError(`"${text}" is not a filter: write e.g. {{ name | upper }} or {{ items | join(", ") }}`);
  const args: unknown[] = [];
  const argText = m[2]?.trim();
  if (argText) {
    const re = /\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)\s*(?:,|$)/gy;
    let consumed = 0;
    for (let a = re.exec(argText); a; a = re.exec(argText)) {
      args.push(parseLiteral(a[1]));
      consumed = re.lastIndex;
      if (consumed >= argText.length) break;
    }
    if (consumed < argText.length) throw new TemplateError(`filter "${m[1]}" has arguments it cannot read: use quoted strings or numbers`);
  }
  return { name: m[1], args };
}

const FILTERS: Record<string, (value: unknown, ...args: unknown[]) => unknown> = {
  upper: (v) => stringify(v).toUpperCase(),
  lower: (v) => stringify(v).toLowerCase(),
  trim: (v) => stringify(v).trim(),
  capitalize: (v) => {
    const s = stringify(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  title: (v) => stringify(v).replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  length: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  first: (v) => (Array.isArray(v) ? v[0] : typeof v === 'string' ? v.charAt(0) : undefined),
  last: (v) => (Array.isArray(v) ? v[v.length - 1] : typeof v === 'string' ? v.charAt(v.length - 1) : undefined),
  join: (v, sep = '') => (Array.isArray(v) ? v.map(stringify).join(String(sep)) : stringify(v)),
  default: (v, fallback = '') => (v === undefined || v === null ? fallback : v),
  d: (v, fallback = '') => (v === undefined || v === null ? fallback : v),
  dump: (v, indent) => JSON.stringify(v, null, typeof indent === 'number' ? indent : undefined),
  json: (v, indent) => JSON.stringify(v, null, typeof indent === 'number' ? indent : undefined),
  replace: (v, from = '', to = '') => stringify(v).split(String(from)).join(String(to)),
};

function applyFilter(text: string, value: unknown): unknown {
  const { name, args } = parseFilter(text);
  const filter = FILTERS[name];
  if (!filter) throw new TemplateError(`unknown filter "${name}"; supported: ${Object.keys(FILTERS).join(', ')}`);
  return filter(value, ...args);
}
