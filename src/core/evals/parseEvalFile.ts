import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TASKS, type Task } from '../providers/chat';
import { isDelegable } from './delegate/delegation';
import type { DerivedMetric, EvalCase, EvalFile } from './evalModel';
import { validateEvalData, type SchemaProblem } from './evalSchema';
import { checkReadable, DEFAULT_MAX_FILE_BYTES, FileRefError } from './fileRefs';
import { isRecord, ParseContext, ZERO_RANGE, type ParseOptions } from './parseContext';
import { buildPrompts } from './parsePrompts';
import { MAX_REPEAT } from './planJobs';
import { buildProviders, providersKey, type ProviderParseOptions } from './parseProviders';
import { buildCases, buildDefaultTest, collectScenarios, collectTests } from './parseTests';
import type { EvalDiagnostic, SourceRange } from './sourceRange';
import { promptfooFlag } from './template';
import { YamlSource } from './yamlSource';

export type { ParseOptions } from './parseContext';

export interface EvalParseOptions extends ParseOptions {
  /** Provider ids from the user's settings: `id:model` refs to them are our own (not promptfoo ids). */
  knownProviderIds?: readonly string[];
}

/** Top-level keys and what we do with them; anything else is refused so it cannot be silently ignored. */
const KNOWN_TOP_LEVEL = new Set([
  'description',
  'task',
  'minPassRate',
  'callsPerDay',
  'prompts',
  'providers',
  'targets',
  'defaultTest',
  'tests',
  'scenarios',
  'env',
  'nunjucksFilters',
  'derivedMetrics',
]);
/** Keys that change nothing about what is sent or how it is judged (promptfoo's output, sharing and UI settings). */
const INERT_TOP_LEVEL = new Set([
  'outputPath',
  'sharing',
  'tags',
  'metadata',
  'writeLatestResults',
  '$schema',
  'version',
  'evaluateOptions',
]);
const REFUSED_TOP_LEVEL: Record<string, string> = {
  extensions: '`extensions` run hook code around the eval; llm-workbench does not run them: run this file with --engine promptfoo',
  redteam:
    "`redteam` belongs to promptfoo's red-team engine: generate its tests with `promptfoo redteam generate`, then run the file with --engine promptfoo",
  tracing: '`tracing` (OpenTelemetry traces per test) is not run by llm-workbench: remove it, or run this file with --engine promptfoo',
  commandLineOptions: '`commandLineOptions` sets promptfoo CLI flags; pass the matching llm-workbench flags instead',
  assertionTemplates:
    '`assertionTemplates` is not run by llm-workbench: write the assertions out, or run this file with --engine promptfoo',
  plugins:
    "`plugins` belongs to promptfoo's red-team engine: generate its tests with `promptfoo redteam generate`, then run the file with --engine promptfoo",
  strategies:
    "`strategies` belongs to promptfoo's red-team engine: generate its tests with `promptfoo redteam generate`, then run the file with --engine promptfoo",
};

/** promptfoo's DerivedMetricSchema: `[{name: string, value: string | function}]`; a YAML file can only hold strings. */
function readDerivedMetrics(ctx: ParseContext, source: YamlSource, raw: unknown): DerivedMetric[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    ctx.errorAtKey(
      source,
      [],
      'derivedMetrics',
      '`derivedMetrics` must be a list of {name, value} (value: a mathjs expression over metric names)',
    );
    return undefined;
  }
  const out: DerivedMetric[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = ['derivedMetrics', i];
    if (!isRecord(entry) || typeof entry.name !== 'string' || !entry.name || typeof entry.value !== 'string') {
      ctx.error(
        source,
        at,
        `\`derivedMetrics[${i}]\` must be {name: <text>, value: <mathjs expression>}, e.g. {name: f1, value: "2 * precision * recall / (precision + recall)"}`,
      );
      return;
    }
    const extra = Object.keys(entry).filter((k) => k !== 'name' && k !== 'value');
    if (extra.length > 0)
      ctx.errorAtKey(source, at, extra[0], `\`derivedMetrics[${i}].${extra[0]}\` is not a key promptfoo reads (name, value)`);
    out.push({ name: entry.name, value: entry.value, location: { file: source.file, range: source.rangeAt(at) } });
  });
  return out;
}

/** Reads and parses an eval file; never throws: every problem is a diagnostic. */
export function parseEvalFile(path: string, options: EvalParseOptions = {}): EvalFile {
  const absolute = resolve(path);
  let text: string;
  try {
    if (options.readFile) text = options.readFile(absolute);
    else {
      checkReadable(absolute, { roots: [], maxBytes: options.fileRules?.maxBytes ?? DEFAULT_MAX_FILE_BYTES });
      text = readFileSync(absolute, 'utf8');
    }
  } catch (error) {
    const reason =
      error instanceof FileRefError
        ? error.message
        : (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file'
          : (error as Error).message;
    return emptyFile(absolute, [
      { severity: 'error', message: `cannot read the eval file (${reason}): check the path`, range: ZERO_RANGE, file: absolute },
    ]);
  }
  return parseEvalText(text, absolute, options);
}

/** Parses eval file text (e.g. an unsaved editor buffer) as if it were at `path`. Never throws. */
export function parseEvalText(text: string, path: string, options: EvalParseOptions = {}): EvalFile {
  const absolute = resolve(path);
  try {
    return new EvalFileParser(absolute, text, options).parse();
  } catch (error) {
    // A bug must not take the editor or the CLI down with a stack trace: it becomes a diagnostic at the top.
    return emptyFile(absolute, [
      { severity: 'error', message: `the eval file could not be read: ${(error as Error).message}`, range: ZERO_RANGE, file: absolute },
    ]);
  }
}

function emptyFile(path: string, diagnostics: EvalDiagnostic[]): EvalFile {
  return { path, prompts: [], providers: [], task: 'chat', tests: [], diagnostics, fatal: true };
}

function contains(range: SourceRange, inner: SourceRange): boolean {
  const before = (a: SourceRange['start'], b: SourceRange['start']) => a.line < b.line || (a.line === b.line && a.column <= b.column);
  return before(range.start, inner.start) && before(inner.start, range.end);
}

class EvalFileParser {
  private readonly ctx: ParseContext;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly options: EvalParseOptions,
  ) {
    this.ctx = new ParseContext(path, options);
  }

  parse(): EvalFile {
    const ctx = this.ctx;
    const source = new YamlSource(this.path, this.text);
    const testProblems = this.sortYamlProblems(source);
    if (ctx.fatal && source.doc.contents === null) return this.result({});
    const { data, error } = source.toData();
    if (error !== undefined) {
      ctx.error(source, [], `cannot read the YAML: ${error}`);
      return this.result({});
    }
    if (!isRecord(data)) {
      ctx.error(source, [], 'an eval file is a mapping with `prompts`, `providers` and `tests` (see examples/evals/)');
      return this.result({});
    }
    this.checkSchema(source, data, testProblems);
    this.checkTopLevelKeys(source, data);
    if (promptfooFlag('PROMPTFOO_DISABLE_TEMPLATING')) {
      // promptfoo would send every prompt and assertion value unrendered; llm-workbench always renders them.
      ctx.error(
        source,
        [],
        'PROMPTFOO_DISABLE_TEMPLATING is set: promptfoo would send the templates unrendered, llm-workbench renders them: unset it, or run this file with --engine promptfoo',
      );
    }
    const env = this.fileEnv(source, data.env);
    const providerOptions: ProviderParseOptions = { knownProviderIds: this.options.knownProviderIds, fileEnv: env };
    const key = providersKey(ctx, source, data);
    const providers = key ? buildProviders(ctx, source, [key], data[key], providerOptions) : [];
    const collected = collectTests(ctx, source, data.tests, testProblems);
    const testSources = collected ?? [];
    const hasPromptVar = testSources.some((t) => isRecord(t.data) && isRecord(t.data.vars) && 'prompt' in t.data.vars);
    const prompts = buildPrompts(
      ctx,
      source,
      data.prompts,
      hasPromptVar,
      isRecord(data.nunjucksFilters) ? Object.keys(data.nunjucksFilters) : [],
    );
    const defaults = buildDefaultTest(ctx, source, data.defaultTest, providerOptions);
    const scenarioSources = collectScenarios(ctx, source, data.scenarios);
    // promptfoo: no tests and no scenarios = one test with no vars (each prompt runs once).
    const noTests =
      collected !== undefined &&
      testSources.length === 0 &&
      scenarioSources.length === 0 &&
      (data.tests === undefined || data.tests === null || (Array.isArray(data.tests) && data.tests.length === 0));
    const all = noTests ? [{ data: {}, source, path: [], problems: [] }] : [...testSources, ...scenarioSources];
    const { cases } = buildCases(ctx, all, defaults, prompts, providerOptions);
    const task = typeof data.task === 'string' && (TASKS as readonly string[]).includes(data.task) ? (data.task as Task) : 'chat';
    return this.result({
      description: typeof data.description === 'string' ? data.description : undefined,
      prompts,
      providers,
      task,
      tests: cases,
      minPassRate: typeof data.minPassRate === 'number' ? data.minPassRate : undefined,
      callsPerDay: typeof data.callsPerDay === 'number' ? data.callsPerDay : undefined,
      env,
      nunjucksFilters: this.filters(source, data.nunjucksFilters),
      derivedMetrics: readDerivedMetrics(ctx, source, data.derivedMetrics),
      repeat: isRecord(data.evaluateOptions) && validRepeat(data.evaluateOptions.repeat) ? data.evaluateOptions.repeat : undefined,
    });
  }

  /** YAML problems inside a test belong to that test (it alone is skipped); the others to the file. */
  private sortYamlProblems(source: YamlSource): Map<number, EvalDiagnostic[]> {
    const byTest = new Map<number, EvalDiagnostic[]>();
    // Nothing to sort: the `yaml` document (which the fast path does not build) is not needed for the tests' ranges.
    if (source.diagnostics.length === 0) return byTest;
    const node = source.nodeAt(['tests']);
    const ranges =
      node && 'items' in node && Array.isArray(node.items)
        ? node.items.map((_: unknown, i: number) => source.rangeOf(source.nodeAt(['tests', i])))
        : [];
    for (const d of source.diagnostics) {
      const owner = source.syntaxErrors.has(d) ? -1 : ranges.findIndex((r: SourceRange) => contains(r, d.range));
      if (owner >= 0) (byTest.get(owner) ?? byTest.set(owner, []).get(owner)!).push(d);
      else this.ctx.push([d]);
    }
    return byTest;
  }

  private checkSchema(source: YamlSource, data: Record<string, unknown>, testProblems: Map<number, EvalDiagnostic[]>): void {
    for (const problem of validateEvalData(data)) {
      const d = this.schemaDiagnostic(source, problem);
      const [head, index] = problem.path;
      if (head === 'tests' && typeof index === 'number') (testProblems.get(index) ?? testProblems.set(index, []).get(index)!).push(d);
      else if ((head === 'providers' || head === 'targets') && typeof index === 'number') this.ctx.diagnostics.push(d);
      else this.ctx.push([d]);
    }
  }

  private schemaDiagnostic(source: YamlSource, problem: SchemaProblem): EvalDiagnostic {
    const keyNode = problem.key ? source.keyAt(problem.path, problem.key) : undefined;
    return source.diagnostic('error', problem.message, keyNode ? source.rangeOf(keyNode) : source.rangeAt(problem.path));
  }

  private checkTopLevelKeys(source: YamlSource, data: Record<string, unknown>): void {
    for (const key of Object.keys(data)) {
      if (KNOWN_TOP_LEVEL.has(key)) continue;
      if (key === 'evaluateOptions') this.checkEvaluateOptions(source, data.evaluateOptions);
      else if (INERT_TOP_LEVEL.has(key)) continue;
      else if (REFUSED_TOP_LEVEL[key]) this.ctx.errorAtKey(source, [], key, REFUSED_TOP_LEVEL[key]);
      else
        this.ctx.errorAtKey(
          source,
          [],
          key,
          `\`${key}\` is not a key llm-workbench knows; remove it (promptfoo would ignore or reject it too)`,
        );
    }
  }

  /** `evaluateOptions`: concurrency and delays only change timing; `repeat` and the others change what runs. */
  private checkEvaluateOptions(source: YamlSource, raw: unknown): void {
    if (!isRecord(raw)) return;
    for (const key of Object.keys(raw)) {
      if (['maxConcurrency', 'delay', 'cache', 'showProgressBar', 'timeoutMs', 'maxEvalTimeMs'].includes(key)) continue;
      if (key === 'repeat') {
        if (!validRepeat(raw.repeat))
          this.ctx.errorAtKey(
            source,
            ['evaluateOptions'],
            key,
            `\`evaluateOptions.repeat\` must be a whole number from 1 to ${MAX_REPEAT.toLocaleString('en-US')} (or pass --repeat N)`,
          );
        continue;
      }
      this.ctx.errorAtKey(
        source,
        ['evaluateOptions'],
        key,
        `\`evaluateOptions.${key}\` is not run from the file by llm-workbench: remove it, or run this file with --engine promptfoo`,
      );
    }
  }

  private fileEnv(source: YamlSource, raw: unknown): Record<string, string> | undefined {
    if (raw === undefined) return undefined;
    if (!isRecord(raw)) {
      this.ctx.error(source, ['env'], '`env` must be a mapping of environment variables');
      return undefined;
    }
    return Object.fromEntries(
      Object.entries(raw)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, String(v)]),
    );
  }

  private filters(source: YamlSource, raw: unknown): Record<string, string> | undefined {
    if (raw === undefined) return undefined;
    if (!isRecord(raw)) {
      this.ctx.error(source, ['nunjucksFilters'], '`nunjucksFilters` must map filter names to JavaScript files');
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [name, file] of Object.entries(raw)) {
      if (typeof file !== 'string') {
        this.ctx.error(source, ['nunjucksFilters', name], `\`nunjucksFilters.${name}\` must be a path to a JavaScript file`);
        continue;
      }
      // promptfoo joins the path to the config's folder as written (a `file://` prefix then names no file) and
      // skips a filter it does not find: templates using it fail with "filter not found", as they do here.
      const absolute = join(this.ctx.dir, file);
      try {
        checkReadable(absolute, this.ctx.rules, this.options.readFile !== undefined);
        out[name] = absolute;
      } catch (error) {
        if (error instanceof FileRefError && /does not exist/.test(error.message)) {
          this.ctx.warn(
            source,
            ['nunjucksFilters'],
            `\`nunjucksFilters.${name}\`: ${absolute} does not exist (promptfoo reads this path as written${file.startsWith('file://') ? ', without removing file://' : ''}); prompts that use \`${name}\` fail with "filter not found"`,
            name,
          );
        } else this.ctx.error(source, ['nunjucksFilters', name], `\`nunjucksFilters.${name}\`: ${(error as Error).message}`);
      }
    }
    return out;
  }

  private result(parts: Partial<EvalFile>): EvalFile {
    // Refusals of promptfoo features promptfoo itself can run leave the file whole: the workspace's promptfoo may run it.
    const errors = this.ctx.diagnostics.filter((d) => d.severity === 'error');
    const delegable = errors.length > 0 && errors.every(isDelegable);
    const fatal = this.ctx.fatal && !delegable;
    const tests: EvalCase[] = fatal ? [] : (parts.tests ?? []);
    const file: EvalFile = {
      path: this.path,
      prompts: [],
      providers: [],
      task: 'chat',
      ...parts,
      tests,
      diagnostics: sortDiagnostics(this.ctx.diagnostics),
      fatal,
    };
    if (delegable) file.needsPromptfoo = this.ctx.fatal || tests.length === 0 ? 'file' : 'tests';
    return file;
  }
}

function sortDiagnostics(diagnostics: EvalDiagnostic[]): EvalDiagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column,
  );
}

function validRepeat(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_REPEAT;
}
