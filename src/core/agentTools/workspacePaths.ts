import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { AgentToolInputError } from './toolContext';

/** Tools read what an agent names; they stay inside the workspace (a prompt-injected path cannot reach ~/.ssh). */
export function workspacePath(root: string, path: string): string {
  const absolute = resolve(root, path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new AgentToolInputError(`${path}: no such file in the workspace (${root})`);
  }
  const rel = relative(realpathSync(root), real);
  if (rel.startsWith('..') || isAbsolute(rel))
    throw new AgentToolInputError(`${path} is outside the workspace (${root}): the tools only read files inside it`);
  return real;
}

/** Text files only, and not huge: a count of a 50 MB log is not what an agent wants in its context. */
export const MAX_TOOL_FILE_BYTES = 20 * 1024 * 1024;

export async function readWorkspaceText(root: string, path: string): Promise<string> {
  const file = workspacePath(root, path);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new AgentToolInputError(`${path}: ${error.code === 'EISDIR' ? 'is a folder, not a file' : error.message}`);
  });
  if (bytes.byteLength > MAX_TOOL_FILE_BYTES)
    throw new AgentToolInputError(`${path} is ${(bytes.byteLength / 1048576).toFixed(0)} MB: larger than the tools read (20 MB)`);
  return bytes.toString('utf8');
}
