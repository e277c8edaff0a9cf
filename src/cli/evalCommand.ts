/** `llm-workbench eval`: runs eval files headless, for terminals and CI. */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setMaxListeners } from 'node:events';
import { formatUsd } from '../core/cost/pricing';
import { EVAL_FILE_NAMES_TEXT, isEvalFilePath } from '../core/evals/evalFilePatterns';
import type { EvalFile } from '../core/evals/evalModel';
import { graderDiagnostics } from '../core/evals/graderDiagnostics';
import { promptfooDefaultGrader } from '../core/evals/assertions/grading/defaultGrader';
import { hasErrors } from '../core/evals/evalModel';
import { withEvalProviders } from '../core/evals/evalProviders';
import { DerivedMetricsTracker } from '../core/evals/derivedMetrics';
import { derivedMetricsLines, derivedMetricsText } from './derivedMetricsOutput';
import { incompleteAnswersLine } from '../core/evals/incompleteAnswer';
import { junitXmlLines } from '../core/evals/junitReport';
import { selectionMarkdown } from '../core/evals/modelSelection';
import { parseEvalFile } from '../core/evals/parseEvalFile';
import { MAX_REPEAT } from '../core/evals/planJobs';
import { relativeDisplayPath } from '../core/evals/displayPath';
import { normalizeProviderRef } from '../core/evals/providerRef';
import { defaultEvalCacheDir, ResponseCache } from '../core/evals/responseCache';
import { DEFAULT_CONCURRENCY, runEval } from '../core/evals/runEval';
import { formatDiagnostic } from '../core/evals/sourceRange';
import { ignoredTemperatureWarnings } from '../core/evals/unsupportedSampling';
import { ReportRow, type ReportResult } from '../core/evals/reportRow';
import { matrixTable, resultsTableLines, totalsLine } from '../core/evals/textReport';
import { createGateway } from '../core/gateway/createGateway';
import { CliLedger, loadCliSettings, usageMessage, warmUpTokenizers } from './cliSetup';
import { captureLibraryWarnings, reportRedactor } from './evalSafety';
import { cliTelemetry, closeCliTelemetry } from './cliTelemetry';
import { ENGINES, planEngines, runDelegated } from './evalEngines';
import { limitHeapGrowth } from './heapGrowth';
import { outputPathProblem } from './outputPath';
import { TerminalSanitizer } from './terminalText';
import type { EngineChoice } from '../core/evals/delegate/delegation';

export const EVAL_USAGE = `Usage: llm-workbench eval [options] [FILE|DIR...]

Runs eval files (*.eval.yaml, *.eval.yml, *.eval.json, promptfooconfig.yaml or .yml): every test on every provider.
With no FILE, runs ./promptfooconfig.yaml or the eval files in the current directory.

Options:
  --config FILE         settings as JSON, same keys as the editor's (llmWorkbench.providers, .routes, .models...)
  -j, --jobs N          calls in parallel (default ${DEFAULT_CONCURRENCY})
  --repeat N            run every case N times (each repeat is cached separately)
  --no-cache            call the models even when a cached answer exists
  --json FILE           write every result as one JSON line, as it arrives
  --junit FILE          write a JUnit XML report for CI
  --record FILE.md      write the model-selection record (Markdown, plus FILE.json) when several providers ran
  --grader REF          grader model for model-graded assertions where the file names none (e.g. openai:gpt-4o-mini)
  --min-pass-rate R     quality gate for the recommendation, 0..1 (default: the file's minPassRate, else 1.0)
  --calls-per-day N     calls per day for the monthly cost estimate (default: the file's callsPerDay, else settings)
  --no-code             skip code from eval files (javascript assertions, transforms, nunjucksFilters)
  --allow-file-endpoints  let eval files send keys to endpoints they name: your usual key to their apiBaseUrl/apiHost,
                        or the variable they name (apiKeyEnvar), as promptfoo does
  --allow-outside-reads   let file:// references read outside the eval file's folder tree
  --max-file-size MB    largest file an eval reads (prompts, vars, tests; default 50)
  --no-code             skip javascript/python assertions and transforms instead of running them
  --allow-config-endpoints  send the environment's keys to base URLs the --config file sets
  --engine E            auto (default): files that use what llm-workbench does not run natively (redteam, other
                        providers, some assertion types...) run with the workspace's promptfoo
                        (node_modules/.bin/promptfoo, else promptfoo on PATH) when you trust them
                        (--allow-file-endpoints), and the run says so; native: never; promptfoo: every file
  -h, --help            show this help

Exit status: 0 all cases passed, 1 some case failed or errored, 2 invalid eval files, options or settings.
Keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY, ... (see the README). The cache lives in $LLM_WORKBENCH_HOME/cache/evals.
OTEL_EXPORTER_OTLP_ENDPOINT (and the other standard OTEL_* variables) exports the run and its calls as OpenTelemetry spans.
`;

interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTty: boolean;
  /**
   * Ends the process at once after a cancelled run (Ctrl+C must stop within a second, lingering sockets or not), by
   * the signal that cancelled it: a shell or CI runner then sees 130 for Ctrl+C and 143 for SIGTERM, as from `chat`.
   */
  exitNow?: (code: number, signal: NodeJS.Signals) => void;
}

const DEFAULT_IO: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  isTty: Boolean(process.stderr.isTTY),
  exitNow: (code, signal) => {
    // Ended as the signal ends a process (status 130 or 143 in a shell): immediate, where a normal exit can spend a
    // second tearing down aborted sockets and threads on a loaded machine.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(code), 1000).unref();
  },
};

// eslint-disable-next-line max-lines-per-function -- one linear command: parse, check paths before spending, run, write every report; issue 14 reworks it with the engine
export async function evalCommand(argv: string[], io: CliIo = DEFAULT_IO): Promise<number> {
  // Long runs allocate far more than they keep: bound how far the heap grows between full collections, from the
  // parse of the eval files on.
  limitHeapGrowth();
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        repeat: { type: 'string' },
        'no-cache': { type: 'boolean' },
        json: { type: 'string' },
        junit: { type: 'string' },
        record: { type: 'string' },
        grader: { type: 'string' },
        'min-pass-rate': { type: 'string' },
        'calls-per-day': { type: 'string' },
        'no-code': { type: 'boolean' },
        'allow-file-endpoints': { type: 'boolean' },
        'allow-outside-reads': { type: 'boolean' },
        'max-file-size': { type: 'string' },
        'allow-config-endpoints': { type: 'boolean' },
        engine: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(usageMessage('eval', (error as Error).message, EVAL_USAGE));
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout(EVAL_USAGE);
    return 0;
  }

  const problems: string[] = [];
  const jobs = intOption(values.jobs, '-j', 1, problems, MAX_JOBS) ?? DEFAULT_CONCURRENCY;
  const repeat = intOption(values.repeat, '--repeat', 1, problems, MAX_REPEAT);
  const maxFileMb = values['max-file-size'] === undefined ? undefined : Number(values['max-file-size']);
  if (maxFileMb !== undefined && !(maxFileMb > 0 && maxFileMb <= 4096))
    problems.push(`--max-file-size must be a size in MB from 0 to 4096, e.g. 100 (got "${values['max-file-size']}")`);
  const callsPerDay = intOption(values['calls-per-day'], '--calls-per-day', 0, problems);
  const minPassRate = values['min-pass-rate'] === undefined ? undefined : Number(values['min-pass-rate']);
  if (minPassRate !== undefined && !(minPassRate >= 0 && minPassRate <= 1))
    problems.push(`--min-pass-rate must be a number from 0 to 1, e.g. 0.9 (got "${values['min-pass-rate']}")`);
  const engine = (values.engine ?? 'auto') as EngineChoice;
  if (!ENGINES.includes(engine)) problems.push(`--engine must be one of ${ENGINES.join(', ')} (got "${values.engine}")`);
  const grader = values.grader === undefined ? undefined : normalizeProviderRef(values.grader);
  if (values.grader !== undefined && !grader)
    problems.push(`--grader must be a model reference provider:model, e.g. openai:gpt-4o-mini (got "${values.grader}")`);

  for (const [flag, file] of [
    ['--json', values.json],
    ['--junit', values.junit],
    ['--record', values.record],
  ] as const) {
    const problem = file === undefined ? undefined : outputPathProblem(resolve(io.cwd, file));
    if (problem) problems.push(`${flag}: ${problem}`);
  }
  const paths = findEvalFiles(positionals, io.cwd, problems);
  const settings = loadCliSettings(values.config, io.env, io.cwd, values['allow-config-endpoints']);
  const loaded = 'problem' in settings ? (problems.push(settings.problem), undefined) : settings;
  const exporting = loaded ? cliTelemetry(io.env, loaded.config.providers, io.stderr) : {};
  if ('problem' in exporting) problems.push(exporting.problem);
  for (const p of problems) io.stderr(`llm-workbench eval: ${p}\n`);
  if (problems.length > 0 || !loaded || 'problem' in exporting) return 2;
  const { telemetry } = exporting;

  const fileRules = {
    ...(values['allow-outside-reads'] ? { roots: [] } : {}),
    ...(maxFileMb ? { maxBytes: Math.round(maxFileMb * 1024 * 1024) } : {}),
  };
  const knownProviderIds = loaded.config.providers.map((p) => p.id);
  // Test generators (tests: file://tests.js) run while the file is read: not under --no-code.
  const files = paths.map((p) => parseEvalFile(p, { fileRules, knownProviderIds, allowCode: !values['no-code'] }));
  const short = (path: string) => shortPath(path, io.cwd);
  const trust = { allowFileEndpoints: Boolean(values['allow-file-endpoints']), allowCode: !values['no-code'] };
  const plan = planEngines(files, engine, io.env, short, trust);
  // promptfoo grades with its default when nothing names a grader; we do where we can reproduce it (defaultGrader.ts).
  const defaultGrader = grader ? undefined : promptfooDefaultGrader(io.env);
  const graderNotes = plan.native.flatMap((f) => graderDiagnostics(f, grader, defaultGrader));
  const graderProblems = graderNotes.filter((d) => d.severity === 'error');
  const parsedOk = plan.native.filter((f) => !f.fatal && f.needsPromptfoo !== 'file' && f.tests.some((t) => !t.needsPromptfoo));
  const graderRef = grader ?? (defaultGrader && 'ref' in defaultGrader ? defaultGrader.ref : undefined);
  const evalProviders = withEvalProviders(loaded.config, parsedOk, graderRef ? [graderRef] : [], {
    allowFileEndpoints: trust.allowFileEndpoints,
    env: io.env,
  });
  const keyErrors = evalProviders.problems.filter((d) => d.severity === 'error');
  for (const d of [...plan.diagnostics, ...graderNotes, ...evalProviders.problems])
    io.stderr(`${formatDiagnostic({ ...d, file: short(d.file) })}\n`);
  for (const p of plan.problems) io.stderr(`llm-workbench eval: ${p}\n`);
  for (const note of plan.notes) io.stderr(`llm-workbench eval: ${note}\n`);
  const invalid = plan.native.some(hasErrors) || graderProblems.length > 0 || plan.problems.length > 0 || keyErrors.length > 0;
  // A key rule violation stops the file it is in: its calls would otherwise go out without the key they need.
  const runnable = parsedOk.filter((f) => !keyErrors.some((d) => d.file === f.path));
  if (runnable.length === 0 && plan.delegated.length === 0) {
    io.stderr(
      invalid ? 'llm-workbench eval: nothing to run: fix the problems above\n' : 'llm-workbench eval: the files have no tests to run\n',
    );
    return 2;
  }
  for (const d of ignoredTemperatureWarnings(runnable, evalProviders.config, evalProviders.refFor)) {
    io.stderr(`${formatDiagnostic({ ...d, file: shortPath(d.file, io.cwd) })}\n`);
  }
  const ledger = new CliLedger(loaded.ledgerPath, io.stderr);
  await warmUpTokenizers(
    evalProviders.config,
    runnable.flatMap((f) => f.providers.map((p) => evalProviders.refFor(p))),
  );
  const gateway = createGateway({
    wrap: telemetry ? (g) => telemetry.wrapGateway(g) : undefined,
    config: evalProviders.config,
    keys: evalProviders.keys(loaded.keys),
    ledger,
    adapterOptions: {
      keyHint: (id) => {
        const source = evalProviders.sourceOf(id);
        // A provider the eval file named but the settings lack was added here: hint at its usual variable.
        return loaded.config.providers.some((p) => p.id === source)
          ? loaded.keyHint(source)
          : `set ${source.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY in the environment`;
      },
    },
  });
  const redact = reportRedactor(io.env, evalProviders.fileKeys);
  const captured = captureLibraryWarnings();
  // Ctrl+C and SIGTERM alike: calls in flight end as aborted (and are recorded), then the table and reports are written.
  const controller = new AbortController();
  // Every call in flight listens for Ctrl+C on this one signal: -j N calls (and their retries) are expected listeners.
  setMaxListeners(jobs * 4 + 16, controller.signal);
  let stoppedBy: NodeJS.Signals = 'SIGINT';
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: ReportRow[] = [];
  // promptfoo's derivedMetrics: fed every result before it is compacted (named scores need its assertions).
  const derived = DerivedMetricsTracker.forFiles(runnable);
  const traced = telemetry?.evalRun();
  // Kept for the table and JUnit, reduced to what they print (the JSONL has the rest), so a long run stays small.
  const keep = (result: ConstructorParameters<typeof ReportRow>[0]) => results.push(new ReportRow(result));
  let summary;
  try {
    summary = await runEval(runnable, {
      gateway,
      concurrency: jobs,
      repeat,
      cache: values['no-cache']
        ? undefined
        : new ResponseCache(defaultEvalCacheDir(io.env), (message) => io.stderr(`llm-workbench eval: warning: ${message}\n`)),
      signal: controller.signal,
      jsonlPath: values.json ? resolve(io.cwd, values.json) : undefined,
      allowCode: !values['no-code'],
      redact,
      grader,
      defaultGrader,
      refFor: evalProviders.refFor,
      minPassRate,
      callsPerDay: callsPerDay ?? loaded.config.budget.callsPerDay,
      displayPath: (path) => relativeDisplayPath(io.cwd, path),
      aroundCase: traced?.aroundCase,
      onEvent: (e) => {
        traced?.onEvent(e);
        if (e.type === 'result') {
          derived?.add(e.result);
          keep(e.result);
          if (io.isTty) io.stderr(`\r${e.completed}/${e.total} cases`);
        }
      },
    });
    if (plan.delegated.length > 0) {
      const delegated = await runDelegated(plan.delegated, {
        env: io.env,
        concurrency: jobs,
        repeat,
        noCache: Boolean(values['no-cache']),
        grader,
        signal: controller.signal,
        ledger,
        jsonlPath: values.json ? resolve(io.cwd, values.json) : undefined,
        readText: (path) => readFileSync(path, 'utf8'),
        stderr: io.stderr,
        redact,
        onResult: (result) => {
          keep(result);
          summary!.total++;
          summary![
            result.verdict === 'pass' ? 'passed' : result.verdict === 'fail' ? 'failed' : result.verdict === 'error' ? 'errors' : 'skipped'
          ]++;
          if (result.cached) summary!.cached++;
          else if (result.costUsd === null) summary!.unknownCostCalls++;
          else summary!.newSpendUsd += result.costUsd;
        },
      });
      summary.errors += delegated.errors;
      summary.cancelled ||= delegated.cancelled;
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    for (const warning of captured.stop()) io.stderr(`llm-workbench eval: warning: ${warning}\n`);
    await ledger.close();
    await closeCliTelemetry(telemetry, io.stderr);
  }
  if (io.isTty) io.stderr('\r');

  results.sort(resultOrder([...runnable, ...plan.delegated.map((d) => d.file)]));
  // Outputs in the table are model text: no terminal control sequences reach the terminal. Written in pieces: the
  // table of a 100,000-case run is never one text in memory.
  const sanitizer = new TerminalSanitizer();
  for (const chunk of batches(resultsTableLines(results, io.cwd))) io.stdout(sanitizer.push(`${chunk}\n`));
  io.stdout(sanitizer.push(`\n${totalsLine(summary)}\n`));
  if (derived) {
    io.stdout(sanitizer.push(derivedMetricsText(derived.columns(), io.cwd)));
    if (values.json) derivedMetricsLines(resolve(io.cwd, values.json), derived.columns());
  }
  const incompleteLine = incompleteAnswersLine(results);
  if (incompleteLine) io.stdout(`${incompleteLine}\n`);
  for (const file of summary.files) {
    if (!file.selection) continue;
    io.stdout(`\n${basename(file.file)}: ${file.description ?? 'model comparison'}\n${matrixTable(file.candidates)}\n`);
    const s = file.selection;
    io.stdout(`Recommendation: ${s.decision}\n`);
    if (s.chosenRoute && s.costEstimate) {
      io.stdout(
        `  route ${s.task}: ${s.chosenRoute.primary}${s.chosenRoute.fallbacks.length ? ` (fallback ${s.chosenRoute.fallbacks.join(', ')})` : ''}; ${formatUsd(s.costEstimate.monthlyUsd)}/month at ${s.costEstimate.callsPerDay} calls/day\n`,
      );
    }
  }

  let unwritten = false;
  const writeOut = (path: string, text: string | Iterable<string>) => {
    try {
      mkdirSync(dirname(path), { recursive: true });
      if (typeof text === 'string') writeFileSync(path, text);
      else writeLines(path, text);
    } catch (error) {
      io.stderr(`llm-workbench eval: could not write ${path}: ${(error as Error).message}\n`);
      unwritten = true;
    }
  };
  if (values.junit) writeOut(resolve(io.cwd, values.junit), junitXmlLines(results, { cwd: io.cwd }));
  if (values.record) {
    const selections = summary.files.flatMap((f) => (f.selection ? [f.selection] : []));
    if (selections.length === 0) io.stderr('llm-workbench eval: --record needs a file with two or more providers; no record written\n');
    else {
      const mdPath = resolve(io.cwd, values.record);
      writeOut(mdPath, selections.map(selectionMarkdown).join('\n'));
      writeOut(mdPath.replace(/(\.md)?$/i, '.json'), `${JSON.stringify(selections.length === 1 ? selections[0] : selections, null, 2)}\n`);
    }
  }

  if (summary.cancelled) {
    // Reports are written (stdout and files are synchronous here); aborted sockets and workers need not be waited for.
    io.exitNow?.(1, stoppedBy);
    return 1;
  }
  if (invalid || unwritten) return 2;
  return summary.failed + summary.errors > 0 ? 1 : 0;
}

/** Relative to the working directory when the file is below it, so terminals and CI annotate it as a repo path. */
function shortPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Upper bounds that keep a typo (-j 1000000000) from exhausting memory before the first call. */
const MAX_JOBS = 256;

function intOption(
  raw: string | undefined,
  name: string,
  min: number,
  problems: string[],
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return undefined;
  }
  return n;
}

/** Lines joined in batches of 1,000: few writes, and never the whole report as one text. */
function* batches(lines: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  for (const line of lines) {
    batch.push(line);
    if (batch.length === 1000) {
      yield batch.join('\n');
      batch = [];
    }
  }
  if (batch.length > 0) yield batch.join('\n');
}

/** Writes lines, each ending with a newline, as they are produced (JUnit of a long run). */
function writeLines(path: string, lines: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of batches(lines)) writeSync(fd, `${chunk}\n`);
  } finally {
    closeSync(fd);
  }
}

/** FILE arguments as given; DIR arguments expand to the eval files under them (node_modules skipped). */
function findEvalFiles(args: string[], cwd: string, problems: string[]): string[] {
  if (args.length === 0) {
    const here = readdirSync(cwd).filter((f) => isEvalFilePath(f));
    if (here.length === 0)
      problems.push('no eval files given, and none in the current directory: pass FILE... (e.g. evals/support.eval.yaml)');
    return here.sort().map((f) => join(cwd, f));
  }
  const out: string[] = [];
  for (const arg of args) {
    const path = resolve(cwd, arg);
    if (!existsSync(path)) {
      problems.push(`${arg}: no such file or directory`);
      continue;
    }
    if (statSync(path).isDirectory()) {
      const found = (readdirSync(path, { recursive: true }) as string[])
        .filter((f) => !f.split(/[\\/]/).includes('node_modules') && isEvalFilePath(f))
        .sort()
        .map((f) => join(path, f));
      if (found.length === 0) problems.push(`${arg}: no eval files (${EVAL_FILE_NAMES_TEXT}) in this directory`);
      out.push(...found);
    } else out.push(path);
  }
  return out;
}

function resultOrder(files: readonly EvalFile[]): (a: ReportResult, b: ReportResult) => number {
  const fileIndex = new Map(files.map((f, i) => [f.path, i]));
  const providerIndex = (r: ReportResult) => {
    const f = files[fileIndex.get(r.file) ?? 0];
    const i = f?.providers.findIndex((p) => p.label === r.providerLabel) ?? -1;
    return i < 0 ? 0 : i;
  };
  return (a, b) =>
    (fileIndex.get(a.file) ?? 0) - (fileIndex.get(b.file) ?? 0) ||
    a.caseIndex - b.caseIndex ||
    a.promptIndex - b.promptIndex ||
    providerIndex(a) - providerIndex(b) ||
    a.repeat - b.repeat;
}
