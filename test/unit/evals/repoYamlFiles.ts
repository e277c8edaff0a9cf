import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root, for tests that read every file of a kind in it. */
export const ROOT = resolve(__dirname, '../../..');

/**
 * Every YAML and JSON file under `dir` (node_modules and dot folders skipped): the real-world corpus the YAML tests
 * compare their fast paths against (an eval file may be JSON, which YAML reads).
 */
export function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.(ya?ml|json)$/.test(name)) out.push(path);
  }
  return out;
}
