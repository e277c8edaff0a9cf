import { PROMPTFOO_TYPE_ORDER } from './assertionTypes';

/**
 * promptfoo's CSV test files: one test per row, columns are vars, `__expected` (and `__expected1`, `__expected2`...)
 * hold one assertion each in the compact `type:value` syntax, `__description` names the case.
 */

export interface CsvRow {
  /** 0-based line where the row starts. */
  line: number;
  cells: string[];
  /** Where each cell starts (0-based line and column), for diagnostics at the cell. */
  starts?: { line: number; column: number }[];
}

/** RFC 4180: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): { header: string[]; rows: CsvRow[] } | { error: string; line: number } {
  const records: CsvRow[] = [];
  let field = '';
  let cells: string[] = [];
  let quoted = false;
  let line = 0;
  let recordLine = 0;
  let fieldStarted = false;
  let lineStart = 0;
  let starts: { line: number; column: number }[] = [];
  let fieldStart = { line: 0, column: 0 };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!quoted && !fieldStarted && field === '' && (i === 0 || text[i - 1] === ',' || text[i - 1] === '\n' || text[i - 1] === '\r'))
      fieldStart = { line, column: i - lineStart };
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') {
          line++;
          lineStart = i + 1;
        }
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      starts.push(fieldStart);
      cells.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      starts.push(fieldStart);
      cells.push(field);
      if (cells.some((cell) => cell !== '') || cells.length > 1) records.push({ line: recordLine, cells, starts });
      cells = [];
      starts = [];
      lineStart = i + 1;
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) return { error: 'a quoted field is never closed: add the closing "', line: recordLine };
  if (fieldStarted || cells.length > 0) {
    starts.push(fieldStart);
    cells.push(field);
    records.push({ line: recordLine, cells, starts });
  }
  if (records.length === 0) return { error: 'the CSV file is empty: add a header row of variable names and one row per test', line: 0 };
  const [header, ...rows] = records;
  return { header: header.cells.map((h) => h.trim()), rows };
}

/** A compact assertion as promptfoo reads it, or why the cell cannot run here. */
export type CompactAssertion = { type: string; value?: unknown; threshold?: number } | { error: string };

let compactRegex: RegExp | undefined;

/** promptfoo's `getAssertionRegex`: its type names as one alternation in its order, then `(threshold)` and `:value`. */
function typeRegex(): RegExp {
  compactRegex ??= new RegExp(
    `^(not-)?(${PROMPTFOO_TYPE_ORDER.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`,
  );
  return compactRegex;
}

/** Types whose compact form gets a threshold even when none is written (promptfoo: 0.75, similar 0.8). */
const DEFAULT_THRESHOLD_TYPES = new Set([
  'answer-relevance',
  'classifier',
  'context-faithfulness',
  'context-recall',
  'context-relevance',
  'cost',
  'latency',
  'levenshtein',
  'perplexity-score',
  'perplexity',
  'rouge-n',
  'similar',
  'starts-with',
]);
const LIST_TYPES = new Set(['contains-any', 'contains-all', 'icontains-any', 'icontains-all']);

/**
 * promptfoo 0.123.1's `assertionFromString` (src/util/testCaseReader.ts) for a CSV `__expected` cell:
 * `javascript:`/`fn:`/`eval:` and `file://*.js` are javascript; `grade:`/`llm-rubric:` llm-rubric; `python:` python;
 * then `[not-]type[(threshold)][:value]` for any promptfoo type; anything else is `equals` with the whole cell.
 * A bare `file://x.py` is refused: promptfoo 0.123.1 strips its `file://` and runs the path as inline Python.
 */
export function assertionFromString(expected: string): CompactAssertion {
  if (
    expected.startsWith('javascript:') ||
    expected.startsWith('fn:') ||
    expected.startsWith('eval:') ||
    (expected.startsWith('file://') && /\.(js|cjs|mjs|ts|cts|mts)$/i.test(expected.slice(7)))
  ) {
    const cut = expected.startsWith('javascript:') ? 11 : expected.startsWith('fn:') ? 3 : expected.startsWith('eval:') ? 5 : 0;
    return { type: 'javascript', value: expected.slice(cut).trim() };
  }
  if (expected.startsWith('grade:') || expected.startsWith('llm-rubric:'))
    return { type: 'llm-rubric', value: expected.slice(expected.startsWith('grade:') ? 6 : 11) };
  if (expected.startsWith('python:')) return { type: 'python', value: expected.slice(7).trim() };
  if (expected.startsWith('file://') && (expected.endsWith('.py') || expected.includes('.py:'))) {
    return {
      error: `promptfoo 0.123.1 reads "${expected}" in __expected as inline Python code (without file://), which fails: write python:${expected} to run the script`,
    };
  }
  const m = typeRegex().exec(expected);
  if (!m) return { type: 'equals', value: expected };
  const [, not, type, thresholdText, value] = m;
  const full = not ? `not-${type}` : type;
  const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
  if (LIST_TYPES.has(type)) {
    if (value === undefined || value === '') return { type: full, value };
    const list = commaSeparated(value);
    return 'error' in list ? list : { type: full, value: list.values };
  }
  if (type === 'contains-json' || type === 'is-json') return { type: full, value };
  if (DEFAULT_THRESHOLD_TYPES.has(type))
    return { type: full, value: value?.trim(), threshold: threshold ?? (type === 'similar' ? 0.8 : 0.75) };
  return { type: full, value: value?.trim() };
}

/** promptfoo's `parseCommaSeparatedAssertionValues`: commas separate, "double quotes" protect commas (\" and "" escape). */
function commaSeparated(value: string): { values: string[] } | { error: string } {
  const values: string[] = [];
  let i = 0;
  const skipSpace = (j: number) => {
    while (j < value.length && /\s/.test(value[j])) j++;
    return j;
  };
  while (i < value.length) {
    while (i < value.length) {
      i = skipSpace(i);
      if (value[i] !== ',') break;
      i++;
    }
    if (i >= value.length) break;
    if (value[i] === '"') {
      let j = i + 1;
      let field = '';
      let closed = false;
      while (j < value.length) {
        if (value[j] === '\\' && j + 1 < value.length && (value[j + 1] === '"' || value[j + 1] === '\\')) {
          field += value[j + 1];
          j += 2;
        } else if (value[j] === '"' && value[j + 1] === '"') {
          field += '"';
          j += 2;
        } else if (value[j] === '"') {
          j++;
          closed = true;
          break;
        } else field += value[j++];
      }
      if (!closed) return { error: 'Unterminated quoted field in contains assertion value' };
      values.push(field);
      i = skipSpace(j);
      if (i < value.length && value[i] !== ',') return { error: 'Expected comma after quoted field in contains assertion value' };
    } else {
      let j = i;
      while (j < value.length && value[j] !== ',') j++;
      values.push(value.slice(i, j).trim());
      i = j;
    }
  }
  return { values };
}

/** promptfoo's `parseFiniteNumber` for threshold cells: a complete numeric literal, else unset. */
function finiteNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export interface CsvTestProblem {
  message: string;
  /** The column the problem is in. */
  column: number;
  severity: 'error' | 'warning';
}

/**
 * One CSV row as promptfoo's `testCaseFromCsvRow` builds a test: `__expected*` cells are compact assertions,
 * `__description`, `__threshold` (the test's), `__metric` (every assertion's metric), `__config:__expectedN:threshold`,
 * `__metadata:key` (kept, unused); other columns are vars. `__prefix`, `__suffix` and `__providerOutput` change what
 * is sent or skip the call, which llm-workbench does not do from CSV: refused at the column.
 */
export function testFromCsvRow(
  header: readonly string[],
  cells: readonly string[],
): { data: Record<string, unknown>; assertColumns: number[]; problems: CsvTestProblem[] } {
  const vars: Record<string, unknown> = {};
  const assert: Record<string, unknown>[] = [];
  const assertColumns: number[] = [];
  const problems: CsvTestProblem[] = [];
  const configs: Record<number, { threshold?: number }> = {};
  let description: string | undefined;
  let metric: string | undefined;
  let threshold: number | undefined;
  header.forEach((rawKey, column) => {
    const key = rawKey.trim();
    const value = cells[column] ?? '';
    if (!key.startsWith('__') && /^_(expected|prefix|suffix|description|providerOutput|metric|threshold|metadata|config)/.test(key)) {
      problems.push({
        severity: 'warning',
        column,
        message: `You used a single underscore for the key "${key}". Did you mean to use "_${key}" instead?`,
      });
    }
    if (key.startsWith('__expected')) {
      if (value.trim() === '') return;
      const parsed = assertionFromString(value.trim());
      if ('error' in parsed) problems.push({ severity: 'error', column, message: parsed.error });
      else {
        assert.push({ ...parsed });
        assertColumns.push(column);
      }
    } else if (key === '__description') description = value;
    else if (key === '__metric') metric = value;
    else if (key === '__threshold') threshold = finiteNumber(value);
    else if (key === '__prefix' || key === '__suffix' || key === '__providerOutput') {
      if (value !== '')
        problems.push({
          severity: 'error',
          column,
          message: `the CSV column ${key} is not supported by llm-workbench; move it into the prompt, or run the file with --engine promptfoo`,
        });
    } else if (key.startsWith('__metadata')) {
      // metadata does not change what runs or how it is graded
    } else if (key.startsWith('__config:')) {
      const m = /^__config:(__expected(\d*)):([^:]+)$/.exec(key);
      const index = m ? (m[2] === '' ? 0 : Number(m[2]) - 1) : -1;
      if (!m || index < 0 || m[3] !== 'threshold') {
        problems.push({
          severity: 'error',
          column,
          message: `invalid column "${key}": write __config:__expected:threshold or __config:__expected<N>:threshold`,
        });
        return;
      }
      const n = finiteNumber(value);
      if (n === undefined)
        problems.push({ severity: 'error', column, message: `invalid numeric value "${value}" for threshold in column "${key}"` });
      else (configs[index] ??= {}).threshold = n;
    } else vars[key] = value;
  });
  assert.forEach((a, i) => {
    a.metric = metric;
    if (configs[i]?.threshold !== undefined) a.threshold = configs[i].threshold;
  });
  const data: Record<string, unknown> = { vars, assert };
  if (description) data.description = description;
  if (threshold !== undefined) data.threshold = threshold;
  return { data, assertColumns, problems };
}

/** Kept for older callers and tests: the compact syntax as an assertion mapping (errors read as `equals`). */
export function parseAssertionString(text: string, _knownTypes?: readonly string[]): { type: string; value?: unknown; threshold?: number } {
  const parsed = assertionFromString(text.trim());
  return 'error' in parsed ? { type: 'equals', value: text } : parsed;
}
