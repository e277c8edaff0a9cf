/** The built `dist/cli.js` run as a user runs it: its own process, its own home, HTTP to the in-process emulator. */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../../src/core/cost/callRecord';
import type { Emulator } from './emulator';

const root = join(__dirname, '..', '..');
export const CLI = join(root, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Builds dist/cli.js once if a lone test file is run before `npm run build`. */
export function ensureCli(): void {
  if (!existsSync(CLI)) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: root });
}

export function tempHome(prefix = 'wb-hard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Keys and endpoints pointing at the emulator; `LLM_WORKBENCH_HOME` under `home`. */
export function cliEnv(emulator: Emulator, home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LLM_WORKBENCH_HOME: join(home, 'wb'),
    OPENAI_BASE_URL: emulator.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-emulator-key-0123456789',
    ANTHROPIC_BASE_URL: emulator.anthropicBaseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-emulator-key-0123456789',
    OLLAMA_HOST: emulator.ollamaBaseUrl.replace('http://', ''),
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** Starts the CLI; `done` resolves with its exit and output. */
export function startCli(args: string[], options: SpawnOptions & { input?: string }): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin!.end(options.input ?? '');
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], options: SpawnOptions & { input?: string }): Promise<CliRun> {
  return startCli(args, options).done;
}

export function ledgerRecords(path: string): CallRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CallRecord);
}

/** No JavaScript stack frames in what a user sees. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+\(.+:\d+:\d+\)|\n\s+at .+:\d+:\d+/.test(text);
}
