/**
 * `is-sql` and `contains-sql` with promptfoo 0.123.1's semantics (src/assertions/sql.ts): node-sql-parser (its
 * version) must parse the output in the value's `databaseType` (default MySQL), a few heuristics catch what that
 * parser lets through, and `allowedTables` / `allowedColumns` are node-sql-parser whitelist checks. contains-sql tries
 * each ```sql (or unlabelled) fenced block, else the whole output.
 */
import type { Check } from '../assertionOutcome';
import { loadSqlParser } from './evalLibraries';

export interface SqlOptions {
  databaseType?: string;
  allowedTables?: string[];
  allowedColumns?: string[];
}

const IDENTIFIER = '[A-Za-z_][A-Za-z0-9_]*';

/** `SELECT a b FROM t`: two bare identifiers before FROM, which the parser reads as an alias, is a missing comma. */
function missingCommaPattern(modifiers: string): RegExp {
  return new RegExp(String.raw`\bselect\s+(?:${modifiers}\s+)*(?!${modifiers}\b)${IDENTIFIER}\s+${IDENTIFIER}\s+from\b`, 'i');
}
const STANDARD_MISSING_COMMA = missingCommaPattern('(?:all|distinct)');
const MYSQL_MISSING_COMMA = missingCommaPattern(
  '(?:all|distinct(?:row)?|high_priority|straight_join|sql_(?:big_result|buffer_result|cache|calc_found_rows|no_cache|small_result))',
);
const MYSQL_FAMILY = new Set(['MySQL', 'MariaDB']);
const BRACKET_IDENTIFIERS = new Set(['TransactSQL', 'Sqlite']);

function quotedEnd(sql: string, start: number, quote: string): number {
  const closing = quote === '[' ? ']' : quote;
  let i = start + 1;
  while (i < sql.length) {
    if (closing !== ']' && sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (sql[i] === closing) {
      if (sql[i + 1] === closing) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** The end of a comment, quoted text or dollar-quoted string starting at `i`, with what replaces it; else undefined. */
function ignoredSpan(sql: string, i: number, brackets: boolean): { end: number; replacement: string } | undefined {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`' || (c === '[' && brackets)) return { end: quotedEnd(sql, i, c), replacement: ' ? ' };
  if ((c === '-' && sql[i + 1] === '-') || c === '#') {
    let end = i + 1;
    while (end < sql.length && sql[end] !== '\r' && sql[end] !== '\n') end++;
    return { end, replacement: ' ' };
  }
  if (c === '/' && sql[i + 1] === '*') {
    const close = sql.indexOf('*/', i + 2);
    return { end: close === -1 ? sql.length : close + 2, replacement: ' ' };
  }
  if (c === '$') {
    const delimiter = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
    if (!delimiter) return undefined;
    const close = sql.indexOf(delimiter, i + delimiter.length);
    return { end: close === -1 ? sql.length : close + delimiter.length, replacement: ' ? ' };
  }
  return undefined;
}

/** The SQL with strings and comments blanked, so the heuristics only see code. */
export function stripIgnoredSql(sql: string, databaseType: string): string {
  const brackets = BRACKET_IDENTIFIERS.has(databaseType);
  const chunks: string[] = [];
  let plainStart = 0;
  let i = 0;
  while (i < sql.length) {
    const span = ignoredSpan(sql, i, brackets);
    if (!span) {
      i++;
      continue;
    }
    chunks.push(sql.slice(plainStart, i), span.replacement);
    i = span.end;
    plainStart = i;
  }
  chunks.push(sql.slice(plainStart));
  return chunks.join('');
}

/** Problems node-sql-parser does not see, each reported as a syntax failure as promptfoo does. */
function heuristicFailures(sql: string, databaseType: string): number {
  const normalized = sql.trim();
  let failures = 0;
  if (normalized.length === 0) failures++;
  if ((normalized.match(/`/g)?.length ?? 0) % 2 !== 0) failures++;
  const pattern = MYSQL_FAMILY.has(databaseType) ? MYSQL_MISSING_COMMA : STANDARD_MISSING_COMMA;
  if (pattern.test(stripIgnoredSql(normalized, databaseType))) failures++;
  if (databaseType === 'MySQL' && /\bgenerate_series\s*\(/i.test(normalized)) failures++;
  return failures;
}

type WhitelistKind = 'table' | 'column';

function whitelistFailure(sql: string, allowed: string[], kind: WhitelistKind, databaseType: string, shown: string[]): string | undefined {
  const parser = new (loadSqlParser().Parser)();
  const opt = { database: databaseType, type: kind };
  try {
    parser.whiteListCheck(sql, allowed, opt);
    return undefined;
  } catch (error) {
    let found: string[] = [];
    try {
      const parsed = parser.parse(sql, opt);
      found = (kind === 'table' ? parsed.tableList : parsed.columnList) ?? [];
    } catch {
      // promptfoo reports the whitelist error itself when the lists cannot be read
    }
    return found.length > 0
      ? `SQL references unauthorized ${kind}(s). Found: [${found.join(', ')}]. Allowed: [${shown.join(', ')}].`
      : `SQL validation failed: ${(error as Error).message}.`;
  }
}

/** `table::null::column` is also allowed where promptfoo's caller wrote `table::schema::column`. */
function columnAliases(columns: string[]): string[] {
  const all = [...columns];
  for (const item of columns) {
    const parts = item.split('::');
    if (parts.length === 3 && parts[1] !== 'null') {
      const alias = `${parts[0]}::null::${parts[2]}`;
      if (!all.includes(alias)) all.push(alias);
    }
  }
  return all;
}

export function checkIsSql(output: string, options: SqlOptions | undefined, negate: boolean): Check {
  const databaseType = options?.databaseType || 'MySQL';
  const syntaxFailure = `SQL statement does not conform to the provided ${databaseType} database syntax.`;
  const reasons: string[] = Array.from({ length: heuristicFailures(output, databaseType) }, () => syntaxFailure);
  try {
    new (loadSqlParser().Parser)().astify(output, { database: databaseType });
  } catch {
    reasons.push(syntaxFailure);
  }
  let failed = reasons.length > 0;
  if (options?.allowedTables) {
    const problem = whitelistFailure(output, options.allowedTables, 'table', databaseType, options.allowedTables);
    if (problem) reasons.push(problem);
    failed ||= problem !== undefined;
  }
  if (options?.allowedColumns) {
    const problem = whitelistFailure(output, columnAliases(options.allowedColumns), 'column', databaseType, options.allowedColumns);
    if (problem) reasons.push(problem);
    failed ||= problem !== undefined;
  }
  const pass = failed === negate;
  if (negate && !pass && reasons.length === 0) reasons.push('The output SQL statement is valid');
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : reasons.join(' ') };
}

interface Fence {
  character: string;
  length: number;
  info: string;
}

/** A CommonMark code fence line (up to 3 spaces of indent, 3+ backticks or tildes). */
function codeFence(line: string): Fence | undefined {
  const m = /^[ \t]{0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return undefined;
  return { character: m[1][0], length: m[1].length, info: m[2] };
}

/** The bodies of ```sql and unlabelled fenced blocks, trimmed, in order. */
export function sqlCodeBlocks(output: string): string[] {
  const blocks: string[] = [];
  let open: { fence: Fence; body: string[]; sql: boolean } | undefined;
  for (const line of output.split(/\r\n?|\n/)) {
    const fence = codeFence(line);
    if (!open) {
      if (fence) {
        const language = fence.info.trim().toLowerCase();
        open = { fence, body: [], sql: language === '' || language === 'sql' };
      }
      continue;
    }
    const closes = fence && /^[ \t]*$/.test(fence.info) && fence.character === open.fence.character;
    if (closes && fence.length >= open.fence.length) {
      if (open.sql) blocks.push(open.body.join('\n').trim());
      open = undefined;
    } else open.body.push(line);
  }
  return blocks;
}

export function checkContainsSql(output: string, options: SqlOptions | undefined, negate: boolean): Check {
  const blocks = sqlCodeBlocks(output);
  let reason = 'Output does not contain valid SQL';
  let found = false;
  for (const candidate of blocks.length > 0 ? blocks : [output]) {
    if (candidate.trim().length === 0) continue;
    const check = checkIsSql(candidate, options, false);
    if (check.pass) {
      found = true;
      break;
    }
    reason = check.reason;
  }
  const pass = found !== negate;
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : found ? 'The output SQL statement is valid' : reason };
}
