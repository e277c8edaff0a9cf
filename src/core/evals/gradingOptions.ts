import { parseGraderChoice } from './assertions/grading/graderChoice';
import type { FactualityScores } from './assertions/grading/modelGraded';
import type { GradingOptions } from './evalModel';
import { loadRubricPrompt } from './rubricPromptFiles';
import type { EvalDiagnostic } from './sourceRange';
import { formatPath, type DataPath, type YamlSource } from './yamlSource';

interface OptionsContext {
  source: YamlSource;
  /** Path of the test (or defaultTest) mapping. */
  path: DataPath;
  resolveRef: (ref: string) => string;
  read: (absolutePath: string) => string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The grading part of a test's `options` (provider, rubricPrompt, factuality). `fallbackProvider` is the test-level
 * `provider` of defaultTest, which promptfoo also tries as a grader when no options.provider is set anywhere.
 */
export function readGradingOptions(test: Record<string, unknown>, ctx: OptionsContext, diagnostics: EvalDiagnostic[]): GradingOptions {
  const options = isRecord(test.options) ? test.options : {};
  const at = (key: string) => ctx.source.rangeAt([...ctx.path, 'options', key]);
  const report = (key: string) => (message: string) =>
    diagnostics.push(ctx.source.diagnostic('error', `\`${formatPath([...ctx.path, 'options', key])}\`: ${message}`, at(key)));
  const grading: GradingOptions = {};
  const grader = parseGraderChoice(options.provider, report('provider'));
  if (grader) grading.grader = grader;
  if (options.rubricPrompt !== undefined)
    grading.rubricPrompt = loadRubricPrompt(
      options.rubricPrompt,
      { ...ctx, path: [...ctx.path, 'options', 'rubricPrompt'] },
      report('rubricPrompt'),
    );
  if (isRecord(options.factuality)) grading.factuality = options.factuality as FactualityScores;
  return grading;
}

/** promptfoo merges defaultTest.options under the test's (shallow), then falls back to defaultTest.provider for graders. */
export function mergeGradingOptions(
  test: GradingOptions,
  defaults: GradingOptions,
  defaultTestProvider?: GradingOptions['grader'],
): GradingOptions {
  const merged: GradingOptions = { ...defaults, ...stripUndefined(test) };
  if (!merged.grader && defaultTestProvider) merged.grader = defaultTestProvider;
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
