import { Script } from 'node:vm';
import { cannotChangeSharedState, runSandboxed } from './codeSandbox';
import type { Check } from './assertionOutcome';

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
 */
export async function checkJavascript(
  code: string,
  output: unknown,
  context: { vars: Record<string, unknown>; prompt: string },
  negate: boolean,
  threshold: number | undefined,
  timeoutMs = DEFAULT_CODE_TIMEOUT_MS,
): Promise<Check> {
  let result: unknown;
  try {
    const { script, reusable } = compiledScript(code);
    result = runSandboxed(script, reusable, { __output: output, __context: JSON.parse(JSON.stringify(context)) }, timeoutMs);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function')
      result = await withTimeout(result as Promise<unknown>, timeoutMs);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = /timed out/i.test(message);
    return {
      pass: false,
      score: 0,
      reason: timedOut ? `Custom function timed out after ${timeoutMs} ms` : `Custom function threw error: ${message}`,
    };
  }
  return javascriptResultCheck(result, negate, threshold);
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
  return {
    pass: false,
    score: 0,
    reason: `Custom function must return a boolean, a finite number or {pass, score, reason}; it returned ${result === null ? 'null' : typeof result}`,
  };
}

const scripts = new Map<string, { script: Script; reusable: boolean }>();

/** Compiled (and screened for a shared context) once per distinct code; each run still sees a pristine context. */
function compiledScript(code: string): { script: Script; reusable: boolean } {
  let compiled = scripts.get(code);
  if (!compiled) {
    const script = new Script(`(function (output, context) {\n${javascriptBody(code)}\n})(__output, __context)`, {
      filename: 'javascript-assertion.js',
    });
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
