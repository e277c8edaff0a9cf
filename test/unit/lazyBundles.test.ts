import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import * as ts from 'typescript';

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
const used = sourceFiles(join(root, 'src')).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/lazyBundle<[^>]*>\(\s*'([A-Za-z0-9_/]+)'/g)].map((m) => m[1]!),
);
const config = readFileSync(join(root, 'esbuild.config.mjs'), 'utf8');
// core cannot import features/lazyBundle.ts (the folder graph): its loaders name the bundle beside them themselves
// (`join(__dirname, 'telemetry.js')`); those built from a package rather than our sources (sucrase) are not ours.
const usedByCore = sourceFiles(join(root, 'src', 'core'))
  .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/join\(__dirname, '([A-Za-z0-9_]+)\.js'\)/g)].map((m) => m[1]!))
  .filter((name) => !new RegExp(`\\b${name}: requireFromHere`).test(config));
/** The files the extension host loads beside extension.js on first use. */
const hostBundles = [...used, ...usedByCore];

describe('lazy bundles', () => {
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

/**
 * The module-level variables (and mutable statics) of a source file: a `let`/`var`, a `const` holding a `new`
 * object that is not a constant table (`new Set([...])`), a static property that is not readonly.
 */
function moduleState(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const isTable = (init: ts.NewExpression) => init.arguments?.length === 1 && ts.isArrayLiteralExpression(init.arguments[0]!);
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      const isConst = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (!isConst || (init && ts.isNewExpression(init) && !isTable(init))) found.push(declaration.name.getText(source));
      }
    } else if (ts.isClassDeclaration(statement)) {
      for (const member of statement.members) {
        const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
        const has = (kind: ts.SyntaxKind) => modifiers.some((m) => m.kind === kind);
        if (ts.isPropertyDeclaration(member) && has(ts.SyntaxKind.StaticKeyword) && !has(ts.SyntaxKind.ReadonlyKeyword))
          found.push(`${statement.name?.getText(source)}.${member.name.getText(source)}`);
      }
    }
  }
  return found;
}

/**
 * Modules with state that are built into more than one of the files the extension host loads, each file getting its
 * own copy of that state, and why that is harmless. Anything else fails the test below: a module whose state must be
 * one (ComparePanel.current, the eval items' data, a warn-once flag) goes to one bundle only, and the others receive
 * it as an argument.
 */
const DUPLICATED_STATE: Record<string, string> = {
  'src/core/models/catalogStore.ts':
    'the default store is set in extension.js only; the lazy bundles are handed the catalog (createGateway)',
  'src/core/models/deprecation.ts': 'a cache of model lineages, rebuilt from the same catalog by each copy',
  'src/core/providers/redactSecrets.ts': "a cache of key sets' fragment indexes",
  'src/core/providers/sdkModules.ts':
    'a memo of loaded SDKs; the SDK module itself is one, through require’s cache (codeCacheBundleLoader)',
  'src/core/tokens/encodings.ts': 'tokenizer caches: a copy that counts in-process (the chat budget) builds its own tokenizer',
  'src/core/tokens/codePointClasses.ts': 'a cache of code point classes',
};

describe('module state in the bundles the extension host loads', () => {
  it('no module with state is built into two of them, but those listed with why it is harmless', async function () {
    this.timeout(120_000);
    const { builds } = (await import(join(root, 'esbuild.config.mjs'))) as { builds: esbuild.BuildOptions[] };
    const inHost = (name: string) => name === 'extension' || hostBundles.includes(name);
    const bundlesOf = new Map<string, string[]>();
    for (const build of builds) {
      for (const [name, entry] of Object.entries((build.entryPoints ?? {}) as Record<string, string>)) {
        if (build.platform !== 'node' || build.outdir !== 'dist' || !entry.startsWith('src/') || !inHost(name)) continue;
        const { metafile } = await esbuild.build({
          ...build,
          entryPoints: { [name]: entry },
          write: false,
          metafile: true,
          sourcemap: false,
          minify: false,
          logLevel: 'silent',
        });
        for (const input of Object.keys(metafile.inputs).filter((path) => path.startsWith('src/') && path.endsWith('.ts')))
          bundlesOf.set(input, [...(bundlesOf.get(input) ?? []), name]);
      }
    }
    assert.ok(['extension', 'evalRuns', 'gateway', 'settingsCheck'].every((name) => [...bundlesOf.values()].some((b) => b.includes(name))));
    const duplicated = [...bundlesOf]
      .filter(([, bundles]) => bundles.length > 1)
      .flatMap(([file, bundles]) => {
        const state = moduleState(join(root, file));
        return state.length ? [`${file} (${state.join(', ')}) in ${bundles.join(', ')}`] : [];
      });
    const unexplained = duplicated.filter((line) => !(line.split(' ')[0]! in DUPLICATED_STATE));
    assert.deepEqual(unexplained, [], 'a module with state in two bundles: move it to one, or pass what it holds');
    const stale = Object.keys(DUPLICATED_STATE).filter((file) => !duplicated.some((line) => line.startsWith(`${file} `)));
    assert.deepEqual(stale, [], 'no longer duplicated: remove it from DUPLICATED_STATE');
  });
});
