import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { countTokens } from '../../../src/core/tokens/encodings';
import type { EncodingName } from '../../../src/core/models/modelInfo';

/** The count a user gets in a terminal for the same file: `llm-workbench count --json` from the built dist/cli.js. */
export function cliCount(repo: string, file: string, encoding: EncodingName): number {
  const output = execFileSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'count', '--json', '--encoding', encoding, file], {
    encoding: 'utf8',
  });
  const parsed = JSON.parse(output) as { files: { tokens: number }[]; total: number };
  if (parsed.files.length !== 1) throw new Error(`expected one file in ${output}`);
  return parsed.files[0].tokens;
}

/** The count of text that exists only in the editor (typed, unsaved), from the same core the CLI uses. */
export function textCount(text: string, encoding: EncodingName): Promise<number> {
  return countTokens(text, encoding);
}
