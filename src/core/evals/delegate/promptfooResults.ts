import type { CallRecord } from '../../cost/callRecord';
import type { AssertionOutcome } from '../assertions/assertionOutcome';
import type { EvalFile, SourceLocation } from '../evalModel';
import type { EvalCaseResult } from '../evalResult';
import type { SourceRange } from '../sourceRange';
import { YamlSource } from '../yamlSource';

/** The part of promptfoo's `-o out.json` (results.results[]) we read. */
export interface PromptfooRow {
  id?: string;
  testIdx: number;
  promptIdx: number;
  provider?: { id?: string; label?: string };
  success: boolean;
  score: number;
  latencyMs?: number;
  cost?: number;
  error?: string | null;
  /** 0 none, 1 assertion failed, 2 error (promptfoo ResultFailureReason). */
  failureReason?: number;
  prompt?: { raw?: string; label?: string };
  vars?: Record<string, unknown>;
  testCase?: { description?: string; vars?: Record<string, unknown>; assert?: { type?: string; weight?: number }[] };
  response?: { output?: unknown; cached?: boolean; tokenUsage?: { prompt?: number; completion?: number }; finishReason?: string };
  gradingResult?: {
    reason?: string;
    componentResults?: { pass: boolean; score: number; reason?: string; assertion?: { type?: string; weight?: number } }[];
  } | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How many cases promptfoo makes of one test: one per combination of list-valued vars (unless disableVarExpansion). */
function expansion(test: unknown, defaultVars: Record<string, unknown>): number {
  if (!isRecord(test)) return 1;
  if (isRecord(test.options) && test.options.disableVarExpansion === true) return 1;
  const vars = { ...defaultVars, ...(isRecord(test.vars) ? test.vars : {}) };
  return Object.values(vars).reduce<number>((n, v) => n * (Array.isArray(v) && v.length > 0 ? v.length : 1), 1);
}

/** Where promptfoo's expanded test `testIdx` came from in the file: the inline test and its assertions' ranges. */
export interface TestSourceMap {
  locate(testIdx: number): { testIndex: number; range: SourceRange; assertRange(j: number): SourceRange };
}

/**
 * Maps promptfoo's test indexes back to the file: inline tests in order, each expanded by its list-valued vars. Tests
 * loaded from other files (or when the counts do not add up) point at the `tests` key.
 */
export function testSourceMap(path: string, text: string): TestSourceMap {
  const source = new YamlSource(path, text);
  const { data } = source.toData();
  const root = isRecord(data) ? data : {};
  const defaultTest = isRecord(root.defaultTest) ? root.defaultTest : {};
  const defaultVars = isRecord(defaultTest.vars) ? defaultTest.vars : {};
  const defaultAsserts = Array.isArray(defaultTest.assert) ? defaultTest.assert.length : 0;
  const tests = Array.isArray(root.tests) ? root.tests : [];
  const inline = tests.every((t) => isRecord(t));
  const starts: { from: number; index: number }[] = [];
  let next = 0;
  tests.forEach((t, index) => {
    starts.push({ from: next, index });
    next += expansion(t, defaultVars);
  });
  const testsKey = source.rangeAt(['tests']);
  return {
    locate(testIdx) {
      if (!inline || testIdx >= next) return { testIndex: testIdx, range: testsKey, assertRange: () => testsKey };
      let at = starts[0];
      for (const s of starts) if (s.from <= testIdx) at = s;
      const t = tests[at.index] as Record<string, unknown>;
      const own = Array.isArray(t.assert) ? t.assert.length : 0;
      const range = source.rangeAt(['tests', at.index]);
      return {
        testIndex: at.index,
        range,
        assertRange: (j) =>
          j < own
            ? source.rangeAt(['tests', at.index, 'assert', j])
            : j - own < defaultAsserts
              ? source.rangeAt(['defaultTest', 'assert', j - own])
              : range,
      };
    },
  };
}

const outputText = (output: unknown) =>
  typeof output === 'string' ? output : output === undefined || output === null ? '' : JSON.stringify(output);

/**
 * One promptfoo result as ours: the same verdicts (success → pass; failureReason 2 → error), score, reason, assertion
 * outcomes at their lines, tokens and latency. promptfoo's `cost` is taken as reported; a missing cost stays unknown
 * (null), never $0. `caseIndexFor` maps the file's test index to the editor's case index.
 */
export function toEvalResult(
  row: PromptfooRow,
  file: EvalFile,
  map: TestSourceMap,
  caseIndexFor: (testIndex: number, range: SourceRange) => number,
  promptLabels: string[],
): EvalCaseResult {
  const where = map.locate(row.testIdx);
  const location: SourceLocation = { file: file.path, range: where.range };
  const providerId = row.provider?.id ?? 'promptfoo';
  const errored = row.failureReason === 2 || (!row.success && !row.gradingResult && Boolean(row.error));
  const assertions: AssertionOutcome[] = (row.gradingResult?.componentResults ?? []).map((c, j) => ({
    type: c.assertion?.type ?? 'assertion',
    pass: c.pass,
    score: c.score,
    reason: c.reason ?? '',
    weight: typeof c.assertion?.weight === 'number' ? c.assertion.weight : 1,
    location: { file: file.path, range: where.assertRange(j) },
  }));
  const result: EvalCaseResult = {
    file: file.path,
    caseIndex: caseIndexFor(where.testIndex, where.range),
    description: row.testCase?.description ?? describe(row.vars ?? row.testCase?.vars ?? {}, row.testIdx),
    location,
    promptIndex: row.promptIdx,
    promptLabel: promptLabels[row.promptIdx] ?? row.prompt?.label ?? `prompt ${row.promptIdx + 1}`,
    provider: providerId,
    providerLabel: row.provider?.label || providerId,
    model: providerId,
    repeat: 0,
    verdict: errored ? 'error' : row.success ? 'pass' : 'fail',
    pass: row.success,
    score: typeof row.score === 'number' ? row.score : 0,
    reason: row.gradingResult?.reason ?? row.error ?? (row.success ? 'All assertions passed' : 'failed'),
    assertions,
    output: outputText(row.response?.output),
    prompt: row.prompt?.raw ?? '',
    latencyMs: row.latencyMs ?? 0,
    ttftMs: null,
    costUsd: typeof row.cost === 'number' && Number.isFinite(row.cost) ? row.cost : null,
    tokens: { input: row.response?.tokenUsage?.prompt ?? 0, output: row.response?.tokenUsage?.completion ?? 0 },
    cached: row.response?.cached === true,
    engine: 'promptfoo',
  };
  if (errored) result.error = { kind: 'server', message: row.error ?? 'promptfoo reported an error' };
  return result;
}

function describe(vars: Record<string, unknown>, index: number): string {
  const first = Object.entries(vars)[0];
  if (!first) return `test ${index + 1}`;
  const value = typeof first[1] === 'string' ? first[1] : JSON.stringify(first[1]);
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return `${first[0]}=${oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine}`;
}

/** A ledger record for a call promptfoo made (not for cached answers): its provider, tokens, latency and cost. */
export function toCallRecord(row: PromptfooRow, at: string, sessionId?: string): CallRecord | undefined {
  if (row.response?.cached) return undefined;
  const id = row.provider?.id ?? 'promptfoo:unknown';
  const colon = id.indexOf(':');
  const record: CallRecord = {
    at,
    requestId: row.id ?? `promptfoo-${row.testIdx}-${row.promptIdx}`,
    task: 'chat',
    route: [id],
    reason: "run by the workspace's promptfoo (--engine promptfoo)",
    provider: colon > 0 ? id.slice(0, colon) : id,
    model: colon > 0 ? id.slice(colon + 1) : id,
    inputTokens: row.response?.tokenUsage?.prompt ?? 0,
    outputTokens: row.response?.tokenUsage?.completion ?? 0,
    costUsd: typeof row.cost === 'number' && Number.isFinite(row.cost) ? row.cost : null,
    usageSource: 'provider',
    ttftMs: null,
    totalMs: row.latencyMs ?? 0,
    attempts: 1,
    fallbackUsed: false,
    outcome: row.failureReason === 2 && !row.response ? 'error' : 'ok',
    source: 'eval-promptfoo',
  };
  if (record.outcome === 'error' && row.error) record.errorMessage = row.error.slice(0, 500);
  if (sessionId) record.sessionId = sessionId;
  return record;
}
