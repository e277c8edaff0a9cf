/**
 * promptfoo's test generators (readJavascriptTestCases): `tests: file://tests.js[:fn]` (or .cjs/.mjs/.ts) is a module
 * whose export (the named function, else the default export, else the module) is the test list, or a function —
 * sync or async — called with `tests.config` that returns it. Parsing is synchronous and the module may be async or
 * an ES module, so it runs in a child Node process (`process.execPath`, as node in the CLI and the extension host)
 * that prints the list as JSON; a hang is cut at the time limit. TypeScript is stripped with sucrase (a pure-JS
 * transform: the CLI and the extension ship as bundles, and esbuild's native binary cannot ship in them), loaded
 * only in that child. Only called where code may run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const GENERATOR_TIMEOUT_MS = 30_000;

const CHILD = `
const input = JSON.parse(process.argv[1]);
const fs = require('fs');
const { pathToFileURL } = require('url');
const ts = /\\.(c|m)?ts$/.test(input.file);
if (ts) {
  const { transform } = require(input.transformer);
  for (const ext of ['.ts', '.cts', '.mts'])
    require.extensions[ext] = (m, filename) =>
      m._compile(transform(fs.readFileSync(filename, 'utf8'), { transforms: ['typescript', 'imports'], filePath: filename }).code, filename);
}
(async () => {
  const ns = ts ? require(input.file) : await import(pathToFileURL(input.file).href);
  const mod = input.name
    ? (ns[input.name] !== undefined ? ns[input.name] : ns.default && ns.default[input.name])
    : ns.default !== undefined ? ns.default : ns;
  const value = typeof mod === 'function' ? await mod(input.config) : await mod;
  process.stdout.write(JSON.stringify({ value: value === undefined ? null : value }));
})().catch((e) => {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
});
`;

export class GeneratorError extends Error {}

/**
 * What a generator produced, per file, export, config and the file's modification time: the editor re-parses an eval
 * file on every edit, and must not start a process each time (a changed generator file runs again).
 */
const produced = new Map<string, unknown>();

/** Runs the generator; returns what it produced (checked by the caller), or throws GeneratorError with the reason. */
export function runTestGenerator(file: string, name: string | undefined, config: unknown, timeoutMs = GENERATOR_TIMEOUT_MS): unknown {
  const key = JSON.stringify([file, name ?? null, config ?? null, statSync(file).mtimeMs]);
  if (produced.has(key)) return structuredClone(produced.get(key));
  const value = runChild(file, name, config, timeoutMs);
  produced.set(key, value);
  return structuredClone(value);
}

function runChild(file: string, name: string | undefined, config: unknown, timeoutMs: number): unknown {
  const input = JSON.stringify({ file, name, config, transformer: transformerPath() });
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, ['-e', CHILD, input], {
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { code?: string; signal?: string; stderr?: string };
    if (e.signal === 'SIGTERM' || e.code === 'ETIMEDOUT') throw new GeneratorError(`it did not finish within ${timeoutMs / 1000} s`);
    throw new GeneratorError(firstLine(e.stderr) ?? (error as Error).message);
  }
  // The module's own console.log output comes first; the result is the last line.
  const last = stdout.trimEnd().split('\n').pop() ?? '';
  let parsed: { value?: unknown; error?: string };
  try {
    parsed = JSON.parse(last) as typeof parsed;
  } catch {
    throw new GeneratorError('it produced no result (did the process exit early?)');
  }
  if (parsed.error !== undefined) throw new GeneratorError(parsed.error);
  return parsed.value;
}

/** sucrase: bundled beside dist/cli.js and dist/extension.js, else (tests, tsx) from node_modules. */
function transformerPath(): string {
  const bundled = [join(__dirname, 'sucrase.js'), join(__dirname, '..', 'sucrase.js')].find((p) => existsSync(p));
  // Resolved at run time so esbuild leaves sucrase out of the bundle that calls this.
  return bundled ?? createRequire(__filename).resolve('sucrase');
}

function firstLine(text: string | undefined): string | undefined {
  const lines = (text ?? '').split('\n').filter((l) => l.trim() && !l.startsWith('    at '));
  return lines.find((l) => /Error/.test(l)) ?? lines[0];
}
