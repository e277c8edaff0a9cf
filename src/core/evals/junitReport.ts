import { relative } from 'node:path';
import type { EvalCaseResult } from './evalResult';
import type { ReportResult } from './reportRow';
import { incompleteAnswer } from './incompleteAnswer';

/** XML 1.0 allows tab, newline, carriage return and printable characters; anything else (model output can hold it) is dropped. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string, attribute = false): string {
  const escaped = text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
  return attribute ? escaped.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : escaped;
}

/** Test names that stay unique and readable: the case, its provider, and the prompt/repeat when there are several. */
export function caseName(
  result: Pick<EvalCaseResult, 'description' | 'providerLabel' | 'promptLabel' | 'promptIndex' | 'repeat'>,
  multiPrompt: boolean,
  multiRepeat: boolean,
): string {
  const parts = [result.providerLabel];
  if (multiPrompt) parts.push(`prompt ${result.promptIndex + 1}`);
  if (multiRepeat) parts.push(`run ${result.repeat + 1}`);
  return `${result.description} [${parts.join(', ')}]`;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * JUnit XML as GitHub Actions (dorny/test-reporter, mikepenz/action-junit-report), GitLab, Jenkins and Azure read it:
 * <testsuites> with one <testsuite> per eval file and one <testcase> per case × provider (× prompt × repeat);
 * a failed case has <failure message type>, a failed call <error>, a skipped one <skipped>.
 */
export function junitXml(results: readonly ReportResult[], options: { cwd?: string; timestamp?: Date } = {}): string {
  return `${[...junitXmlLines(results, options)].join('\n')}\n`;
}

/** The lines of `junitXml` (without their newlines) one at a time, for a report too large to build as one text. */
export function* junitXmlLines(results: readonly ReportResult[], options: { cwd?: string; timestamp?: Date } = {}): Generator<string> {
  const cwd = options.cwd ?? process.cwd();
  const byFile = new Map<string, ReportResult[]>();
  for (const r of results) (byFile.get(r.file) ?? byFile.set(r.file, []).get(r.file)!).push(r);
  const count = (list: readonly ReportResult[], verdict: EvalCaseResult['verdict']) => list.filter((r) => r.verdict === verdict).length;
  const time = (list: readonly ReportResult[]) => seconds(list.reduce((sum, r) => sum + (r.cached ? 0 : r.latencyMs), 0));
  const timestamp = (options.timestamp ?? new Date()).toISOString().replace(/\.\d{3}Z$/, '');

  yield '<?xml version="1.0" encoding="UTF-8"?>';
  yield `<testsuites name="llm-workbench eval" tests="${results.length}" failures="${count(results, 'fail')}" errors="${count(results, 'error')}" skipped="${count(results, 'skipped')}" time="${time(results)}">`;
  for (const [file, list] of byFile) {
    const name = relative(cwd, file) || file;
    const multiPrompt = new Set(list.map((r) => r.promptIndex)).size > 1;
    const multiRepeat = list.some((r) => r.repeat > 0);
    yield `  <testsuite name="${escapeXml(name, true)}" tests="${list.length}" failures="${count(list, 'fail')}" errors="${count(list, 'error')}" skipped="${count(list, 'skipped')}" time="${time(list)}" timestamp="${timestamp}">`;
    for (const r of list) yield* testcaseLines(r, name, cwd, multiPrompt, multiRepeat);
    yield '  </testsuite>';
  }
  yield '</testsuites>';
}

function* testcaseLines(r: ReportResult, suite: string, cwd: string, multiPrompt: boolean, multiRepeat: boolean): Generator<string> {
  const attrs = `name="${escapeXml(caseName(r, multiPrompt, multiRepeat), true)}" classname="${escapeXml(`${suite}.${r.providerLabel}`, true)}" file="${escapeXml(relative(cwd, r.location.file) || r.location.file, true)}" line="${r.location.range.start.line + 1}" time="${seconds(r.cached ? 0 : r.latencyMs)}"`;
  const incomplete = incompleteAnswer(r.stopReason);
  if (r.verdict === 'pass' && !incomplete) {
    yield `    <testcase ${attrs}/>`;
    return;
  }
  yield `    <testcase ${attrs}>`;
  // A property for tools that read them, and system-out for the ones that only show text: never a silent cut.
  if (incomplete)
    yield `      <properties><property name="llm_workbench.stop_reason" value="${escapeXml(r.stopReason ?? '', true)}"/></properties>`;
  if (r.verdict === 'fail')
    yield `      <failure message="${escapeXml(r.reason, true)}" type="assertion">${escapeXml(failureDetails(r))}</failure>`;
  else if (r.verdict === 'error')
    yield `      <error message="${escapeXml(r.reason, true)}" type="${escapeXml(r.error?.kind ?? 'error', true)}">${escapeXml(r.reason)}</error>`;
  else if (r.verdict === 'skipped') yield `      <skipped message="${escapeXml(r.reason, true)}"/>`;
  if (incomplete) yield `      <system-out>${escapeXml(`⚠ ${incomplete.long}`)}</system-out>`;
  yield '    </testcase>';
}

function failureDetails(r: ReportResult): string {
  const failed = r.assertions.flatMap((a) => (a.components ? [a, ...a.components] : [a])).filter((a) => !a.pass && !a.skipped);
  const output = r.output.length > 2000 ? `${r.output.slice(0, 2000)}…` : r.output;
  const incomplete = incompleteAnswer(r.stopReason);
  return [
    ...(incomplete ? [`⚠ ${incomplete.long}`] : []),
    ...failed.map((a) => `${a.type} (line ${a.location.range.start.line + 1}): ${a.reason}`),
    `score: ${r.score.toFixed(2)}`,
    `model: ${r.model ?? r.providerLabel}${r.cached ? ' (cached)' : ''}`,
    'output:',
    output,
  ].join('\n');
}
