import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle, setBundleLoader } from '../../../src/core/runtime/bundleLoader';
import { codeCacheBundleLoader, loadWithCodeCache } from '../../../src/core/runtime/codeCache';

/**
 * The loader dist/boot.js hands the extension for the files it loads on first use (lazy bundles, the settings
 * validators, the tokenizer, the SDKs): through V8's code cache, once per file, the same module `require` would see.
 */
describe('bundle loader (src/core/runtime/bundleLoader.ts, codeCacheBundleLoader)', () => {
  let scratch: string;
  let file: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'wb-bundle-loader-'));
    file = join(scratch, 'lazy.js');
    // Module state: a second instance of this module would count from 0 again.
    writeFileSync(file, 'let calls = 0;\nexports.next = () => ++calls;\nexports.dir = __dirname;\n');
  });
  afterEach(() => {
    setBundleLoader(undefined);
    delete createRequire(__filename).cache[file];
    rmSync(scratch, { recursive: true, force: true });
  });

  it('loads each file once, as the module require sees, and writes its cache when asked', () => {
    const writes: (() => void)[] = [];
    setBundleLoader(codeCacheBundleLoader(join(scratch, 'cache'), (write) => writes.push(write)));
    const first = loadBundle<{ next(): number; dir: string }>(file, 'lazy');
    assert.equal(first.next(), 1);
    assert.equal(first.dir, scratch);
    assert.equal(loadBundle<{ next(): number }>(file, 'lazy').next(), 2, 'loaded once: the same module state');
    assert.equal((createRequire(__filename)(file) as { next(): number }).next(), 3, 'require gets the same module');
    assert.equal(writes.length, 1, 'one cache write scheduled per file');
    writes[0]!();
    assert.deepEqual(
      readdirSync(join(scratch, 'cache')).map((name) => name.replace(/[0-9a-f]+\.v8cache$/, '')),
      ['lazy-'],
    );
    assert.equal(loadWithCodeCache(file, { dir: join(scratch, 'cache'), name: 'lazy' }).timing.codeCache, 'hit');
  });

  it('a file require already loaded is that module, not a second instance', () => {
    const required = createRequire(__filename)(file) as { next(): number };
    assert.equal(required.next(), 1);
    const writes: (() => void)[] = [];
    setBundleLoader(codeCacheBundleLoader(join(scratch, 'cache'), (write) => writes.push(write)));
    assert.equal(loadBundle<{ next(): number }>(file, 'lazy').next(), 2);
    assert.equal(writes.length, 0);
  });

  it('without a host loader, requires the file', () => {
    setBundleLoader(undefined);
    const loaded = loadBundle<{ next(): number }>(file, 'lazy');
    assert.equal(loaded.next(), 1);
    assert.equal(createRequire(__filename).cache[file]?.exports, loaded);
  });
});
