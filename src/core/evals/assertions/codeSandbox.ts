import { type Context, type Script, createContext } from 'node:vm';

/**
 * Where eval-file code (javascript assertions, inline transforms) runs: a `node:vm` context with the code time limit.
 * Each run must see a pristine context — nothing one assertion sets (a global, a property on a built-in) may be seen
 * by the next — but a new context costs milliseconds, more than most assertions. So code that provably cannot change
 * anything the context holds (`cannotChangeSharedState`) runs in one shared context; any other code gets a fresh one.
 * Not a security boundary (vm code can escape): the runner only calls this where the user allowed code to run.
 */

/**
 * Assignment of any kind (`=` outside `==`, `===`, `!=`, `!==`, `<=`, `>=`, `=>`; `++`, `--`): the only syntax that
 * writes a binding or a property. Comparisons are blanked first; whatever `=` is left assigns.
 */
const COMPARISON = /===|!==|==|!=|=>|(?<![<>])[<>]=/g;
/** `const x =`, `let {a, b} =`: the code's own local (it runs inside a function), not shared state. */
const DECLARATION = /\b(?:const|let|var)\s+(?:[A-Za-z_$][\w$]*|\{[\s\w$,]*\})\s*=(?!=)/g;
const ASSIGNMENT = /=|\+\+|--/;

/**
 * Names through which code reaches built-ins' own state or writes without assignment syntax: reflection and
 * mutation APIs, prototypes, the global object, code from strings, borrowed methods (`[].push.call(JSON, 1)`),
 * RegExp's legacy statics, anything that runs code later, and `for` (`for (x of y)` assigns an undeclared `x`, a
 * new global). Matched anywhere in the text, strings included: a false alarm only costs a fresh context.
 */
const STATE_REACHING =
  /\b(?:delete|defineProperty|defineProperties|assign|setPrototypeOf|getPrototypeOf|getOwnPropertyDescriptors?|__proto__|__define[GS]etter__|__lookup[GS]etter__|freeze|seal|preventExtensions|Reflect|Proxy|Function|eval|constructor|prototype|globalThis|this|arguments|with|call|apply|bind|captureStackTrace|RegExp|Atomics|SharedArrayBuffer|WeakRef|FinalizationRegistry|Symbol|import|for)\b/;

/**
 * What hides code from a text scan: `\u` escapes spell identifiers (`glob\u0061lThis`), and a comment can end a line
 * with `(` and put a property access (`x //(` newline `[k]`) after what looks like the start of an expression.
 */
const OPAQUE = /\\u|\/\/|\/\*/;

/** A character after which `[` starts an array literal; after anything else it is a property access. */
const STARTS_EXPRESSION = new Set(['(', ',', ':', '!', '&', '|', '+', '-', '*', '%', '<', '>', '{', ';', '^', '~', '?']);

/**
 * True when the code cannot change the state of the context it runs in, so the next run in the same context sees
 * it pristine: no assignment but a declaration's initializer, no name from `STATE_REACHING`, and no computed property access other than a numeric
 * index (`x[k]` can spell `constructor` from pieces). Conservative by construction: it looks at the raw text,
 * strings and comments included, and says false whenever in doubt.
 */
export function cannotChangeSharedState(code: string): boolean {
  if (ASSIGNMENT.test(code.replace(COMPARISON, ' ').replace(DECLARATION, ' '))) return false;
  if (STATE_REACHING.test(code) || OPAQUE.test(code)) return false;
  for (let i = code.indexOf('['); i >= 0; i = code.indexOf('[', i + 1)) {
    let before = i - 1;
    while (before >= 0 && /\s/.test(code[before])) before--;
    const isLiteral = before < 0 || STARTS_EXPRESSION.has(code[before]);
    if (!isLiteral && !/^\[\s*\d+\s*\]/.test(code.slice(i, i + 24))) return false;
  }
  return true;
}

let shared: Context | undefined;

/**
 * Runs `script` (which reads its inputs from the given globals, synchronously, as it starts) with the time limit.
 * `reusable` is `cannotChangeSharedState(code)` for the script's source, computed once where the script is compiled.
 */
export function runSandboxed(script: Script, reusable: boolean, globals: Record<string, unknown>, timeoutMs: number): unknown {
  if (!reusable) return script.runInContext(createContext({ ...globals }), { timeout: timeoutMs });
  const context = (shared ??= createContext({}));
  Object.assign(context, globals);
  try {
    return script.runInContext(context, { timeout: timeoutMs });
  } catch (error) {
    // A run cut off by the time limit stopped wherever it was: start the next one from a new context.
    shared = undefined;
    throw error;
  } finally {
    for (const name of Object.keys(globals)) delete (context as Record<string, unknown>)[name];
    // Belt and braces: a global the screen missed retires the context instead of reaching the next run.
    if (Object.getOwnPropertyNames(context).length > 0) shared = undefined;
  }
}
