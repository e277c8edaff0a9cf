/**
 * Tests as promptfoo builds them (src/evaluator.ts): defaultTest merged in (vars under the test's, defaultTest's
 * assertions first), scenarios expanded (config × tests), and each test's vars expanded into one case per
 * combination (generateVarCombinations: arrays of strings and `file://` globs multiply, the first var varies
 * slowest). A config without tests runs each prompt once.
 */
import { parse as parseYaml } from 'yaml';
import { pickGrader } from './assertions/grading/graderChoice';
import { buildAssertion } from './buildAssertion';
import { isDelegable } from './delegate/delegation';
import type { AssertionSpec, CaseOptions, EvalCase, GradingOptions, PromptSpec, ProviderSpec, SourceLocation } from './evalModel';
import { unknownAssertionMessage } from './evalSchema';
import { expandGlob, FileRefError, hasGlobMagic } from './fileRefs';
import { isRecord, type ParseContext } from './parseContext';
import { buildProviders, type ProviderParseOptions } from './parseProviders';
import { mergeGradingOptions, readGradingOptions } from './gradingOptions';
import { MAX_REPEAT } from './planJobs';
import type { EvalDiagnostic } from './sourceRange';
import { templateVariables } from './template';
import { loadTestRef, type TestSource } from './testFiles';
import { loadVarFile, varFileKind } from './varFiles';
import { formatPath, type DataPath, type YamlSource } from './yamlSource';

/** Test `options` we run; promptfoo's others change behaviour we do not have and are refused at their key. */
const HANDLED_OPTIONS = new Set([
  'provider',
  'prefix',
  'suffix',
  'transform',
  'postprocess',
  'transformVars',
  'storeOutputAs',
  'repeat',
  'disableVarExpansion',
  'disableDefaultAsserts',
  'rubricPrompt',
  'factuality',
]);
const TEST_KEYS = new Set(['description', 'vars', 'assert', 'threshold', 'options', 'metadata', 'provider', 'prompts', 'providers']);

export interface DefaultTest {
  vars: Record<string, unknown>;
  assert: AssertionSpec[];
  threshold?: number;
  /** defaultTest's grading options (grader, rubricPrompt, factuality), merged under each test's. */
  grading: GradingOptions;
  /** defaultTest.provider, which promptfoo also tries as the grader when no options.provider is set anywhere. */
  providerGrader?: GradingOptions['grader'];
  options: Record<string, unknown>;
  provider?: ProviderSpec;
  prompts?: string[];
  providers?: string[];
}

interface Built {
  cases: EvalCase[];
  /** Names some test stores with storeOutputAs (they are vars of the later tests). */
  stored: Set<string>;
}

export function buildDefaultTest(ctx: ParseContext, source: YamlSource, raw: unknown, providerOptions: ProviderParseOptions): DefaultTest {
  const defaults: DefaultTest = { vars: {}, assert: [], grading: {}, options: {} };
  let data = raw;
  let src = source;
  let path: DataPath = ['defaultTest'];
  if (typeof raw === 'string' && raw.startsWith('file://')) {
    const loaded = loadTestRef(ctx, source, ['defaultTest'], raw);
    if (!loaded || loaded.length !== 1) return defaults;
    [data, src, path] = [loaded[0].data, loaded[0].source, loaded[0].path];
  }
  if (!isRecord(data)) return defaults;
  if (isRecord(data.vars)) defaults.vars = data.vars;
  if (typeof data.threshold === 'number') defaults.threshold = data.threshold;
  if (isRecord(data.options)) defaults.options = checkOptions(ctx, src, [...path, 'options'], data.options);
  const gradingProblems: EvalDiagnostic[] = [];
  const gradingCtx = { source: src, path, resolveRef: (r: string) => ctx.resolve(r), read: (p: string) => ctx.readAbsolute(p) };
  defaults.grading = readGradingOptions(data, gradingCtx, gradingProblems);
  if (typeof data.provider === 'string')
    defaults.providerGrader = readGradingOptions({ options: { provider: data.provider } }, gradingCtx, gradingProblems).grader;
  ctx.push(gradingProblems);
  if (data.provider !== undefined) defaults.provider = testProvider(ctx, src, path, data.provider, providerOptions);
  if (data.prompts !== undefined) defaults.prompts = listOf(data.prompts);
  if (data.providers !== undefined) defaults.providers = listOf(data.providers);
  if (Array.isArray(data.assert)) {
    data.assert.forEach((a, j) => {
      const built = buildAssertion(a, {
        source: src,
        path: [...path, 'assert', j],
        resolveRef: (r) => ctx.resolve(r),
        read: (p) => ctx.readAbsolute(p),
      });
      ctx.push(built.diagnostics);
      if (built.assertion) defaults.assert.push(built.assertion);
    });
  }
  return defaults;
}

/** The tests as written, with `file://` lists expanded in place. Undefined when `tests` itself is unusable. */
export function collectTests(
  ctx: ParseContext,
  source: YamlSource,
  raw: unknown,
  problems: Map<number, EvalDiagnostic[]>,
): TestSource[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return loadTestRef(ctx, source, ['tests'], raw);
  if (isRecord(raw) && typeof raw.path === 'string') return loadTestRef(ctx, source, ['tests', 'path'], raw.path, raw.config);
  if (!Array.isArray(raw)) return undefined;
  const out: TestSource[] = [];
  raw.forEach((item, i) => {
    if (typeof item === 'string') out.push(...(loadTestRef(ctx, source, ['tests', i], item) ?? []));
    else if (isRecord(item) && typeof item.path === 'string' && Object.keys(item).every((k) => k === 'path' || k === 'config')) {
      out.push(...(loadTestRef(ctx, source, ['tests', i, 'path'], item.path, item.config) ?? []));
    } else out.push({ data: item, source, path: ['tests', i], problems: problems.get(i) ?? [] });
  });
  return out;
}

/** `scenarios:` — each `config` entry × each of its tests, merged as promptfoo's mergeScenarioTest does. */
export function collectScenarios(ctx: ParseContext, source: YamlSource, raw: unknown): TestSource[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.error(source, ['scenarios'], '`scenarios` must be a list of {config: [...], tests: [...]}');
    return [];
  }
  const out: TestSource[] = [];
  raw.forEach((scenario, s) => {
    const path: DataPath = ['scenarios', s];
    if (!isRecord(scenario) || !Array.isArray(scenario.config)) {
      ctx.error(source, path, `\`${formatPath(path)}\` must have \`config\` (a list of {vars, ...}) and \`tests\``);
      return;
    }
    const tests: TestSource[] =
      typeof scenario.tests === 'string'
        ? (loadTestRef(ctx, source, [...path, 'tests'], scenario.tests) ?? [])
        : Array.isArray(scenario.tests)
          ? scenario.tests.flatMap((t, i) =>
              typeof t === 'string'
                ? (loadTestRef(ctx, source, [...path, 'tests', i], t) ?? [])
                : [{ data: t, source, path: [...path, 'tests', i], problems: [] }],
            )
          : [{ data: {}, source, path, problems: [] }];
    scenario.config.forEach((data) => {
      const d = isRecord(data) ? data : {};
      for (const t of tests) {
        const test = isRecord(t.data) ? t.data : {};
        const merged = {
          ...d,
          ...test,
          vars: { ...(isRecord(d.vars) ? d.vars : {}), ...(isRecord(test.vars) ? test.vars : {}) },
          options: { ...(isRecord(d.options) ? d.options : {}), ...(isRecord(test.options) ? test.options : {}) },
          assert: [...(Array.isArray(d.assert) ? d.assert : []), ...(Array.isArray(test.assert) ? test.assert : [])],
        };
        out.push({ ...t, data: merged });
      }
    });
  });
  return out;
}

/** Every test → its cases (one per var combination), with defaultTest merged in. */
export function buildCases(
  ctx: ParseContext,
  sources: TestSource[],
  defaults: DefaultTest,
  prompts: PromptSpec[],
  providerOptions: ProviderParseOptions,
): Built {
  const promptVars = new Set(prompts.flatMap((p) => templateVariables(p.raw)).filter((v) => v !== 'env'));
  const stored = new Set<string>();
  const cases: EvalCase[] = [];
  // Tests of one file mostly carry the same options and grading: one shared object each, not one per test (a
  // 100,000-test file keeps every case in memory for the whole run). Nothing writes to a parsed case.
  const shared = new SharedValues();
  let index = 0;
  for (const t of sources) {
    const problems = [...t.problems];
    const data = isRecord(t.data) ? t.data : {};
    const path = t.path;
    for (const key of Object.keys(data)) {
      if (!TEST_KEYS.has(key) && t.fromCsv === undefined) {
        problems.push(
          keyProblem(
            t.source,
            path,
            key,
            key === 'providerOutput'
              ? '`providerOutput` (a canned answer instead of a call) is not supported: remove it, or run this file with --engine promptfoo'
              : `\`${key}\` on a test is not something llm-workbench runs`,
          ),
        );
      }
    }
    const options = {
      ...defaults.options,
      ...(isRecord(data.options) ? checkOptions(ctx, t.source, [...path, 'options'], data.options, problems) : {}),
    };
    const own: AssertionSpec[] = [];
    if (Array.isArray(data.assert)) {
      data.assert.forEach((a, j) => {
        const built = buildAssertion(a, {
          source: t.source,
          path: [...path, 'assert', j],
          resolveRef: (r) => ctx.resolve(r),
          read: (p) => ctx.readAbsolute(p),
        });
        // A CSV assertion's problems and location are its cell's.
        const cell = t.fromCsv?.assertCells?.[j];
        problems.push(...(cell ? built.diagnostics.map((d) => (d.file === t.source.file ? { ...d, range: cell } : d)) : built.diagnostics));
        if (cell && built.assertion) built.assertion.location = { file: t.source.file, range: cell };
        if (cell && !built.assertion && built.diagnostics.length === 0) {
          problems.push({
            severity: 'error',
            file: t.source.file,
            range: cell,
            message: `${t.source.file}: ${unknownAssertionMessage(String((a as { type?: unknown }).type))}`,
          });
        }
        if (built.assertion) own.push(built.assertion);
      });
    }
    // Sized to fit: an array grown by push reserves room for 17 entries, per case.
    const assertions = options.disableDefaultAsserts === true || defaults.assert.length === 0 ? own.slice() : [...defaults.assert, ...own];
    const location: SourceLocation = {
      file: t.source.file,
      range: t.fromCsv ? { start: { line: t.fromCsv.line, column: 0 }, end: { line: t.fromCsv.line, column: 0 } } : t.source.rangeAt(path),
    };
    const ownVars = isRecord(data.vars)
      ? data.vars
      : typeof data.vars === 'string' || Array.isArray(data.vars)
        ? varsFromFiles(ctx, t.source, [...path, 'vars'], data.vars, problems)
        : {};
    const merged = { ...defaults.vars, ...ownVars };
    const combos = options.disableVarExpansion === true ? [merged] : expandVars(ctx, t.source, [...path, 'vars'], merged, problems);
    const caseOptions = shared.options(toCaseOptions(options));
    if (
      caseOptions.transformVars &&
      Object.values(merged).some((v) => Array.isArray(v) || (typeof v === 'string' && v.startsWith('file://')))
    ) {
      problems.push(
        keyProblem(
          t.source,
          [...path, 'options'],
          'transformVars',
          '`transformVars` with var lists or file:// vars: promptfoo transforms the unexpanded vars, which llm-workbench does not replicate; expand them into separate tests',
        ),
      );
    }
    const provider =
      data.provider !== undefined ? testProvider(ctx, t.source, path, data.provider, providerOptions, problems) : defaults.provider;
    const ownGrading = readGradingOptions(
      data,
      { source: t.source, path, resolveRef: (r) => ctx.resolve(r), read: (p) => ctx.readAbsolute(p) },
      problems,
    );
    const grading = shared.grading(mergeGradingOptions(ownGrading, defaults.grading, defaults.providerGrader));
    for (const name of promptVars) {
      if (!(name in merged) && !stored.has(name)) {
        problems.push({
          severity: 'warning',
          file: location.file,
          range: location.range,
          message: `the prompt uses {{${name}}} but this test has no \`${name}\` var: it would render as empty text (add it under \`vars\` or defaultTest.vars)`,
        });
      }
    }
    if (caseOptions.storeOutputAs) stored.add(caseOptions.storeOutputAs);
    ctx.diagnostics.push(...problems);
    const errors = problems.filter((d) => d.severity === 'error');
    // A test whose only errors are features promptfoo runs is kept (for the editor's items and delegation), marked.
    const bad = errors.length > 0 && !errors.every(isDelegable);
    const description = typeof data.description === 'string' ? data.description : t.defaultDescription;
    for (const vars of combos) {
      const caseIndex = index++;
      if (bad || vars === undefined) continue;
      // One literal (properties inside the object) and the rare flag added after: a leading spread would move every
      // case's properties to a separate backing store.
      const built: EvalCase = {
        index: caseIndex,
        description: describeCase(description, vars, ownVars, combos.length, caseIndex),
        vars,
        options: caseOptions,
        provider,
        prompts: data.prompts !== undefined ? listOf(data.prompts) : defaults.prompts,
        providers: data.providers !== undefined ? listOf(data.providers) : defaults.providers,
        assert: assertions,
        threshold: typeof data.threshold === 'number' ? data.threshold : defaults.threshold,
        grader: pickGrader(grading.grader, 'text')?.ref,
        grading,
        location,
      };
      if (errors.length > 0) built.needsPromptfoo = true;
      cases.push(built);
    }
  }
  return { cases, stored };
}

/**
 * promptfoo's generateVarCombinations, with `file://` vars loaded here (promptfoo loads them when rendering; the
 * value is the same, and a missing file is an error at its line before any call instead of a failed case).
 */
function expandVars(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  vars: Record<string, unknown>,
  problems: EvalDiagnostic[],
): (Record<string, unknown> | undefined)[] {
  const keys = Object.keys(vars);
  // Combinations as lists of values (in key order), turned into objects at the end by plain assignment: objects built
  // by spreading with a computed key each got a hidden class of their own (~250 bytes per case).
  let combos: unknown[][] = [[]];
  for (const key of keys) {
    const value = vars[key];
    let values: unknown[];
    if (typeof value === 'string' && value.startsWith('file://')) {
      const loaded = fileVarValues(ctx, source, [...path, key], value, problems);
      if (!loaded) return [undefined];
      values = loaded;
    } else values = Array.isArray(value) && typeof value[0] === 'string' ? value : [value];
    combos = combos.flatMap((c) => values.map((v) => [...c, v]));
  }
  return combos.map((values) => {
    const out: Record<string, unknown> = {};
    keys.forEach((key, i) => (out[key] = values[i]));
    return out;
  });
}

function fileVarValues(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  ref: string,
  problems: EvalDiagnostic[],
): unknown[] | undefined {
  const where = `\`${formatPath(path)}\``;
  const fail = (message: string) => {
    problems.push(source.diagnostic('error', `${where}: ${message}`, source.rangeAt(path)));
    return undefined;
  };
  const bare = ref.slice('file://'.length);
  let files: string[];
  try {
    files = hasGlobMagic(bare) ? expandGlob(bare, ctx.dir, ctx.rules) : [ctx.resolve(bare)];
  } catch (error) {
    return fail((error as Error).message);
  }
  if (files.length === 0) return fail(`no files match ${ref}`);
  const values: unknown[] = [];
  for (const file of files) {
    const kind = varFileKind(file);
    if (kind === 'code')
      return fail(
        `${ref} is code promptfoo runs to produce the var; llm-workbench does not run var loaders — write the value into a text file`,
      );
    if (kind === 'pdf')
      return fail(`${ref} is a PDF; promptfoo extracts its text with pdf-parse, which llm-workbench does not: save the text as .txt`);
    try {
      values.push(
        loadVarFile(
          file,
          (p) => ctx.readAbsolute(p),
          (p) => ctx.readBinary(p),
        ),
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(
        error instanceof FileRefError
          ? error.message
          : code === 'ENOENT'
            ? `${ref}: the file does not exist`
            : `${file}: ${(error as Error).message}`,
      );
    }
  }
  return values;
}

/** promptfoo's readTestFiles: `vars: file://vars.yaml` (or a list of such files / globs) merged in order. */
function varsFromFiles(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  raw: unknown,
  problems: EvalDiagnostic[],
): Record<string, unknown> {
  const refs = (Array.isArray(raw) ? raw : [raw]).map(String);
  const out: Record<string, unknown> = {};
  for (const ref of refs) {
    const bare = ref.replace(/^file:\/\//, '');
    let files: string[];
    try {
      files = hasGlobMagic(bare) ? expandGlob(bare, ctx.dir, ctx.rules) : [ctx.resolve(bare)];
      for (const file of files) {
        const data = parseYaml(ctx.readAbsolute(file), { logLevel: 'silent', maxAliasCount: 1000 }) as unknown;
        if (!isRecord(data)) throw new FileRefError(`${file} must hold a mapping of vars`);
        Object.assign(out, data);
      }
    } catch (error) {
      const reason =
        error instanceof FileRefError
          ? error.message
          : (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'the file does not exist'
            : (error as Error).message;
      problems.push(
        source.diagnostic(
          'error',
          `\`${formatPath(path)}\` is ${Array.isArray(raw) ? 'a list' : 'text'}, which promptfoo reads as vars file(s) (${ref}): ${reason}; write the vars as a mapping (key: value pairs) or fix the path`,
          source.rangeAt(path),
        ),
      );
    }
  }
  return out;
}

function checkOptions(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  options: Record<string, unknown>,
  problems?: EvalDiagnostic[],
): Record<string, unknown> {
  for (const key of Object.keys(options)) {
    if (HANDLED_OPTIONS.has(key)) continue;
    const d = keyProblem(
      source,
      path,
      key,
      `test option \`${key}\` is not something llm-workbench runs (it runs ${[...HANDLED_OPTIONS].join(', ')}): remove it, or run this file with --engine promptfoo`,
    );
    if (problems) problems.push(d);
    else ctx.push([d]);
  }
  if (typeof options.repeat === 'number' && options.repeat > MAX_REPEAT) {
    const d = keyProblem(source, path, 'repeat', `\`repeat\` is at most ${MAX_REPEAT.toLocaleString('en-US')}`);
    if (problems) problems.push(d);
    else ctx.push([d]);
  }
  for (const key of ['transform', 'postprocess', 'transformVars', 'prefix', 'suffix', 'storeOutputAs']) {
    if (options[key] !== undefined && typeof options[key] !== 'string') {
      const d = keyProblem(
        source,
        path,
        key,
        `\`${key}\` must be text (${key.startsWith('transform') || key === 'postprocess' ? 'JavaScript code or file://transform.js' : 'a string'})`,
      );
      if (problems) problems.push(d);
      else ctx.push([d]);
    }
  }
  return options;
}

/** Equal options and grading of different tests become one object (they are plain data: JSON says when two are equal). */
class SharedValues {
  private readonly byKey = new Map<string, object>();

  options(value: CaseOptions): CaseOptions {
    return this.intern('o', value);
  }

  /** Only grading without a rubric or factuality scores (those can be large): the common empty or grader-only case. */
  grading(value: GradingOptions): GradingOptions {
    return value.rubricPrompt === undefined && value.factuality === undefined ? this.intern('g', value) : value;
  }

  private intern<T extends object>(kind: string, value: T): T {
    const key = `${kind}${JSON.stringify(value)}`;
    const known = this.byKey.get(key) as T | undefined;
    if (known) return known;
    this.byKey.set(key, value);
    return value;
  }
}

function toCaseOptions(options: Record<string, unknown>): CaseOptions {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    prefix: text(options.prefix),
    suffix: text(options.suffix),
    transform: text(options.transform) ?? text(options.postprocess),
    transformVars: text(options.transformVars),
    storeOutputAs: text(options.storeOutputAs),
    repeat: typeof options.repeat === 'number' && Number.isSafeInteger(options.repeat) && options.repeat > 0 ? options.repeat : undefined,
  };
}

function testProvider(
  ctx: ParseContext,
  source: YamlSource,
  path: DataPath,
  raw: unknown,
  options: ProviderParseOptions,
  problems?: EvalDiagnostic[],
): ProviderSpec | undefined {
  const before = ctx.diagnostics.length;
  const wasFatal = ctx.fatal;
  const [spec] = buildProviders(ctx, source, [...path, 'provider'], raw, options);
  // Reported through the test's own problems, so only this test is skipped.
  const own = ctx.diagnostics.splice(before);
  ctx.fatal = wasFatal;
  if (problems) problems.push(...own);
  else ctx.push(own);
  return spec;
}

function describeCase(
  description: string | undefined,
  vars: Record<string, unknown>,
  own: Record<string, unknown>,
  combos: number,
  index: number,
): string {
  const expanded = Object.keys(own).filter(
    (k) => Array.isArray(own[k]) || (typeof own[k] === 'string' && (own[k] as string).startsWith('file://')),
  );
  const suffix = combos > 1 ? ` [${expanded.map((k) => `${k}=${short(vars[k])}`).join(', ')}]` : '';
  if (description) return `${description}${suffix}`;
  const first = Object.entries(own)[0];
  if (!first) return `test ${index + 1}`;
  return `${first[0]}=${short(combos > 1 ? vars[first[0]] : first[1])}`;
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? (value.startsWith('data:') ? `${value.slice(0, 20)}…` : value) : JSON.stringify(value);
  const oneLine = (text ?? '').replace(/\s+/g, ' ').trim();
  return oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine;
}

function keyProblem(source: YamlSource, path: DataPath, key: string, message: string): EvalDiagnostic {
  const node = source.file && source.text ? source.keyAt(path, key) : undefined;
  return source.diagnostic('error', message, node ? source.rangeOf(node) : source.rangeAt(path));
}

function listOf(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}
