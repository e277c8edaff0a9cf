import { Script } from 'node:vm';
import { pathToFileURL } from 'node:url';
import type { ValueScript } from '../evalModel';
import { cannotChangeSharedState, runSandboxed } from './codeSandbox';
import { DEFAULT_CODE_TIMEOUT_MS } from './javascriptAssertion';
import { runPythonFile } from './python/pythonRunner';

/** What scripts (transforms, file:// values, python) receive as `context`, like promptfoo's assertion context. */
export interface ScriptContext {
  prompt: string;
  vars: Record<string, unknown>;
  test?: unknown;
  config?: Record<string, unknown>;
}

const transforms = new Map<string, { script: Script; reusable: boolean }>();

/**
 * An inline assertion `transform` (promptfoo src/util/transform.ts): one line is `return <expr>`, more lines are a
 * function body, over `output`, `context` ({vars, prompt: {label}}) and `process`. Runs in a pristine vm context
 * (codeSandbox.ts) with the code time limit, like javascript assertions (not a security boundary: only where code may run).
 */
export async function runInlineTransform(
  code: string,
  output: unknown,
  context: unknown,
  timeoutMs = DEFAULT_CODE_TIMEOUT_MS,
): Promise<unknown> {
  let compiled = transforms.get(code);
  if (!compiled) {
    const body = code.includes('\n') ? code : `return ${code}`;
    const script = new Script(`(function (output, context, process) {\n${body}\n})(__output, __context, __process)`, {
      filename: 'assertion-transform.js',
    });
    compiled = { script, reusable: cannotChangeSharedState(code) };
    if (transforms.size > 1000) transforms.clear();
    transforms.set(code, compiled);
  }
  const globals = { __output: clone(output), __context: clone(context), __process: { env: { ...process.env } } };
  let result = runSandboxed(compiled.script, compiled.reusable, globals, timeoutMs);
  if (result && typeof (result as PromiseLike<unknown>).then === 'function')
    result = await withTimeout(result as Promise<unknown>, timeoutMs);
  return result;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** `file://x.py:fn` / `file://x.js:fn` as promptfoo splits it: the part after the last colon past the drive is the function. */
export function parseScriptRef(target: string): { file: string; functionName?: string } {
  const colon = target.lastIndexOf(':');
  return colon > 1 ? { file: target.slice(0, colon), functionName: target.slice(colon + 1) } : { file: target };
}

export const SCRIPT_EXTENSIONS: Record<string, ValueScript['language']> = {
  '.py': 'python',
  '.js': 'javascript',
  '.cjs': 'javascript',
  '.mjs': 'javascript',
};

/**
 * Calls a script with `args` as promptfoo does: Python through the get_assert-style protocol (default function
 * `defaultPython`), JavaScript by importing the module and calling the named export, else the module itself or its
 * default export.
 */
export async function callScript(
  script: ValueScript,
  args: unknown[],
  limits: { defaultPython: string; pythonTimeoutMs?: number; signal?: AbortSignal },
): Promise<unknown> {
  if (script.language === 'python') {
    return runPythonFile(script.file, script.functionName ?? limits.defaultPython, args, {
      timeoutMs: limits.pythonTimeoutMs,
      signal: limits.signal,
    });
  }
  const mod = (await import(pathToFileURL(script.file).href)) as Record<string, unknown> & { default?: unknown };
  const fromDefault = mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : undefined;
  const named = script.functionName ? (mod[script.functionName] ?? fromDefault?.[script.functionName]) : undefined;
  const fn =
    typeof named === 'function' ? named : typeof mod === 'function' ? mod : typeof mod.default === 'function' ? mod.default : undefined;
  if (typeof fn !== 'function')
    throw new Error(
      `${script.file} must export a function${script.functionName ? ` named ${script.functionName}` : ' or have a default export as a function'}`,
    );
  return await Promise.resolve((fn as (...a: unknown[]) => unknown)(...args));
}
