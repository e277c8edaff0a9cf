/**
 * Test lists from files, as promptfoo's readTests loads them: YAML (a list or one test), JSON (a list or one
 * test), JSONL (one test per line), CSV (one test per row), and globs over them. Generators promptfoo would execute
 * (`.js`, `.ts` test files) run only where code may run (testGenerators); Python generators and spreadsheets are refused
 * at the reference.
 */
import { extname } from 'node:path';
import { parseCsv, testFromCsvRow } from './csvTests';
import { validateTestData } from './evalSchema';
import { expandGlob, hasGlobMagic } from './fileRefs';
import { isRecord, type ParseContext } from './parseContext';
import { runTestGenerator } from './testGenerators';
import type { EvalDiagnostic, SourceRange } from './sourceRange';
import { formatPath, YamlSource, type DataPath } from './yamlSource';

export interface TestSource {
  data: unknown;
  source: YamlSource;
  path: DataPath;
  /** Problems already found for this test (schema, YAML); the test is skipped when any is an error. */
  problems: EvalDiagnostic[];
  /** A row of a .csv or a line of a .jsonl file; for CSV, the range of the cell each assertion came from. */
  fromCsv?: { line: number; assertCells?: SourceRange[] };
  /** promptfoo names file-loaded tests without a description `Row #N`. */
  defaultDescription?: string;
}

const GENERATORS = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.py']);

/** A `tests:` string or list item that names files: each file's tests, in order. Undefined after a reported error. */
export function loadTestRef(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  ref: string,
  generatorConfig?: unknown,
): TestSource[] | undefined {
  const bare = ref.replace(/^file:\/\//, '');
  if (/^(https?|az|huggingface|hf):\/\//.test(bare)) {
    ctx.error(
      source,
      path,
      `\`${formatPath(path)}\` loads tests from ${bare.split(':')[0]}; llm-workbench reads local files only: download them into a .csv/.yaml/.jsonl next to the eval file`,
    );
    return undefined;
  }
  const head = bare.replace(/:[A-Za-z_]\w*$/, '');
  const ext = extname(head.split('#')[0]).toLowerCase();
  if (GENERATORS.has(ext)) return generatedTests(ctx, source, path, bare, head, ext, generatorConfig);
  if (ext === '.xlsx' || ext === '.xls') {
    ctx.error(source, path, `\`${formatPath(path)}\` is a spreadsheet; save it as .csv`);
    return undefined;
  }
  if (hasGlobMagic(bare)) {
    let files: string[];
    try {
      files = expandGlob(bare, ctx.dir, ctx.rules);
    } catch (error) {
      ctx.error(source, path, `\`${formatPath(path)}\`: ${(error as Error).message}`);
      return undefined;
    }
    if (files.length === 0) {
      ctx.error(source, path, `\`${formatPath(path)}\` (${ref}) matches no test file`);
      return undefined;
    }
    const out: TestSource[] = [];
    for (const f of files) out.push(...(loadTestFile(ctx, source, path, f) ?? []));
    return out;
  }
  return loadTestFile(ctx, source, path, ctx.resolve(bare));
}

/** A `.js`/`.ts` test generator run where code may run; its tests are reported at the `tests:` reference. */
function generatedTests(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  bare: string,
  head: string,
  ext: string,
  config: unknown,
): TestSource[] | undefined {
  const where = `\`${formatPath(path)}\``;
  if (ext === '.py') {
    ctx.error(
      source,
      path,
      `${where} is a Python test generator; llm-workbench runs JavaScript/TypeScript generators only: write its output to a .yaml/.jsonl file, or run this file with --engine promptfoo`,
    );
    return undefined;
  }
  if (!ctx.allowCode) {
    ctx.error(
      source,
      path,
      `${where} is a test generator (${ext} code that makes the tests): it runs only where code may run (a trusted workspace, or the CLI without --no-code)`,
    );
    return undefined;
  }
  const file = ctx.resolve(head);
  if (!ctx.readRef(source, path, `file://${file}`, true)) return undefined;
  let value: unknown;
  try {
    value = runTestGenerator(file, head === bare ? undefined : bare.slice(head.length + 1), config);
  } catch (error) {
    ctx.error(source, path, `${where}: the test generator ${file} failed: ${(error as Error).message}`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    ctx.error(
      source,
      path,
      `${where}: the test generator ${file} must give a list of tests, got ${value === null ? 'nothing' : typeof value}`,
    );
    return undefined;
  }
  return value.map((item, i) => ({
    data: item,
    source,
    path: [...path, i],
    problems: validateTestData(item, []).map((p) =>
      source.diagnostic('error', `${where} (generated test ${i + 1}): ${p.message}`, source.rangeAt(path)),
    ),
  }));
}

function loadTestFile(ctx: ParseContext, source: YamlSource, path: DataPath, file: string): TestSource[] | undefined {
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json', '.jsonl', '.csv'].includes(ext)) {
    ctx.error(source, path, `\`${formatPath(path)}\`: ${file} is not a test file promptfoo reads (.yaml, .json, .jsonl, .csv)`);
    return undefined;
  }
  const loaded = ctx.readRef(source, path, `file://${file}`, true);
  if (!loaded) return undefined;
  if (ext === '.csv') return csvTests(ctx, file, loaded.text);
  if (ext === '.jsonl') return jsonlTests(ctx, file, loaded.text);
  const inner = new YamlSource(file, loaded.text);
  ctx.push(inner.diagnostics);
  const { data, error } = inner.toData();
  if (inner.diagnostics.some((d) => d.severity === 'error')) return undefined;
  if (error !== undefined || data === undefined || data === null || typeof data !== 'object') {
    ctx.push([
      inner.diagnostic(
        'error',
        `${file} must hold a list of tests (each with vars and assert)${error ? `: ${error}` : ''}`,
        inner.rangeAt([]),
      ),
    ]);
    return undefined;
  }
  const list = Array.isArray(data) ? data : [data];
  return list.map((item, i) => ({
    data: item,
    source: inner,
    path: Array.isArray(data) ? [i] : [],
    problems: validateTestData(item, Array.isArray(data) ? [i] : []).map((p) =>
      inner.diagnostic('error', p.message, inner.rangeAt(p.path)),
    ),
    defaultDescription: ext === '.json' ? `Row #${i + 1}` : undefined,
  }));
}

function jsonlTests(ctx: ParseContext, file: string, text: string): TestSource[] | undefined {
  const out: TestSource[] = [];
  const empty = new YamlSource(file, '');
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    if (!lines[line].trim()) continue;
    const range = { start: { line, column: 0 }, end: { line, column: lines[line].length } };
    let data: unknown;
    try {
      data = JSON.parse(lines[line]);
    } catch (error) {
      ctx.push([
        {
          severity: 'error',
          file,
          range,
          message: `${file} line ${line + 1} is not JSON (${(error as Error).message}): each line of a .jsonl test file is one test`,
        },
      ]);
      return undefined;
    }
    const problems = isRecord(data)
      ? validateTestData(data, []).map((p) => ({ severity: 'error' as const, file, range, message: p.message }))
      : [{ severity: 'error' as const, file, range, message: 'a .jsonl test line must be a JSON object' }];
    out.push({ data, source: empty, path: [], problems, fromCsv: { line }, defaultDescription: `Row #${out.length + 1}` });
  }
  return out;
}

function csvTests(ctx: ParseContext, file: string, text: string): TestSource[] | undefined {
  const parsed = parseCsv(text.replace(/^\uFEFF/, ''));
  if ('error' in parsed) {
    ctx.push([
      {
        severity: 'error',
        message: `${file}: ${parsed.error}`,
        file,
        range: { start: { line: parsed.line, column: 0 }, end: { line: parsed.line, column: 0 } },
      },
    ]);
    return undefined;
  }
  const csvSource = new YamlSource(file, '');
  return parsed.rows.map((row, i) => {
    const { data, assertColumns, problems } = testFromCsvRow(parsed.header, row.cells);
    const cellRange = (column: number): SourceRange => {
      const start = row.starts?.[column] ?? { line: row.line, column: 0 };
      return { start, end: start };
    };
    const diagnostics = problems.map((p) => ({ severity: p.severity, message: `${file}: ${p.message}`, file, range: cellRange(p.column) }));
    return {
      data,
      source: csvSource,
      path: [],
      problems: diagnostics,
      fromCsv: { line: row.line, assertCells: assertColumns.map(cellRange) },
      defaultDescription: `Row #${i + 1}`,
    };
  });
}
