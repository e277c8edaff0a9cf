import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DEFAULT_PYTHON_TIMEOUT_MS = 30_000;

/**
 * promptfoo's calling convention for Python (src/python/pythonUtils.ts + wrapper.py): the script is imported from its
 * own folder (put first on sys.path), the named function is called with the JSON-decoded argument list (coroutines
 * run with asyncio), and the return value comes back as JSON in an output file, so print() in the script cannot
 * corrupt it. Our wrapper follows that protocol; it is written fresh, not copied.
 */
const WRAPPER = `import asyncio, importlib.util, inspect, json, os, sys

def call(script_path, method_name, args):
    script_dir = os.path.dirname(os.path.abspath(script_path))
    if script_dir not in sys.path:
        sys.path.insert(0, script_dir)
    name = os.path.basename(script_path).rsplit(".", 1)[0]
    spec = importlib.util.spec_from_file_location(name, script_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if "." in method_name:
        cls, meth = method_name.split(".")
        fn = getattr(getattr(module, cls), meth)
    else:
        fn = getattr(module, method_name)
    return asyncio.run(fn(*args)) if inspect.iscoroutinefunction(fn) else fn(*args)

if __name__ == "__main__":
    script, method, in_path, out_path = sys.argv[1:5]
    with open(in_path, "r", encoding="utf-8") as f:
        data = json.load(f)
    result = call(script, method, data)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"type": "final_result", "data": result}, f, ensure_ascii=False)
`;

export interface PythonOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Interpreter; default $PROMPTFOO_PYTHON, else python3. */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

/** Calls `method` of the Python file with `args`; resolves with its JSON-able return value, rejects with a readable error. */
export async function runPythonFile(scriptPath: string, method: string, args: unknown[], options: PythonOptions = {}): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'llm-workbench-python-'));
  try {
    const wrapper = join(dir, 'wrapper.py');
    const input = join(dir, 'input.json');
    const output = join(dir, 'output.json');
    await Promise.all([writeFile(wrapper, WRAPPER), writeFile(input, JSON.stringify(args)), writeFile(output, '')]);
    await runProcess(
      options.python ?? options.env?.PROMPTFOO_PYTHON ?? process.env.PROMPTFOO_PYTHON ?? 'python3',
      [wrapper, resolve(scriptPath), method, input, output],
      options,
    );
    const text = await readFile(output, 'utf8');
    let result: { type?: string; data?: unknown };
    try {
      result = JSON.parse(text) as typeof result;
    } catch (error) {
      throw new Error(`Invalid JSON returned by Python script: ${(error as Error).message}`, { cause: error });
    }
    if (result?.type !== 'final_result') throw new Error('The Python script returned no result');
    return result.data;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs inline Python code as promptfoo does: written to a temporary `script.py`, then called like a file. */
export async function runPythonCode(code: string, method: string, args: unknown[], options: PythonOptions = {}): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'llm-workbench-python-code-'));
  try {
    const script = join(dir, 'script.py');
    await writeFile(script, code);
    return await runPythonFile(script, method, args, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runProcess(command: string, args: string[], options: PythonOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PYTHON_TIMEOUT_MS;
  return new Promise<void>((resolvePromise, reject) => {
    if (options.signal?.aborted) return reject(new Error('cancelled'));
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolvePromise();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(new Error(`the Python code did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => {
      child.kill('SIGKILL');
      settle(new Error('cancelled'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(
        new Error(
          error.code === 'ENOENT' ? `${command} was not found: install Python 3 or set PROMPTFOO_PYTHON to the interpreter` : error.message,
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) settle();
      else settle(new Error(lastTraceLine(stderr) ?? `${command} exited with code ${code}`));
    });
  });
}

/** The exception line of a traceback ("ValueError: ..."), which says what went wrong. */
function lastTraceLine(stderr: string): string | undefined {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.length > 0 ? lines.slice(-3).join('\n') : undefined;
}
