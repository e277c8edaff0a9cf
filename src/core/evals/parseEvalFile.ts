import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { TASKS, type Task } from '../providers/chat';
import { pickGrader } from './assertions/grading/graderChoice';
import { buildAssertion } from './buildAssertion';
import { mergeGradingOptions, readGradingOptions } from './gradingOptions';
import { parseCsv, testFromCsvRow } from './csvTests';
import type { AssertionSpec, EvalCase, EvalFile, GradingOptions, PromptMessage, PromptSpec, ProviderSpec, SourceLocation } from './evalModel';
import { isDelegable } from './delegate/delegation';
import { unknownAssertionMessage, validateEvalData, validateTestData, type SchemaProblem } from './evalSchema';
import { normalizeProviderRef } from './providerRef';
import type { EvalDiagnostic, SourceRange } from './sourceRange';
import { renderTemplate, templateVariables, TemplateError } from './template';
import { formatPath, YamlSource, type DataPath } from './yamlSource';

export interface ParseOptions {
  /** Reads the main file and `file://` targets (absolute paths). Default: the disk. The editor passes open buffers. */
  readFile?: (absolutePath: string) => string;
}

/** Top-level promptfoo keys that change what runs: ignoring them silently would change verdicts. */
const UNSUPPORTED_TOP_LEVEL = ['scenarios', 'derivedMetrics', 'assertionTemplates', 'nunjucksFilters', 'extensions', 'redteam'];
const KNOWN_TOP_LEVEL = new Set(['description', 'task', 'minPassRate', 'callsPerDay', 'prompts', 'providers', 'defaultTest', 'tests']);
const PROVIDER_CONFIG_KEYS = new Set(['temperature', 'max_tokens', 'apiBaseUrl']);

/** Reads and parses an eval file; never throws: every problem is a diagnostic. */
export function parseEvalFile(path: string, options: ParseOptions = {}): EvalFile {
  const absolute = resolve(path);
  const read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  let text: string;
  try {
    text = read(absolute);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return emptyFile(absolute, [
      { severity: 'error', message: `cannot read the eval file (${reason}): check the path`, range: zeroRange(), file: absolute },
    ]);
  }
  return parseEvalText(text, absolute, options);
}

/** Parses eval file text (e.g. an unsaved editor buffer) as if it were at `path`. */
export function parseEvalText(text: string, path: string, options: ParseOptions = {}): EvalFile {
  return new EvalFileParser(resolve(path), text, options).parse();
}

function zeroRange(): SourceRange {
  return { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
}

function emptyFile(path: string, diagnostics: EvalDiagnostic[]): EvalFile {
  return { path, prompts: [], providers: [], task: 'chat', tests: [], diagnostics, fatal: true };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function contains(range: SourceRange, inner: SourceRange): boolean {
  const before = (a: SourceRange['start'], b: SourceRange['start']) => a.line < b.line || (a.line === b.line && a.column <= b.column);
  return before(range.start, inner.start) && before(inner.start, range.end);
}

interface TestSource {
  data: unknown;
  source: YamlSource;
  path: DataPath;
  /** Problems already found for this test (schema, YAML); the test is skipped when any is an error. */
  problems: EvalDiagnostic[];
  fromCsv?: { line: number; /** Range of the cell each assertion came from. */ assertCells: SourceRange[] };
}

class EvalFileParser {
  private readonly diagnostics: EvalDiagnostic[] = [];
  private fatal = false;
  private readonly read: (p: string) => string;
  private readonly dir: string;

  constructor(
    private readonly path: string,
    private readonly text: string,
    options: ParseOptions,
  ) {
    this.read = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
    this.dir = dirname(path);
  }

  parse(): EvalFile {
    const source = new YamlSource(this.path, this.text);
    const testRanges = this.testRanges(source);
    const testProblems = new Map<number, EvalDiagnostic[]>();
    const problemsOf = (index: number) => testProblems.get(index) ?? testProblems.set(index, []).get(index)!;

    for (const d of source.diagnostics) {
      const owner = source.syntaxErrors.has(d) ? -1 : testRanges.findIndex((r) => r && contains(r, d.range));
      if (owner >= 0) problemsOf(owner).push(d);
      else {
        this.diagnostics.push(d);
        if (d.severity === 'error') this.fatal = true;
      }
    }
    if (this.fatal && source.doc.contents === null) return this.result({});
    const { data, error } = source.toData();
    if (error !== undefined) {
      this.error(source, [], `cannot read the YAML: ${error}`);
      return this.result({});
    }
    if (!isRecord(data)) {
      this.error(source, [], 'an eval file is a mapping with `prompts`, `providers` and `tests` (see examples/evals/)');
      return this.result({});
    }

    const badProviders = new Set<number>();
    for (const problem of validateEvalData(data)) {
      const d = this.schemaDiagnostic(source, problem);
      const [head, index] = problem.path;
      if (head === 'tests' && typeof index === 'number') problemsOf(index).push(d);
      else {
        this.diagnostics.push(d);
        if (head === 'providers' && typeof index === 'number') badProviders.add(index);
        else this.fatal = true;
      }
    }
    this.checkTopLevelKeys(source, data);

    const prompts = this.buildPrompts(source, data.prompts);
    const providers = this.buildProviders(source, data.providers, badProviders);
    const defaults = this.buildDefaultTest(source, data.defaultTest);
    const tests = this.buildTests(source, data.tests, testProblems, defaults, prompts);
    const task = typeof data.task === 'string' && (TASKS as readonly string[]).includes(data.task) ? (data.task as Task) : 'chat';
    return this.result({
      description: typeof data.description === 'string' ? data.description : undefined,
      prompts,
      providers,
      task,
      tests,
      minPassRate: typeof data.minPassRate === 'number' ? data.minPassRate : undefined,
      callsPerDay: typeof data.callsPerDay === 'number' ? data.callsPerDay : undefined,
    });
  }

  private result(parts: Partial<EvalFile>): EvalFile {
    // Refusals of promptfoo features promptfoo itself can run leave the file whole: the workspace's promptfoo may run it.
    const errors = this.diagnostics.filter((d) => d.severity === 'error');
    const delegable = errors.length > 0 && errors.every(isDelegable);
    const fatal = this.fatal && !delegable;
    const tests = fatal ? [] : (parts.tests ?? []);
    const file: EvalFile = { path: this.path, prompts: [], providers: [], task: 'chat', ...parts, tests, diagnostics: sortDiagnostics(this.diagnostics), fatal };
    if (delegable) file.needsPromptfoo = this.fatal || tests.length === 0 ? 'file' : 'tests';
    return file;
  }

  private testRanges(source: YamlSource): (SourceRange | undefined)[] {
    const node = source.nodeAt(['tests']);
    if (!node || !('items' in node) || !Array.isArray(node.items)) return [];
    return node.items.map((_: unknown, i: number) => {
      const item = source.nodeAt(['tests', i]);
      return item ? source.rangeOf(item) : undefined;
    });
  }

  private error(source: YamlSource, path: DataPath, message: string, fatal = true): EvalDiagnostic {
    const d = source.diagnostic('error', message, source.rangeAt(path));
    this.diagnostics.push(d);
    if (fatal) this.fatal = true;
    return d;
  }

  private warn(source: YamlSource, path: DataPath, message: string, key?: string): void {
    const node = key ? source.keyAt(path, key) : undefined;
    this.diagnostics.push(source.diagnostic('warning', message, node ? source.rangeOf(node) : source.rangeAt(path)));
  }

  private schemaDiagnostic(source: YamlSource, problem: SchemaProblem): EvalDiagnostic {
    const keyNode = problem.key ? source.keyAt(problem.path, problem.key) : undefined;
    const range = keyNode ? source.rangeOf(keyNode) : source.rangeAt(problem.path);
    return source.diagnostic('error', problem.message, range);
  }

  private checkTopLevelKeys(source: YamlSource, data: Record<string, unknown>): void {
    if (data.prompts === undefined) this.error(source, [], 'the eval file has no `prompts`: add a list of prompt templates, e.g. prompts: ["Classify: {{ticket}}"]');
    if (data.tests === undefined) this.error(source, [], 'the eval file has no `tests`: add a list of cases with `vars` and `assert`');
    for (const key of Object.keys(data)) {
      if (KNOWN_TOP_LEVEL.has(key)) continue;
      if (UNSUPPORTED_TOP_LEVEL.includes(key)) {
        const node = source.keyAt([], key);
        this.diagnostics.push(
          source.diagnostic('error', `\`${key}\` is a promptfoo feature llm-workbench does not run natively: run the file with --engine promptfoo (the workspace's promptfoo), or remove it`, node ? source.rangeOf(node) : zeroRange()),
        );
        this.fatal = true;
      } else {
        this.warn(source, [], `\`${key}\` is not used by llm-workbench and is ignored`, key);
      }
    }
  }

  // ---- file:// references ------------------------------------------------------------------------------

  private resolveRef(ref: string): string {
    const target = ref.slice('file://'.length);
    return isAbsolute(target) ? target : resolve(this.dir, target);
  }

  /** Reads a `file://` target; on failure reports at `path` and returns undefined. */
  private readRef(source: YamlSource, path: DataPath, ref: string, fatal: boolean): { file: string; text: string } | undefined {
    const file = this.resolveRef(ref);
    try {
      return { file, text: this.read(file) };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
      this.error(source, path, `\`${formatPath(path)}\` refers to ${file}, but ${reason}: fix the path (it is relative to the eval file)`, fatal);
      return undefined;
    }
  }

  // ---- prompts ------------------------------------------------------------------------------------------

  private buildPrompts(source: YamlSource, raw: unknown): PromptSpec[] {
    if (raw === undefined) return [];
    const items = Array.isArray(raw) && !isMessageList(raw) ? raw : [raw];
    const single = !(Array.isArray(raw) && !isMessageList(raw));
    const prompts: PromptSpec[] = [];
    items.forEach((item, i) => {
      const path: DataPath = single ? ['prompts'] : ['prompts', i];
      const location: SourceLocation = { file: this.path, range: source.rangeAt(path) };
      const add = (template: string | PromptMessage[], label?: string) => {
        if (this.checkTemplate(source, path, template)) prompts.push({ label: label ?? promptLabel(template, prompts.length), template, location });
      };
      if (typeof item === 'string') {
        if (item.startsWith('file://')) {
          const loaded = this.loadPromptFile(source, path, item);
          if (loaded !== undefined) add(loaded, item.slice('file://'.length));
        } else add(item);
      } else if (isMessageList(item)) add(item.map((m) => ({ role: m.role, content: m.content })));
      else if (isRecord(item)) {
        const label = typeof item.label === 'string' ? item.label : undefined;
        if (typeof item.raw === 'string') add(item.raw, label);
        else if (typeof item.id === 'string' && item.id.startsWith('file://')) {
          const loaded = this.loadPromptFile(source, path, item.id);
          if (loaded !== undefined) add(loaded, label ?? item.id.slice('file://'.length));
        } else if (typeof item.id === 'string') this.error(source, path, `\`${formatPath(path)}.id\` must be a file:// reference; for inline text use \`raw\``);
      }
    });
    if (prompts.length === 0 && !this.fatal) this.error(source, ['prompts'], '`prompts` has no usable prompt: add at least one template');
    return prompts;
  }

  private loadPromptFile(source: YamlSource, path: DataPath, ref: string): string | PromptMessage[] | undefined {
    const loaded = this.readRef(source, path, ref, true);
    if (!loaded) return undefined;
    const ext = extname(loaded.file).toLowerCase();
    if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
      const inner = new YamlSource(loaded.file, loaded.text);
      const { data } = inner.toData();
      if (inner.diagnostics.some((d) => d.severity === 'error') || data === undefined) {
        this.diagnostics.push(...inner.diagnostics);
        this.fatal = true;
        return undefined;
      }
      if (typeof data === 'string') return data;
      if (isMessageList(data)) return data.map((m) => ({ role: m.role, content: m.content }));
      this.error(source, path, `${loaded.file} must hold a prompt string or a list of chat messages [{role, content}]`);
      return undefined;
    }
    return loaded.text;
  }

  private checkTemplate(source: YamlSource, path: DataPath, template: string | PromptMessage[]): boolean {
    const texts = typeof template === 'string' ? [template] : template.map((m) => m.content);
    for (const text of texts) {
      try {
        renderTemplate(text, {});
      } catch (error) {
        if (error instanceof TemplateError) {
          this.error(source, path, `\`${formatPath(path)}\`: ${error.message}`);
          return false;
        }
        throw error;
      }
    }
    return true;
  }

  // ---- providers ----------------------------------------------------------------------------------------

  private buildProviders(source: YamlSource, raw: unknown, bad: Set<number>): ProviderSpec[] {
    if (raw === undefined || raw === null) return [];
    const single = !Array.isArray(raw);
    const items = single ? [raw] : (raw as unknown[]);
    const providers: ProviderSpec[] = [];
    items.forEach((item, i) => {
      if (!single && bad.has(i)) return;
      const path: DataPath = single ? ['providers'] : ['providers', i];
      const id = typeof item === 'string' ? item : isRecord(item) && typeof item.id === 'string' ? item.id : undefined;
      if (id === undefined) return;
      const ref = normalizeProviderRef(id);
      if (!ref) return;
      const spec: ProviderSpec = { id, ref, label: ref, location: { file: this.path, range: source.rangeAt(path) } };
      if (isRecord(item)) {
        if (typeof item.label === 'string') spec.label = item.label;
        const config = item.config;
        if (isRecord(config)) {
          if (typeof config.temperature === 'number') spec.temperature = config.temperature;
          if (typeof config.max_tokens === 'number') spec.maxTokens = config.max_tokens;
          if (typeof config.apiBaseUrl === 'string') {
            spec.apiBaseUrl = config.apiBaseUrl;
            const keyNode = source.keyAt([...path, 'config'], 'apiBaseUrl');
            spec.apiBaseUrlLocation = { file: this.path, range: keyNode ? source.rangeOf(keyNode) : source.rangeAt([...path, 'config', 'apiBaseUrl']) };
          }
          for (const key of Object.keys(config)) {
            if (!PROVIDER_CONFIG_KEYS.has(key)) this.warn(source, [...path, 'config'], `provider config \`${key}\` is not used by llm-workbench and is ignored (supported: temperature, max_tokens, apiBaseUrl)`, key);
          }
        }
      }
      if (providers.some((p) => p.label === spec.label)) {
        this.error(source, path, `provider "${spec.label}" is listed twice: give one a different \`label\``, false);
        return;
      }
      providers.push(spec);
    });
    if (providers.length === 0 && items.length > 0 && !this.fatal) this.error(source, ['providers'], '`providers` has no usable provider: fix the entries above');
    return providers;
  }

  // ---- tests --------------------------------------------------------------------------------------------

  private buildDefaultTest(source: YamlSource, raw: unknown): DefaultTest {
    const defaults: DefaultTest = { vars: {}, assert: [], grading: {} };
    if (!isRecord(raw)) return defaults;
    if (isRecord(raw.vars)) defaults.vars = raw.vars;
    if (typeof raw.threshold === 'number') defaults.threshold = raw.threshold;
    const problems: EvalDiagnostic[] = [];
    const fileCtx = { source, path: ['defaultTest'] as DataPath, resolveRef: (r: string) => this.resolveRef(r), read: this.read };
    defaults.grading = readGradingOptions(raw, fileCtx, problems);
    // promptfoo also tries defaultTest.provider as a grader when no options.provider is set anywhere.
    if (typeof raw.provider === 'string') defaults.providerGrader = readGradingOptions({ options: { provider: raw.provider } }, fileCtx, problems).grader;
    for (const d of problems) {
      this.diagnostics.push(d);
      this.fatal = true;
    }
    if (Array.isArray(raw.assert)) {
      raw.assert.forEach((a, j) => {
        const built = buildAssertion(a, { source, path: ['defaultTest', 'assert', j], resolveRef: (r) => this.resolveRef(r), read: this.read });
        for (const d of built.diagnostics) {
          this.diagnostics.push(d);
          if (d.severity === 'error') this.fatal = true;
        }
        if (built.assertion) defaults.assert.push(built.assertion);
      });
    }
    return defaults;
  }

  private buildTests(
    source: YamlSource,
    raw: unknown,
    problems: Map<number, EvalDiagnostic[]>,
    defaults: DefaultTest,
    prompts: PromptSpec[],
  ): EvalCase[] {
    const sources = this.collectTests(source, raw, problems);
    if (sources === undefined) return [];
    if (sources.length === 0) {
      this.error(source, ['tests'], '`tests` is empty: add at least one case with `vars` and `assert`');
      return [];
    }
    const promptVars = new Set(prompts.flatMap((p) => (typeof p.template === 'string' ? [p.template] : p.template.map((m) => m.content))).flatMap(templateVariables));
    const cases: EvalCase[] = [];
    sources.forEach((t, index) => {
      const testProblems = [...t.problems];
      const data = isRecord(t.data) ? t.data : {};
      const assertions: AssertionSpec[] = [];
      if (Array.isArray(data.assert)) {
        data.assert.forEach((a, j) => {
          const built = buildAssertion(a, { source: t.source, path: [...t.path, 'assert', j], resolveRef: (r) => this.resolveRef(r), read: this.read });
          const cell = t.fromCsv?.assertCells[j];
          testProblems.push(...(cell ? built.diagnostics.map((d) => (d.file === t.source.file ? { ...d, range: cell } : d)) : built.diagnostics));
          if (cell && built.assertion) built.assertion.location = { file: t.source.file, range: cell };
          if (cell && !built.assertion && built.diagnostics.length === 0) {
            testProblems.push({ severity: 'error', file: t.source.file, range: cell, message: `${t.source.file}: ${unknownAssertionMessage(String((a as { type?: unknown }).type))}` });
          }
          if (built.assertion) assertions.push(built.assertion);
        });
      }
      const vars = { ...defaults.vars, ...(isRecord(data.vars) ? data.vars : {}) };
      const ownGrading = readGradingOptions(data, { source: t.source, path: t.path, resolveRef: (r) => this.resolveRef(r), read: this.read }, testProblems);
      const grading = mergeGradingOptions(ownGrading, defaults.grading, defaults.providerGrader);
      const location: SourceLocation = {
        file: t.source.file,
        range: t.fromCsv ? { start: { line: t.fromCsv.line, column: 0 }, end: { line: t.fromCsv.line, column: 0 } } : t.source.rangeAt(t.path),
      };
      for (const name of promptVars) {
        if (!(name in vars)) {
          testProblems.push({
            severity: 'warning',
            file: location.file,
            range: location.range,
            message: `the prompt uses {{${name}}} but this test has no \`${name}\` var: it would render as empty text (add it under \`vars\` or defaultTest.vars)`,
          });
        }
      }
      this.diagnostics.push(...testProblems);
      const testErrors = testProblems.filter((d) => d.severity === 'error');
      // A test whose only problems are features promptfoo runs is kept (for the editor's items and delegation), marked.
      if (testErrors.length > 0 && !testErrors.every(isDelegable)) return;
      cases.push({
        ...(testErrors.length > 0 ? { needsPromptfoo: true } : {}),
        index,
        description: typeof data.description === 'string' ? data.description : describeVars(isRecord(data.vars) ? data.vars : vars, index),
        vars,
        assert: [...assertions, ...defaults.assert],
        threshold: typeof data.threshold === 'number' ? data.threshold : defaults.threshold,
        grader: pickGrader(grading.grader, 'text')?.ref,
        grading,
        location,
      });
    });
    return cases;
  }

  /** The tests as written, with `file://` lists expanded in place. Undefined when `tests` itself is unusable. */
  private collectTests(source: YamlSource, raw: unknown, problems: Map<number, EvalDiagnostic[]>): TestSource[] | undefined {
    if (raw === undefined || raw === null) return raw === null ? [] : undefined;
    if (typeof raw === 'string') {
      if (!raw.startsWith('file://')) return undefined;
      return this.loadTestFile(source, ['tests'], raw);
    }
    if (!Array.isArray(raw)) return undefined;
    const out: TestSource[] = [];
    raw.forEach((item, i) => {
      if (typeof item === 'string' && item.startsWith('file://')) {
        out.push(...(this.loadTestFile(source, ['tests', i], item) ?? []));
      } else {
        out.push({ data: item, source, path: ['tests', i], problems: problems.get(i) ?? [] });
      }
    });
    return out;
  }

  private loadTestFile(source: YamlSource, path: DataPath, ref: string): TestSource[] | undefined {
    const loaded = this.readRef(source, path, ref, true);
    if (!loaded) return undefined;
    const ext = extname(loaded.file).toLowerCase();
    if (ext === '.csv') return this.loadCsvTests(source, path, loaded.file, loaded.text);
    const inner = new YamlSource(loaded.file, loaded.text);
    const errors = inner.diagnostics.filter((d) => d.severity === 'error');
    this.diagnostics.push(...inner.diagnostics);
    const { data } = inner.toData();
    if (errors.length > 0 || !Array.isArray(data)) {
      if (errors.length === 0) this.diagnostics.push(inner.diagnostic('error', `${loaded.file} must hold a list of tests (each with vars and assert)`, inner.rangeAt([])));
      this.fatal = true;
      return undefined;
    }
    return data.map((item, i) => {
      const problems = validateTestData(item, [i]).map((p) => this.schemaDiagnostic(inner, p));
      return { data: item, source: inner, path: [i], problems };
    });
  }

  private loadCsvTests(source: YamlSource, path: DataPath, file: string, text: string): TestSource[] | undefined {
    const parsed = parseCsv(text);
    const csvSource = new YamlSource(file, '');
    if ('error' in parsed) {
      this.diagnostics.push({ severity: 'error', message: `${file}: ${parsed.error}`, file, range: { start: { line: parsed.line, column: 0 }, end: { line: parsed.line, column: 0 } } });
      this.fatal = true;
      return undefined;
    }
    void source;
    void path;
    return parsed.rows.map((row) => {
      const { data, assertColumns, problems } = testFromCsvRow(parsed.header, row.cells);
      const cellRange = (column: number): SourceRange => {
        const start = row.starts?.[column] ?? { line: row.line, column: 0 };
        return { start, end: start };
      };
      const diagnostics = problems.map((p) => ({ severity: p.severity, message: `${file}: ${p.message}`, file, range: cellRange(p.column) }));
      return { data, source: csvSource, path: [], problems: diagnostics, fromCsv: { line: row.line, assertCells: assertColumns.map(cellRange) } };
    });
  }
}

interface DefaultTest {
  vars: Record<string, unknown>;
  assert: AssertionSpec[];
  threshold?: number;
  grading: GradingOptions;
  providerGrader?: GradingOptions['grader'];
}

function isMessageList(value: unknown): value is PromptMessage[] {
  return Array.isArray(value) && value.length > 0 && value.every((m) => isRecord(m) && typeof m.role === 'string' && typeof m.content === 'string');
}

function promptLabel(template: string | PromptMessage[], index: number): string {
  const text = typeof template === 'string' ? template : (template.find((m) => m.role === 'user') ?? template[0]).content;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 0 ? (oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine) : `prompt ${index + 1}`;
}

function describeVars(vars: Record<string, unknown>, index: number): string {
  const first = Object.entries(vars)[0];
  if (!first) return `test ${index + 1}`;
  const value = typeof first[1] === 'string' ? first[1] : JSON.stringify(first[1]);
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return `${first[0]}=${oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine}`;
}

function sortDiagnostics(diagnostics: EvalDiagnostic[]): EvalDiagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column,
  );
}
