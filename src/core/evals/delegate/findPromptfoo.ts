import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

export interface PromptfooInstall {
  /** The executable to spawn. */
  command: string;
  /** Where it was found: the workspace's node_modules (like vscode-eslint's workspace eslint) or PATH. */
  source: 'workspace' | 'path';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile() || statSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const BIN = process.platform === 'win32' ? ['promptfoo.cmd', 'promptfoo.exe', 'promptfoo'] : ['promptfoo'];

/**
 * The promptfoo a file would run with: `node_modules/.bin/promptfoo` in the file's folder or any parent up to
 * `stopAt` (the workspace folder; default the filesystem root), else `promptfoo` on PATH. Undefined when neither.
 */
export function findPromptfoo(fromDir: string, env: NodeJS.ProcessEnv = process.env, stopAt?: string): PromptfooInstall | undefined {
  let dir = resolve(fromDir);
  const stop = stopAt ? resolve(stopAt) : undefined;
  for (;;) {
    for (const name of BIN) {
      const candidate = join(dir, 'node_modules', '.bin', name);
      if (executable(candidate)) return { command: candidate, source: 'workspace' };
    }
    const parent = dirname(dir);
    if (parent === dir || dir === stop) break;
    dir = parent;
  }
  for (const entry of (env.PATH ?? '').split(delimiter)) {
    if (!entry) continue;
    for (const name of BIN) {
      const candidate = join(entry, name);
      if (executable(candidate)) return { command: candidate, source: 'path' };
    }
  }
  return undefined;
}

/** What to tell someone whose file needs promptfoo and has none. */
export const INSTALL_PROMPTFOO_HINT =
  'install promptfoo in the workspace (`npm install --save-dev promptfoo`, Node >= 22) or put `promptfoo` on PATH, then run again';
