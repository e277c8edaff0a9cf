import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * A chunk the extension requires on first use (`lazyBundle('name', …)`, src/features/lazyBundle.ts, or a loader in core naming `<name>.js`) must be built
 * (an esbuild entry point) and shipped (`!dist/name.js` in .vscodeignore): if either is missing, the packaged
 * extension falls back to a source path that does not exist there and the feature fails on first use — which no
 * activation figure shows.
 */
describe('lazy bundles', () => {
  const used = sourceFiles(join(root, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/lazyBundle<[^>]*>\(\s*'([A-Za-z0-9_/]+)'/g)].map((m) => m[1]),
  );
  const config = readFileSync(join(root, 'esbuild.config.mjs'), 'utf8');
  // core cannot import features/lazyBundle.ts (the folder graph): its loaders name the bundle beside them themselves
  // (`join(__dirname, 'telemetry.js')`); those built from a package rather than our sources (sucrase) are not ours.
  const usedByCore = sourceFiles(join(root, 'src', 'core'))
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/join\(__dirname, '([A-Za-z0-9_]+)\.js'\)/g)].map((m) => m[1]))
    .filter((name) => !new RegExp(`\\b${name}: requireFromHere`).test(config));
  const shipped = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');

  it('finds the lazy bundles the extension uses', () => {
    assert.ok(used.includes('gateway') && used.includes('modelPrices'), `found: ${used.join(', ')}`);
  });

  it('finds the bundles core loads itself', () => {
    assert.ok(usedByCore.includes('settingsCheck') && usedByCore.includes('telemetry'), `found: ${usedByCore.join(', ')}`);
  });

  it('each is an esbuild entry point and is packaged', () => {
    for (const name of [...used, ...usedByCore]) {
      assert.match(config, new RegExp(`\\b${name}: 'src/`), `${name}: no entry point in esbuild.config.mjs`);
      assert.ok(shipped.includes(`!dist/${name}.js`), `${name}: .vscodeignore does not ship dist/${name}.js`);
    }
  });

  // A user who sets LLM_WORKBENCH_LAZY_CORE must not change what the worker or the CLI loads: the flag is esbuild's
  // `define` (src/core/runtime/buildFlags.d.ts), written into each bundle, never read from the environment.
  it('LLM_WORKBENCH_LAZY_CORE is a build flag: no code reads it from the environment', () => {
    const readers = sourceFiles(join(root, 'src')).filter((file) =>
      /process\.env\.LLM_WORKBENCH_LAZY_CORE/.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(readers, []);
    assert.match(config, /const node = \{[^}]*define: \{ LLM_WORKBENCH_LAZY_CORE: 'false' \}/, 'false in every Node bundle by default');
    // With the variable set, core run from sources (as the worker and CLI bundles are built from them) still counts
    // and validates with its inline modules.
    const script = [
      "const { countTokens } = require('./src/core/tokens/encodings');",
      "const { readSettings } = require('./src/core/config/readSettings');",
      "const { problems } = readSettings((key) => (key === 'budget.warnThreshold' ? 7 : undefined));",
      "countTokens('hello world', 'o200k_base').then((n) => console.log(JSON.stringify({ n, problems: problems.length })));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: root,
      env: { ...process.env, LLM_WORKBENCH_LAZY_CORE: 'true' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { n: 2, problems: 1 });
  });
});
