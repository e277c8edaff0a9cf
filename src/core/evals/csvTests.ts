import { ASSERTION_TYPES } from './assertionTypes';
/**
 * promptfoo's CSV test files: one test per row, columns are vars, `__expected` (and `__expected1`, `__expected2`...)
 * hold one assertion each in the compact `type:value` syntax, `__description` names the case.
 */

export interface CsvRow {
  /** 0-based line where the row starts. */
  line: number;
  cells: string[];
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
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      cells.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(field);
      if (cells.some((cell) => cell !== '') || cells.length > 1) records.push({ line: recordLine, cells });
      cells = [];
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
    cells.push(field);
    records.push({ line: recordLine, cells });
  }
  if (records.length === 0) return { error: 'the CSV file is empty: add a header row of variable names and one row per test', line: 0 };
  const [header, ...rows] = records;
  return { header: header.cells.map((h) => h.trim()), rows };
}

/** Prefixes of the compact syntax that map to another type name. */
const ALIASES: Record<string, string> = { fn: 'javascript', grade: 'llm-rubric' };
const LIST_TYPES = new Set(['contains-any', 'contains-all', 'icontains-any', 'icontains-all']);

/**
 * `contains:Paris`, `not-icontains:error`, `levenshtein(3):hello`, `javascript:output.length < 9`, `is-json`;
 * a value without a known prefix means `equals`, as in promptfoo.
 */
export function parseAssertionString(text: string, knownTypes: readonly string[]): { type: string; value?: unknown; threshold?: number } {
  const m = /^(not-)?([a-z][a-z-]*)(?:\((-?\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$/.exec(text.trim());
  if (m) {
    const [, not = '', rawType, threshold, value] = m;
    const type = ALIASES[rawType] ?? rawType;
    if (knownTypes.includes(type) && (value !== undefined || ['is-json', 'contains-json'].includes(type))) {
      const parsedValue = value === undefined ? undefined : LIST_TYPES.has(type) ? value.split(',').map((v) => v.trim()) : value;
      return { type: `${not}${type}`, value: parsedValue, threshold: threshold === undefined ? undefined : Number(threshold) };
    }
  }
  return { type: 'equals', value: text };
}

/**
 * One CSV row as a test: columns are vars; `__expected*` are assertions in the compact syntax; `__description`
 * names the case. (Moved here from the parser so the CSV column rules live in one place.)
 */
export function csvRowToTest(header: readonly string[], cells: readonly string[]): { description?: string; vars: Record<string, unknown>; assert: unknown[] } {
  const vars: Record<string, unknown> = {};
  const assert: unknown[] = [];
  let description: string | undefined;
  header.forEach((name, c) => {
    const cell = cells[c] ?? '';
    if (/^__expected\d*$/.test(name)) {
      if (cell.trim() !== '') assert.push(parseAssertionString(cell, ASSERTION_TYPES));
    } else if (name === '__description') description = cell;
    else if (!name.startsWith('__')) vars[name] = cell;
  });
  return { description, vars, assert };
}
