/** `llm-workbench eval --engine`: which files run natively and which through the workspace's promptfoo. */
import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { delegationPlan, isDelegable, withInstallHint, type EngineChoice } from '../core/evals/delegate/delegation';
import { findPromptfoo, INSTALL_PROMPTFOO_HINT, type PromptfooInstall } from '../core/evals/delegate/findPromptfoo';
import { runPromptfoo } from '../core/evals/delegate/runPromptfoo';
import type { EvalFile } from '../core/evals/evalModel';
import type { EvalCaseResult } from '../core/evals/evalResult';
import type { EvalDiagnostic } from '../core/evals/sourceRange';
import type { ModelRef } from '../core/models/modelRef';
import type { Ledger } from '../core/cost/ledger';

export const ENGINES: readonly EngineChoice[] = ['auto', 'native', 'promptfoo'];

export interface Delegated {
  file: EvalFile;
  install: PromptfooInstall;
  /** Why promptfoo runs it, for the run's log. */
  why: string;
}

export interface EnginePlan {
  native: EvalFile[];
  delegated: Delegated[];
  /** Diagnostics to print: delegated files' refusals become notes; without promptfoo they say how to get it. */
  diagnostics: EvalDiagnostic[];
  /** Lines for stderr saying which engine runs which file and why. */
  notes: string[];
  /** Files that cannot run as asked (--engine promptfoo without a promptfoo). */
  problems: string[];
}

/** What the user trusts eval files with (issue 12): choosing endpoints and key variables, and running code. */
export interface DelegationTrust {
  allowFileEndpoints: boolean;
  allowCode: boolean;
}

/**
 * promptfoo runs a file with the whole environment (every key) and runs its code, with no key rule: a file may send
 * any variable anywhere (`apiBaseUrl`, `{{ env.X }}` in an http provider's headers). So `auto` delegates only files
 * the user trusts (--allow-file-endpoints), and nothing is delegated under --no-code.
 */
function delegationBlocked(engine: EngineChoice, trust: DelegationTrust): string | undefined {
  if (!trust.allowCode) return 'promptfoo would run the code in this file, and --no-code forbids it';
  if (engine === 'auto' && !trust.allowFileEndpoints) {
    return 'promptfoo would run it with every key in your environment, sent wherever the file says: pass --allow-file-endpoints (or --engine promptfoo) if you trust this file';
  }
  return undefined;
}

/**
 * auto: a file runs natively unless its only errors are features promptfoo runs, a promptfoo is found and the user
 * trusts the file (then it is delegated, and the run says so); native: never delegated; promptfoo: every file
 * delegated (a promptfoo is required).
 */
export function planEngines(
  files: readonly EvalFile[],
  engine: EngineChoice,
  env: NodeJS.ProcessEnv,
  short: (path: string) => string,
  trust: DelegationTrust = { allowFileEndpoints: false, allowCode: true },
): EnginePlan {
  const plan: EnginePlan = { native: [], delegated: [], diagnostics: [], notes: [], problems: [] };
  const blocked = delegationBlocked(engine, trust);
  for (const file of files) {
    const install = engine === 'native' ? undefined : findPromptfoo(dirname(file.path), env);
    const where = install ? `${install.source === 'workspace' ? "the workspace's" : "PATH's"} promptfoo (${install.command})` : '';
    const needs = delegationPlan(file);
    if (engine === 'promptfoo') {
      if (blocked) {
        plan.problems.push(`${short(file.path)}: --engine promptfoo: ${blocked}`);
        continue;
      }
      if (!install) {
        plan.problems.push(`${short(file.path)}: --engine promptfoo needs promptfoo: ${INSTALL_PROMPTFOO_HINT}`);
        continue;
      }
      plan.delegated.push({ file, install, why: `--engine promptfoo: run by ${where}` });
      plan.diagnostics.push(
        ...file.diagnostics
          .filter((d) => !isDelegable(d))
          .map((d) => ({ ...d, severity: 'warning' as const, message: `(promptfoo runs this file) ${d.message}` })),
      );
      continue;
    }
    if (engine === 'auto' && file.needsPromptfoo && needs.needed && install && blocked) {
      plan.native.push(file);
      plan.diagnostics.push(...file.diagnostics);
      plan.notes.push(`${short(file.path)}: not run with ${where}: ${blocked}`);
      continue;
    }
    if (engine === 'auto' && file.needsPromptfoo && needs.needed && install) {
      const features = needs.reasons.map((d) => `${short(d.file)}:${d.range.start.line + 1}`).join(', ');
      plan.delegated.push({ file, install, why: `it uses what llm-workbench does not run natively (${features}): run by ${where}` });
      plan.diagnostics.push(...file.diagnostics.filter((d) => d.severity === 'warning'));
      plan.diagnostics.push(
        ...needs.reasons.map((d) => ({
          ...d,
          severity: 'warning' as const,
          message: `runs in promptfoo: ${d.message.replace(/[:;,]? ?(run|write) the file with --engine promptfoo.*$/, '')}`,
        })),
      );
      continue;
    }
    plan.native.push(file);
    // No promptfoo (or --engine native): the refusals stay errors, saying what would run them.
    plan.diagnostics.push(...file.diagnostics.map((d) => (isDelegable(d) && engine !== 'native' ? withInstallHint(d) : d)));
  }
  for (const d of plan.delegated) plan.notes.push(`${short(d.file.path)}: engine promptfoo — ${d.why}`);
  return plan;
}

export interface DelegatedRunOptions {
  env: NodeJS.ProcessEnv;
  concurrency: number;
  repeat?: number;
  noCache: boolean;
  grader?: ModelRef;
  signal: AbortSignal;
  ledger: Ledger;
  jsonlPath?: string;
  readText: (path: string) => string;
  onResult: (result: EvalCaseResult) => void;
  stderr: (text: string) => void;
  /** Removes keys from text that leaves the run (results, ledger records). */
  redact?: (text: string) => string;
}

/** Runs the delegated files one after another; a promptfoo that fails becomes an error result at the file, never a lost file. */
export async function runDelegated(
  delegated: readonly Delegated[],
  options: DelegatedRunOptions,
): Promise<{ errors: number; cancelled: boolean }> {
  let errors = 0;
  // promptfoo's results and records pass the same key redaction as ours before the ledger or any report sees them.
  const clean = <T>(value: T): T => {
    if (!options.redact) return value;
    const text = JSON.stringify(value);
    const redacted = options.redact(text);
    return redacted === text ? value : (JSON.parse(redacted) as T);
  };
  for (const d of delegated) {
    if (options.signal.aborted) return { errors, cancelled: true };
    const outcome = await runPromptfoo(d.file, {
      install: d.install,
      text: options.readText(d.file.path),
      env: options.env,
      concurrency: options.concurrency,
      repeat: options.repeat,
      noCache: options.noCache,
      grader: options.grader,
      signal: options.signal,
      caseIndexFor: caseIndexByLine(d.file),
      onRecord: (record) => void options.ledger.append(clean(record)).catch(() => undefined),
      onResult: (raw) => {
        const result = clean(raw);
        if (options.jsonlPath) appendFileSync(options.jsonlPath, `${JSON.stringify(result)}\n`);
        options.onResult(result);
      },
    });
    if (outcome.cancelled) return { errors, cancelled: true };
    if (outcome.error) {
      errors++;
      options.stderr(`llm-workbench eval: ${d.file.path}: ${outcome.error}\n`);
    }
  }
  return { errors, cancelled: false };
}

/** The native parse's case index for a test at a line (so delegated results land on the same items), else the test index. */
export function caseIndexByLine(file: EvalFile): (testIndex: number, range: { start: { line: number } }) => number {
  return (testIndex, range) =>
    file.tests.find((t) => t.location.file === file.path && t.location.range.start.line === range.start.line)?.index ?? testIndex;
}
