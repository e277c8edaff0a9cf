// Bundles the extension-host suite (mocha included) into out/integration/extensionHostSuite.js.
// The suite runs inside VS Code's extension host, so `vscode` stays external, like in the extension itself.
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITE_BUNDLE = join(root, 'out', 'integration', 'extensionHostSuite.js');

export async function buildSuite() {
  await esbuild.build({
    entryPoints: [join(root, 'test', 'integration', 'extensionHost', 'index.ts')],
    outfile: SUITE_BUNDLE,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'warning',
    // mocha's parallel mode (unused here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return SUITE_BUNDLE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildSuite();
