/**
 * `dist/cli.js`, the package's `bin`: starts the CLI bundle (`dist/cliMain.js`, built from main.ts) through V8's code
 * cache (core/runtime/codeCache.ts), so a start deserializes the code it compiled last time instead of compiling it again.
 */
import { join } from 'node:path';
import { defaultCodeCacheDir, loadWithCodeCacheUntilExit } from '../core/runtime/codeCache';
import { limitHeapGrowth } from './heapGrowth';

// V8 checks its flags against a cache: `eval` sets the heap growing factor (heapGrowth.ts) before its code is
// compiled, here, so the cache written at the end of an eval run matches the flags of the next one's start.
const evalRun = process.argv[2] === 'eval';
if (evalRun) limitHeapGrowth();
// Written at exit (once, only when it was not taken), so it holds the functions this command compiled.
loadWithCodeCacheUntilExit(join(__dirname, 'cliMain.js'), { dir: defaultCodeCacheDir(), name: evalRun ? 'cli-eval' : 'cli-base' });
