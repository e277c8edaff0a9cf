import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ASSERTION_TYPE_INFO, splitAssertionType } from './assertionTypes';
import { javascriptBody } from './assertions/javascriptAssertion';
import { embeddingModel, parseGraderChoice, pickGrader } from './assertions/grading/graderChoice';
import { GRADER_KINDS } from './assertions/grading/gradingCalls';
import { parseScriptRef, SCRIPT_EXTENSIONS } from './assertions/scriptValues';
import type { AssertionSpec, ValueScript } from './evalModel';
import { loadRubricPrompt } from './rubricPromptFiles';
import { jsonSchemaAjv } from './jsonSchemaAjv';
import type { EvalDiagnostic } from './sourceRange';
import { formatPath, type DataPath, type YamlSource } from './yamlSource';

export interface AssertionContext {
  source: YamlSource;
  path: DataPath;
  resolveRef: (ref: string) => string;
  read: (absolutePath: string) => string;
}

const WHAT_VALUE_MEANS: Record<string, string> = {
  equals: 'the exact expected output',
  contains: 'the text the output must contain',
  icontains: 'the text the output must contain (any case)',
  'contains-any': 'a list of texts, one of which must appear',
  'contains-all': 'a list of texts that must all appear',
  'icontains-any': 'a list of texts, one of which must appear (any case)',
  'icontains-all': 'a list of texts that must all appear (any case)',
  'starts-with': 'the text the output must start with',
  regex: 'a regular expression the output must match',
  javascript: 'a JavaScript expression or function body over `output` and `context`',
  levenshtein: 'the expected text (threshold = the largest allowed edit distance, default 5)',
  'llm-rubric': 'the rubric the grader model checks the output against',
  python: 'a Python expression or function body over `output` and `context`, or file://script.py',
  'word-count': 'the exact number of words, or {min, max}',
  'finish-reason': 'the expected finish reason, e.g. stop or length',
  'rouge-n': 'the reference text',
  bleu: 'the reference text (or a list of references)',
  factuality: 'the reference answer the output must agree with',
  'model-graded-factuality': 'the reference answer the output must agree with',
  'model-graded-closedqa': 'the criterion the output must meet',
  'g-eval': 'the criteria (or a list of criteria) the grader scores',
  'context-recall': 'the ground-truth answer the context must support',
  similar: 'the text (or list of texts) the output must be semantically similar to',
};

const WHAT_THRESHOLD_MEANS: Record<string, string> = {
  latency: 'the largest allowed latency in milliseconds, e.g. threshold: 3000',
  cost: 'the largest allowed cost of the call in USD, e.g. threshold: 0.001',
};

/** Schemas are compiled here only to check them; the assertion compiles its own at run time. */
const schemaChecker = jsonSchemaAjv(false);

/**
 * Turns one schema-valid assertion mapping into an AssertionSpec and checks what the schema cannot:
 * required values and thresholds, regex syntax, JSON-schema validity, `file://` targets.
 * Shape errors (unknown type, wrong key) were reported by the schema; such assertions return no spec silently.
 */
export function buildAssertion(raw: unknown, ctx: AssertionContext): { assertion?: AssertionSpec; diagnostics: EvalDiagnostic[] } {
  const diagnostics: EvalDiagnostic[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { diagnostics };
  const a = raw as Record<string, unknown>;
  if (typeof a.type !== 'string') return { diagnostics };
  const { base, negate } = splitAssertionType(a.type);
  const info = ASSERTION_TYPE_INFO[base];
  if (!info || (negate && base === 'assert-set')) return { diagnostics };

  const where = `\`${formatPath(ctx.path)}\` (${a.type})`;
  const report = (message: string, field?: string) => {
    const path = field ? [...ctx.path, field] : ctx.path;
    diagnostics.push(ctx.source.diagnostic('error', message, ctx.source.rangeAt(path)));
  };

  if (negate && info.noNegation) {
    report(
      `\`${a.type}\`: promptfoo ignores \`not-\` on ${base} (it would grade un-negated); use ${base}, or invert the expectation in the value`,
    );
    return { diagnostics };
  }
  let value = a.value;
  let valueScript: ValueScript | undefined;
  let valueFromFile = false;
  if (info.value === 'required' && (value === undefined || value === null || value === '')) {
    report(`${where} needs a \`value\`: ${WHAT_VALUE_MEANS[base] ?? 'the expected value'}`);
  }
  if (typeof value === 'string' && value.startsWith('file://')) {
    const target = value.slice('file://'.length);
    const script = scriptRef(target, ctx);
    if (script) {
      valueScript = script;
      value = undefined;
    } else if (base === 'javascript' || base === 'python') {
      report(`${where}: \`${value}\` is not a script llm-workbench can run (.py, .js, .cjs, .mjs); write the code inline`, 'value');
      value = undefined;
    } else {
      value = loadValueFile(value, ctx, (m) => report(m, 'value'));
      valueFromFile = value !== undefined;
    }
  }
  if (value !== undefined && value !== null) checkValue(base, value, where, (m) => report(m, 'value'));
  if (info.threshold === 'required' && typeof a.threshold !== 'number') {
    report(`${where} needs a \`threshold\`: ${WHAT_THRESHOLD_MEANS[base]}`);
  }
  if (base === 'levenshtein' && typeof a.threshold === 'number' && a.threshold < 0)
    report(`${where}: \`threshold\` is a distance and must be >= 0`, 'threshold');
  if (
    (base === 'assert-set' || base === 'llm-rubric' || base === 'javascript') &&
    typeof a.threshold === 'number' &&
    (a.threshold < 0 || (base === 'assert-set' && a.threshold > 1))
  ) {
    report(`${where}: \`threshold\` is a score between 0 and 1`, 'threshold');
  }
  if (a.contextTransform !== undefined)
    report(
      `${where}: \`contextTransform\` is not supported by llm-workbench; give the context as a \`context\` var, or run the file with --engine promptfoo`,
      'contextTransform',
    );
  if (a.transform !== undefined && typeof a.transform === 'string') checkTransform(a.transform, where, ctx, (m) => report(m, 'transform'));
  const grader = parseGraderChoice(a.provider, (m) => report(`${where}: ${m}`, 'provider'));
  const rubricPrompt =
    a.rubricPrompt === undefined
      ? undefined
      : loadRubricPrompt(a.rubricPrompt, ctx, (m: string) => report(`${where}: ${m}`, 'rubricPrompt'));
  if (grader) checkGraderKinds(a.type, grader, where, (m) => report(m, 'provider'));

  const spec: AssertionSpec = {
    type: base,
    negate,
    value,
    threshold: typeof a.threshold === 'number' ? a.threshold : undefined,
    weight: typeof a.weight === 'number' ? a.weight : 1,
    provider: pickGrader(grader, 'text')?.ref,
    metric: typeof a.metric === 'string' ? a.metric : undefined,
    location: { file: ctx.source.file, range: ctx.source.rangeAt(ctx.path) },
  };
  if (grader) spec.grader = grader;
  if (rubricPrompt !== undefined) spec.rubricPrompt = rubricPrompt;
  if (typeof a.transform === 'string') spec.transform = a.transform;
  if (valueScript) spec.valueScript = valueScript;
  if (valueFromFile) spec.valueFromFile = true;
  if (isRecord(a.config)) spec.config = a.config;
  if (base === 'assert-set') {
    spec.assert = [];
    if (Array.isArray(a.assert)) {
      if (a.assert.length === 0) report(`${where}: \`assert\` is empty: add the assertions of the set`, 'assert');
      a.assert.forEach((inner, j) => {
        const built = buildAssertion(inner, { ...ctx, path: [...ctx.path, 'assert', j] });
        diagnostics.push(...built.diagnostics);
        if (built.assertion) spec.assert!.push(built.assertion);
      });
    }
  }
  return { assertion: diagnostics.some((d) => d.severity === 'error') ? undefined : spec, diagnostics };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkValue(base: string, value: unknown, where: string, report: (message: string) => void): void {
  const shape = ASSERTION_TYPE_INFO[base].valueShape;
  const templated = typeof value === 'string' && value.includes('{{');
  if (shape === 'text' && typeof value !== 'string' && typeof value !== 'number') {
    report(`${where}: \`value\` must be text (or a number), not ${Array.isArray(value) ? 'a list' : typeof value}`);
  } else if (
    shape === 'text-list' &&
    !(typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')))
  ) {
    report(`${where}: \`value\` must be a list of texts (or one comma-separated text)`);
  } else if (
    shape === 'text-or-list' &&
    !(typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))
  ) {
    report(`${where}: \`value\` must be a text or a list of texts`);
  } else if (shape === 'word-count') {
    const problem = wordCountProblem(value);
    if (problem) report(`${where}: ${problem}`);
  } else if (shape === 'code' && typeof value !== 'string') {
    report(
      `${where}: \`value\` must be ${base === 'python' ? 'Python' : 'JavaScript'} code as text, e.g. "${base === 'python' ? 'len(output) < 200' : 'output.length < 200'}"`,
    );
  } else if (base === 'regex' && typeof value === 'string' && !templated) {
    try {
      new RegExp(value);
    } catch (error) {
      report(
        `${where}: invalid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, '')}); escape special characters with a backslash`,
      );
    }
  } else if (shape === 'json-schema') {
    const schema = typeof value === 'string' ? parseSchemaText(value) : value;
    if (schema instanceof Error) report(`${where}: \`value\` is not a JSON schema: ${schema.message}`);
    else if (typeof schema !== 'object' && typeof schema !== 'boolean')
      report(`${where}: \`value\` must be a JSON schema (a mapping such as {type: object, required: [label]})`);
    else {
      const problem = schemaProblem(schema as object);
      if (problem) report(`${where}: invalid JSON schema: ${problem}`);
    }
  } else if (shape === 'sql-options' && !isRecord(value)) {
    report(`${where}: \`value\` must be a mapping such as {databaseType: PostgresQL, allowedTables: ['select::null::users']}`);
  } else if (shape === 'sql-options') {
    const problem = sqlOptionsProblem(value as Record<string, unknown>);
    if (problem) report(`${where}: ${problem}`);
  } else if (shape === 'xml-elements' && isRecord(value) && Object.keys(value).length > 0 && !Array.isArray(value.requiredElements)) {
    report(`${where}: \`value\` must be the required elements: a text (a.b, c), a list, or {requiredElements: [a.b, c]}`);
  } else if (base === 'javascript' && typeof value === 'string') {
    const error = compileError(value);
    if (error) report(`${where}: JavaScript syntax error: ${error}`);
  }
}

const checkedSchemas = new Map<string, string | undefined>();

/** The same schema in every test is checked once. */
function schemaProblem(schema: object | boolean): string | undefined {
  const text = JSON.stringify(schema);
  if (checkedSchemas.has(text)) return checkedSchemas.get(text);
  const problem = findSchemaProblem(schema);
  if (checkedSchemas.size > 1000) checkedSchemas.clear();
  checkedSchemas.set(text, problem);
  return problem;
}

function findSchemaProblem(schema: object | boolean): string | undefined {
  if (!schemaChecker.validateSchema(schema)) {
    const e = schemaChecker.errors?.[0];
    if (!e) return 'it does not follow JSON Schema draft-07';
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
    const at = e.instancePath ? `\`${e.instancePath.slice(1).replace(/\//g, '.')}\` ` : '';
    return `${at}${e.message}${allowed ? ` (${allowed.join(', ')})` : ''}`;
  }
  try {
    schemaChecker.compile(schema);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function parseSchemaText(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A syntax check without running anything: `new Function` only compiles the body. */
function compileError(code: string): string | undefined {
  try {
    new Function('output', 'context', javascriptBody(code));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * promptfoo's `processFileReference` for assertion values: `.json`/`.yaml`/`.yml` are parsed, `.txt` is read and
 * trimmed, any other extension is an error there ("Unsupported file type") and is refused here. Such values are not
 * rendered as templates afterwards.
 */
function loadValueFile(ref: string, ctx: AssertionContext, report: (message: string) => void): unknown {
  const file = ctx.resolveRef(ref);
  const ext = extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml', '.txt'].includes(ext)) {
    report(
      `\`${formatPath(ctx.path)}.value\` refers to ${file}: promptfoo reads only .txt, .json, .yaml and .yml files (or .py/.js scripts) as assertion values`,
    );
    return undefined;
  }
  let text: string;
  try {
    text = ctx.read(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    report(`\`${formatPath(ctx.path)}.value\` refers to ${file}, but ${reason}: fix the path (it is relative to the eval file)`);
    return undefined;
  }
  if (ext === '.txt') return text.trim();
  try {
    return parseYaml(text);
  } catch (error) {
    report(`${file} is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** `file://check.py:fn` / `file://check.js` as a script to run, or undefined for a data file. */
function scriptRef(target: string, ctx: AssertionContext): ValueScript | undefined {
  const { file, functionName } = parseScriptRef(target);
  const language = SCRIPT_EXTENSIONS[extname(file).toLowerCase()] ?? SCRIPT_EXTENSIONS[extname(target).toLowerCase()];
  if (!language) return undefined;
  const path = SCRIPT_EXTENSIONS[extname(file).toLowerCase()] ? file : target;
  return { file: ctx.resolveRef(`file://${path}`), functionName: path === file ? functionName : undefined, language };
}

/** node-sql-parser's databases as promptfoo passes them; lists must be lists of texts. */
function sqlOptionsProblem(value: Record<string, unknown>): string | undefined {
  const known = ['databaseType', 'allowedTables', 'allowedColumns'];
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown) return `\`value.${unknown}\` is not an is-sql option (${known.join(', ')})`;
  if (value.databaseType !== undefined && typeof value.databaseType !== 'string')
    return '`value.databaseType` must be a database name such as MySQL or PostgresQL';
  for (const key of ['allowedTables', 'allowedColumns'])
    if (value[key] !== undefined && !(Array.isArray(value[key]) && (value[key] as unknown[]).every((v) => typeof v === 'string')))
      return `\`value.${key}\` must be a list of texts such as select::null::users`;
  return undefined;
}

/** word-count values as promptfoo's invariants accept them. */
function wordCountProblem(value: unknown): string | undefined {
  if (isRecord(value)) {
    const { min, max } = value as { min?: unknown; max?: unknown };
    if (min === undefined && max === undefined) return '`value` must have `min` and/or `max`';
    if ((min !== undefined && typeof min !== 'number') || (max !== undefined && typeof max !== 'number'))
      return '`min` and `max` must be numbers';
    if (typeof min === 'number' && typeof max === 'number' && min > max)
      return `\`min\` (${min}) must be less than or equal to \`max\` (${max})`;
    return undefined;
  }
  if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))) return undefined;
  return '`value` must be a number of words or {min, max}';
}

/** A transform is JavaScript (checked for syntax) or a file:// script that must exist. */
function checkTransform(transform: string, where: string, ctx: AssertionContext, report: (message: string) => void): void {
  if (transform.startsWith('file://')) {
    const script = scriptRef(transform.slice('file://'.length), ctx);
    if (!script) report(`${where}: \`transform\` ${transform} must be a .js/.cjs/.mjs or .py file`);
    return;
  }
  try {
    new Function('output', 'context', 'process', transform.includes('\n') ? transform : `return ${transform}`);
  } catch (error) {
    report(`${where}: \`transform\` is not valid JavaScript: ${(error as Error).message}`);
  }
}

/**
 * The grader an assertion names must serve the calls its type makes, as promptfoo's getAndCheckProvider demands:
 * `{text: ...}` alone cannot embed, and a chat model is not an embedding provider.
 */
function checkGraderKinds(
  type: string,
  grader: NonNullable<AssertionSpec['grader']>,
  where: string,
  report: (message: string) => void,
): void {
  for (const kind of GRADER_KINDS[type.replace(/^not-/, '')] ?? []) {
    const model = pickGrader(grader, kind);
    if (!model)
      report(
        `${where}: the grader names no ${kind} model: add \`${kind}:\` to it (promptfoo: "Invalid provider definition for output type '${kind}'")`,
      );
    else if (kind === 'embedding' && !embeddingModel(model.ref)) {
      report(
        `${where}: ${model.ref} is not an embedding model: name one as provider:embedding:model, e.g. openai:embedding:text-embedding-3-small (promptfoo: "not a valid embedding provider")`,
      );
    } else if (kind === 'text' && embeddingModel(model.ref))
      report(`${where}: ${model.ref} is an embedding model and cannot grade text: name a chat model`);
  }
}
