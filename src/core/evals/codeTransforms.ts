/**
 * promptfoo's transforms (src/util/transform.ts): `options.transform` (output), `options.transformVars` (vars) and a
 * provider's `transform`. Inline code is a function body over `output` (or `vars`), `context` and `process`; a
 * one-line expression is returned as is. `file://x.js[:fn]` loads a module's function. Code runs only where the
 * host allows code (CLI without --no-code, trusted workspace), in a `node:vm` context with a time limit.
 */
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

export const TRANSFORM_TIMEOUT_MS = 1000;

export class TransformError extends Error {}

/** What a transform may see; `metadata` only for output transforms. */
export interface TransformContext {
  vars?: Record<string, unknown>;
  prompt?: unknown;
  metadata?: unknown;
  uuid?: string;
}

const moduleCache = new Map<string, (...args: unknown[]) => unknown>();

export async function runTransform(
  code: string,
  input: unknown,
  context: TransformContext,
  kind: 'output' | 'vars',
  baseDir: string,
  timeoutMs = TRANSFORM_TIMEOUT_MS,
): Promise<unknown> {
  const label = code.startsWith('file://') ? '[file transform]' : `[inline transform]: ${oneLine(code)}`;
  let result: unknown;
  try {
    result = code.startsWith('file://')
      ? await fileTransform(code, baseDir)(input, context)
      : await inline(code, input, context, kind, timeoutMs);
  } catch (error) {
    throw new TransformError(`Transform failed (${label}): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (result === null || result === undefined) throw new TransformError(`Transform function did not return a value\n\n${label}`);
  return result;
}

async function inline(
  code: string,
  input: unknown,
  context: TransformContext,
  kind: 'output' | 'vars',
  timeoutMs: number,
): Promise<unknown> {
  const body = code.includes('\n') ? code : `return ${code}`;
  const requireShim = createRequire(__filename);
  const sandbox = { __input: input, __context: context, __process: { mainModule: { require: requireShim }, env: process.env } };
  const fn = runInNewContext(`(function(${kind}, context, process) {\n${body}\n})`, sandbox, { timeout: timeoutMs }) as (
    ...args: unknown[]
  ) => unknown;
  const value = runInNewContext('__fn(__input, __context, __process)', { ...sandbox, __fn: fn }, { timeout: timeoutMs });
  return isThenable(value) ? withTimeout(value, timeoutMs) : value;
}

function fileTransform(ref: string, baseDir: string): (input: unknown, context: TransformContext) => unknown {
  const target = ref.slice('file://'.length);
  const colon = target.lastIndexOf(':');
  const [file, name] = colon > 1 ? [target.slice(0, colon), target.slice(colon + 1)] : [target, undefined];
  if (file.endsWith('.py'))
    throw new TransformError(
      'Python transforms (file://*.py) are not run by llm-workbench: write the transform in JavaScript, or run this file with --engine promptfoo',
    );
  if (!/\.(c?js)$/.test(file))
    throw new TransformError(`Unsupported transform file format: file://${file} (llm-workbench loads .js and .cjs)`);
  const key = `${baseDir}\u0000${target}`;
  const cached = moduleCache.get(key);
  if (cached) return cached;
  const loaded = createRequire(`${baseDir}/`)(file.startsWith('/') ? file : `./${file}`) as
    Record<string, unknown> | ((...args: unknown[]) => unknown);
  const fn =
    name && typeof loaded === 'object' && typeof loaded[name] === 'function'
      ? loaded[name]
      : typeof loaded === 'function'
        ? loaded
        : typeof (loaded as Record<string, unknown>).default === 'function'
          ? (loaded as Record<string, unknown>).default
          : undefined;
  if (typeof fn !== 'function')
    throw new TransformError(
      `Transform ${file} must export a function, have a default export as a function, or export the specified function "${name ?? ''}"`,
    );
  moduleCache.set(key, fn as (...args: unknown[]) => unknown);
  return fn as (...args: unknown[]) => unknown;
}

function isThenable(value: unknown): value is Promise<unknown> {
  return Boolean(value) && typeof (value as PromiseLike<unknown>).then === 'function';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

function oneLine(code: string): string {
  const single = code.replace(/\s+/g, ' ').trim();
  return single.length > 80 ? `${single.slice(0, 79)}…` : single;
}
