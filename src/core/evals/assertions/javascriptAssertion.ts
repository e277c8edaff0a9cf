import { Script } from 'node:vm';
import { cannotChangeSharedState, runSandboxed } from './codeSandbox';
import type { Check } from './assertionOutcome';
import { sharedSandbox, type SandboxWorker } from './sandboxWorker';

export const DEFAULT_CODE_TIMEOUT_MS = 1000;

/**
 * promptfoo's rule for turning `value` into a function body: multi-line code is a body (it returns itself);
 * a single line is an expression, unless it starts with a declaration, where `return` goes before the last statement.
 */
export function javascriptBody(code: string): string {
  const trimmed = code.trimEnd();
  if (trimmed.includes('\n')) return trimmed;
  const line = trimmed.trim().replace(/;+\s*$/, '');
  if (/^(const|let|var)\s/.test(line)) {
    const last = lastTopLevelSemicolon(line);
    return last >= 0 ? `${line.slice(0, last + 1)} return ${line.slice(last + 1).trim()};` : line;
  }
  return `return (${line});`;
}

function lastTopLevelSemicolon(code: string): number {
  let quote: string | undefined;
  let depth = 0;
  let last = -1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ';' && depth === 0) last = i;
  }
  return last;
}

/**
 * Runs a javascript assertion in a pristine `node:vm` context with a timeout (codeSandbox.ts: a shared one for code
 * that cannot change it, else a fresh one). This isolates globals and stops runaway loops; it is NOT a security boundary (vm code can escape), which is why the runner only calls it where the
 * user allowed code to run (a trusted workspace; the CLI unless --no-code).
 *
 * Result mapping follows promptfoo: boolean -> pass/fail (score 1/0); number -> score, pass when >= threshold, or
 * > 0 without a threshold; {pass, score, reason} -> taken as is. `not-` flips pass.
 *
 * A text output runs in `sandbox` (sandboxWorker.ts: one long-lived thread, a timer per run, instead of a watchdog
 * thread per call); `null` runs it on this thread, as any other output does.
 */
export async function checkJavascript(
  code: string,
  output: unknown,
  context: { vars: Record<string, unknown>; prompt: string },
  negate: boolean,
  threshold: number | undefined,
  timeoutMs = DEFAULT_CODE_TIMEOUT_MS,
  sandbox: SandboxWorker | null = sharedSandbox,
): Promise<Check> {
  // Text (nearly every output) goes to the sandbox worker as it is; other values would be copied across threads,
  // which can change them (a class instance, a function), so they run here under the vm's own time limit.
  if (typeof output === 'string' && sandbox) return checkJavascriptInWorker(sandbox, code, output, context, negate, threshold, timeoutMs);
  let result: unknown;
  try {
    const { script, reusable } = compiledScript(code);
    result = runSandboxed(script, reusable, { __output: output, __context: JSON.parse(JSON.stringify(context)) }, timeoutMs);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function')
      result = await withTimeout(result as Promise<unknown>, timeoutMs);
  } catch (error) {
    return thrownCheck(error instanceof Error ? error.message : String(error), timeoutMs);
  }
  return javascriptResultCheck(result, negate, threshold);
}

function thrownCheck(message: string, timeoutMs: number): Check {
  const timedOut = /timed out/i.test(message);
  return {
    pass: false,
    score: 0,
    reason: timedOut ? `Custom function timed out after ${timeoutMs} ms` : `Custom function threw error: ${message}`,
  };
}

/** What the worker reports of a result (sandboxWorker.ts `summary`): all `javascriptResultCheck` reads of it. */
type ResultSummary = { value: boolean | number } | { object: { pass: boolean; score?: number; reason?: string } } | { type: string };
type WorkerReply = { result: ResultSummary } | { error: string } | { timedOut: true } | { aborted: true };

async function checkJavascriptInWorker(
  sandbox: SandboxWorker,
  code: string,
  output: string,
  context: { vars: Record<string, unknown>; prompt: string },
  negate: boolean,
  threshold: number | undefined,
  timeoutMs: number,
): Promise<Check> {
  let contextJson: string;
  try {
    contextJson = JSON.stringify(context);
  } catch (error) {
    return thrownCheck(error instanceof Error ? error.message : String(error), timeoutMs);
  }
  const { source, reusable } = compiledSource(code);
  const reply = await sandbox.run<WorkerReply>({ kind: 'javascript', source, reusable, output, context: contextJson }, timeoutMs);
  if ('timedOut' in reply) return thrownCheck('timed out', timeoutMs);
  if ('aborted' in reply) return thrownCheck('aborted', timeoutMs);
  if ('error' in reply) return thrownCheck(reply.error, timeoutMs);
  const summary = reply.result;
  if ('value' in summary) return javascriptResultCheck(summary.value, negate, threshold);
  if ('object' in summary) return javascriptResultCheck(summary.object, negate, threshold);
  return notAVerdictCheck(summary.type);
}

/** promptfoo's mapping of a JavaScript result (boolean, number, {pass, score, reason}) to a verdict; `not-` flips pass. */
export function javascriptResultCheck(result: unknown, negate: boolean, threshold: number | undefined): Check {
  if (typeof result === 'boolean') {
    const pass = result !== negate;
    return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : `Custom function returned ${result}` };
  }
  if (typeof result === 'number' && Number.isFinite(result)) {
    const raw = threshold === undefined ? result > 0 : result >= threshold;
    const pass = raw !== negate;
    return {
      pass,
      score: result,
      reason: pass
        ? 'Assertion passed'
        : threshold === undefined
          ? `Custom function returned score ${result}`
          : `Custom function score ${result} is ${raw ? '>=' : 'below'} threshold ${threshold}`,
    };
  }
  if (result && typeof result === 'object' && typeof (result as { pass?: unknown }).pass === 'boolean') {
    const r = result as { pass: boolean; score?: unknown; reason?: unknown };
    const score = typeof r.score === 'number' && Number.isFinite(r.score) ? r.score : r.pass ? 1 : 0;
    let rawPass = r.pass;
    let reason = typeof r.reason === 'string' ? r.reason : '';
    if (threshold !== undefined && score < threshold) {
      rawPass = false;
      reason = `Custom function score ${score} is less than threshold ${threshold}${reason ? `: ${reason}` : ''}`;
    }
    const pass = rawPass !== negate;
    return { pass, score, reason: reason || (pass ? 'Assertion passed' : 'Custom function returned pass: false') };
  }
  return notAVerdictCheck(result === null ? 'null' : typeof result);
}

/** A result that is none of the three verdict shapes fails whatever `not-` says, naming what it was. */
function notAVerdictCheck(typeName: string): Check {
  return {
    pass: false,
    score: 0,
    reason: `Custom function must return a boolean, a finite number or {pass, score, reason}; it returned ${typeName}`,
  };
}

const scripts = new Map<string, { script: Script; reusable: boolean }>();
const sources = new Map<string, { source: string; reusable: boolean }>();

/** The function around the code (promptfoo's body rule) and the shared-context screen, once per distinct code. */
function compiledSource(code: string): { source: string; reusable: boolean } {
  let compiled = sources.get(code);
  if (!compiled) {
    compiled = { source: wrappedSource(code), reusable: cannotChangeSharedState(code) };
    if (sources.size > 1000) sources.clear();
    sources.set(code, compiled);
  }
  return compiled;
}

function wrappedSource(code: string): string {
  return `(function (output, context) {\n${javascriptBody(code)}\n})(__output, __context)`;
}

/** Compiled (and screened for a shared context) once per distinct code; each run still sees a pristine context. */
function compiledScript(code: string): { script: Script; reusable: boolean } {
  let compiled = scripts.get(code);
  if (!compiled) {
    const script = new Script(wrappedSource(code), { filename: 'javascript-assertion.js' });
    compiled = { script, reusable: cannotChangeSharedState(code) };
    if (scripts.size > 1000) scripts.clear();
    scripts.set(code, compiled);
  }
  return compiled;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
