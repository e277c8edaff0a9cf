import { strict as assert } from 'node:assert';
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
 * A chunk the extension requires on first use (`lazyBundle('name', …)`, src/features/lazyBundle.ts) must be built
 * (an esbuild entry point) and shipped (`!dist/name.js` in .vscodeignore): if either is missing, the packaged
 * extension falls back to a source path that does not exist there and the feature fails on first use — which no
 * activation figure shows.
 */
describe('lazy bundles', () => {
  const used = sourceFiles(join(root, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/lazyBundle<[^>]*>\(\s*'([A-Za-z0-9_/]+)'/g)].map((m) => m[1]),
  );
  const config = readFileSync(join(root, 'esbuild.config.mjs'), 'utf8');
  const shipped = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');

  it('finds the lazy bundles the extension uses', () => {
    assert.ok(used.includes('gateway') && used.includes('modelPrices'), `found: ${used.join(', ')}`);
  });

  it('each is an esbuild entry point and is packaged', () => {
    for (const name of used) {
      assert.match(config, new RegExp(`\\b${name}: 'src/`), `${name}: no entry point in esbuild.config.mjs`);
      assert.ok(shipped.includes(`!dist/${name}.js`), `${name}: .vscodeignore does not ship dist/${name}.js`);
    }
  });
});
