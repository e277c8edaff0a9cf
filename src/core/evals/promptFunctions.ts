/**
 * promptfoo's prompt functions (src/prompts/processors/javascript.ts, python.ts; renderPrompt in
 * src/evaluatorHelpers.ts): `file://prompt.js[:fn]` exports a function, `file://prompt.py:fn` names one. Each case
 * calls it with `{vars, provider: {id, label}, config}`; a string is the prompt, an object with `prompt` gives the
 * prompt (and `config` merged over the prompt's), any other object or list is sent as its JSON (a chat). The result
 * is then rendered as a template like any prompt. Code runs only where code may run (the caller checks).
 */
import { createRequire } from 'node:module';
import { runPythonFile } from './assertions/python/pythonRunner';

export interface PromptFunctionRef {
  /** Absolute path. */
  file: string;
  name?: string;
  language: 'javascript' | 'python';
}

export interface PromptFunctionContext {
  vars: Record<string, unknown>;
  provider: { id: string; label?: string };
  config: Record<string, unknown>;
}

export interface PromptFunctionResult {
  raw: string;
  /** `{prompt, config}` returns: merged over the prompt's config for this call. */
  config?: Record<string, unknown>;
}

export class PromptFunctionError extends Error {}

export async function runPromptFunction(
  ref: PromptFunctionRef,
  context: PromptFunctionContext,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PromptFunctionResult> {
  let result: unknown;
  try {
    result =
      ref.language === 'python'
        ? await runPythonFile(ref.file, ref.name ?? '', [context], options)
        : await (loadJsFunction(ref) as (c: PromptFunctionContext) => unknown)(context);
  } catch (error) {
    if (error instanceof PromptFunctionError) throw error;
    throw new PromptFunctionError(`The prompt function ${label(ref)} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof result === 'string') return { raw: result };
  if (result !== null && typeof result === 'object') {
    if ('prompt' in result) {
      const { prompt, config } = result as { prompt: unknown; config?: unknown };
      const raw = typeof prompt === 'string' ? prompt : JSON.stringify(prompt);
      return config !== null && typeof config === 'object' ? { raw, config: config as Record<string, unknown> } : { raw };
    }
    return { raw: JSON.stringify(result) };
  }
  throw new PromptFunctionError(
    `Prompt function must return a string or object, got ${result === null ? 'null' : typeof result} (${label(ref)})`,
  );
}

/** The module's named export, else its default export, else the module itself (promptfoo's importModule). */
function loadJsFunction(ref: PromptFunctionRef): (...args: unknown[]) => unknown {
  const loaded = createRequire(ref.file)(ref.file) as Record<string, unknown> | ((...args: unknown[]) => unknown);
  const candidates = ref.name
    ? [(loaded as Record<string, unknown>)[ref.name], ((loaded as Record<string, unknown>).default as Record<string, unknown>)?.[ref.name]]
    : [loaded, (loaded as Record<string, unknown>).default];
  const fn = candidates.find((c) => typeof c === 'function');
  if (!fn)
    throw new PromptFunctionError(
      `${label(ref)} must export ${ref.name ? `a function named "${ref.name}"` : 'a function (module.exports = ({vars}) => ..., or a default export)'}`,
    );
  return fn as (...args: unknown[]) => unknown;
}

function label(ref: PromptFunctionRef): string {
  return `${ref.file}${ref.name ? `:${ref.name}` : ''}`;
}
