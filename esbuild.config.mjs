// Bundles the extension host code, the CLI and (later) the webview scripts.
// `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSettingsValidators } from './scripts/settingsValidators.mjs';
import { writeEvalValidators } from './scripts/evalValidators.mjs';

const requireFromHere = createRequire(import.meta.url);

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// LLM_WORKBENCH_LAZY_CORE, a build-time flag (src/core/runtime/buildFlags.d.ts): false in every Node bundle but
// extension.js, so none reads anything at run time to decide what it loads.
const node = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  define: { LLM_WORKBENCH_LAZY_CORE: 'false' },
};

const browser = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  outdir: 'dist/webview',
};

/**
 * `import * as vscode from 'vscode'` in each of ~50 files: esbuild gives every one its own copy of the API object's
 * ~300 properties (__toESM), tens of ms of the extension host's module evaluation. Resolved here to one module that
 * re-exports the API once, which every file shares (the properties stay getters onto VS Code's own object).
 * Node's built-in modules the same way: esbuild writes a `require("node:path")` in every file that imports it (41
 * calls in extension.js), and in the extension host each `require` goes through VS Code's module interception and
 * Node's resolution hooks; shared, each built-in is required once. (A default import of a built-in would be
 * undefined here — esbuild warns —; the extension's code uses named and namespace imports only.)
 */
const externalOnce = {
  name: 'external-once',
  setup(build) {
    build.onResolve({ filter: /^(vscode|node:[a-z_/]+)$/ }, (args) =>
      args.namespace === 'external-once' ? { path: args.path, external: true } : { path: args.path, namespace: 'external-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'external-once' }, (args) => ({ contents: `export * from '${args.path}';`, loader: 'js' }));
  },
};

/** @type {esbuild.BuildOptions[]} */
export const builds = [
  // package.json `main`: a few lines that load (and time) dist/extension.js, the extension itself.
  { ...node, entryPoints: { boot: 'src/boot.ts' }, outdir: 'dist', external: ['vscode', './extension.js'] },
  // LLM_WORKBENCH_LAZY_CORE: core's own loaders (src/core/config/readSettings.ts, src/core/tokens/encodings.ts) leave
  // the settings validators and the tokenizer out of this bundle alone and load dist/settingsCheck.js and
  // dist/tokenizer.js on first use, through boot's code cache; the CLI and the worker keep them inline (the CLI runs
  // from cli.js + cliMain.js).
  {
    ...node,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [externalOnce],
    define: { LLM_WORKBENCH_LAZY_CORE: 'true' },
  },
  // package.json `bin`: a few lines that start dist/cliMain.js (the CLI) through V8's code cache (src/core/runtime/codeCache.ts).
  { ...node, entryPoints: { cli: 'src/cli/launch.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { cliMain: 'src/cli/main.ts' }, outdir: 'dist' },
  // The eval parser alone, for the memory bench (test/bench/evalMemory.bench.ts) to measure a parse in a fresh process.
  { ...node, entryPoints: { evalParse: 'src/core/evals/parseEvalFile.ts' }, outdir: 'dist' },
  // The official SDKs, each its own file, required on first use by src/core/providers/sdkModules.ts: most of the
  // code shipped, so never part of extension.js / cli.js and never evaluated on activation.
  {
    ...node,
    entryPoints: { 'sdk/openai': requireFromHere.resolve('openai'), 'sdk/anthropic': requireFromHere.resolve('@anthropic-ai/sdk') },
    outdir: 'dist',
  },
  // sucrase (TypeScript test generators): required only by the child process that runs one, never by the bundles.
  { ...node, entryPoints: { sucrase: requireFromHere.resolve('sucrase') }, outdir: 'dist' },
  // The libraries promptfoo checks structured output with (parse5, node-sql-parser, fast-xml-parser, saxes) and
  // evaluates derivedMetrics with (mathjs), each
  // its own file, required on first use by
  // src/core/evals/assertions/structured/evalLibraries.ts: node-sql-parser alone is 2.5 MB, never parsed on activation.
  {
    ...node,
    sourcemap: false,
    entryPoints: Object.fromEntries(
      ['parse5', 'node-sql-parser', 'fast-xml-parser', 'saxes', 'mathjs'].map((name) => [`lib/${name}`, requireFromHere.resolve(name)]),
    ),
    outdir: 'dist',
  },
  // The model catalog generated from LiteLLM's table (~70 KB of JSON) as its own module, required on the first
  // model lookup by src/core/models/catalogStore.ts: never inlined into extension.js / cli.js, never read on activation.
  {
    ...node,
    bundle: false,
    sourcemap: false,
    loader: { '.json': 'copy' },
    entryPoints: { 'catalog/models': 'src/core/models/data/litellmCatalog.json' },
    outdir: 'dist',
  },
  // Code nothing on activation needs, each its own file beside extension.js, loaded on first use through
  // src/features/lazyBundle.ts (with V8's code cache, src/core/runtime/bundleLoader.ts): the eval engine (YAML parsers, nunjucks, ajv, glob, the assertions) on the first eval
  // file parsed or run, the gateway (router, retries, breakers, validators, adapters) on the first model call, the
  // chat engine (session, model list, request budget with the router's globs and the tokenizer code) when the chat
  // is first used, the Ollama lookups (the Ollama adapter) on the first num_ctx or installed-models question, the
  // model price update (download, validation, LiteLLM table conversion) on Update Model Prices or the weekly check.
  {
    ...node,
    entryPoints: {
      evalEngine: 'src/features/evalTests/evalEngine.ts',
      gateway: 'src/core/gateway/createGateway.ts',
      chatEngine: 'src/features/chat/chatEngine.ts',
      ollamaLookups: 'src/features/services/ollamaLookups.ts',
      modelPrices: 'src/core/models/refreshCatalog.ts',
      // The settings validators (ajv's generated code, the schemas): loaded by src/core/config/readSettings.ts on the
      // first setting whose value is not its default (in most windows, on activation: through boot's code cache).
      settingsCheck: 'src/core/config/checkSetting.ts',
      // The tokenizer's code: required by src/core/tokens/encodings.ts on the first in-process count (Copilot's token
      // count, an agent tool), never by activation: documents are counted in the worker.
      tokenizer: 'src/core/tokens/pieceTokenizer.ts',
    },
    outdir: 'dist',
  },
  // Running evals from the editor and comparing models (src/features/evalTests/evalRuns.ts): loaded through
  // src/features/lazyBundle.ts on the first run or comparison. It talks to VS Code, so it is built as extension.js is.
  {
    ...node,
    entryPoints: { evalRuns: 'src/features/evalTests/evalRuns.ts' },
    outdir: 'dist',
    external: ['vscode'],
    plugins: [externalOnce],
  },
  // OpenTelemetry export and the OTLP receiver: required by src/core/telemetry/loadRuntime.ts only when export or the
  // receiver is turned on, so the SDK is never parsed on activation or at CLI startup otherwise.
  { ...node, entryPoints: { telemetry: 'src/core/telemetry/telemetryRuntime.ts' }, outdir: 'dist' },
  // Token-count worker thread: holds documents' incremental counters off the extension host thread.
  { ...node, entryPoints: { tokenCount: 'src/workers/tokenCountWorker.ts' }, outdir: 'dist/workers' },
  // Chat webview: browser bundle; its CSS (with the codicon font) is emitted beside it as dist/webview/chat.css.
  { ...browser, entryPoints: { chat: 'media/chat/main.ts' }, loader: { '.ttf': 'file' }, assetNames: '[name]' },
  // Cost report and model comparison webviews: browser bundles, each with its CSS beside it in dist/webview/.
  { ...browser, entryPoints: { costReport: 'media/costReport/main.ts', evalCompare: 'media/evalCompare/main.ts' } },
];

// Imported (test/unit/lazyBundles.test.ts reads `builds`), nothing is built or written.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // The settings validators, compiled by ajv from package.json's settings schema (src/core/config/checkSetting.ts uses
  // them): regenerated here so a build never runs with a schema older than package.json.
  if (writeSettingsValidators()) console.log('settings validators regenerated from package.json');
  // The same for the eval-file schema and draft-07's meta-schema (src/core/evals/evalValidators.generated.js).
  if (writeEvalValidators()) console.log('eval validators regenerated from schemas/eval.schema.json');

  // Token rank tables (1-2 MB each) as data files, read on first use by src/core/tokens/encodings.ts: never inlined
  // into extension.js / cli.js, never parsed on activation, and never compiled as JavaScript (js-tiktoken ships them as
  // modules; compiling o200k's blocks for ~100 ms, reading JSON is done off the event loop).
  mkdirSync('dist/ranks', { recursive: true });
  for (const name of ['o200k_base', 'cl100k_base']) {
    writeFileSync(`dist/ranks/${name}.json`, JSON.stringify(requireFromHere(`js-tiktoken/ranks/${name}`)));
  }

  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    console.log('[watch] esbuild is watching for changes');
  } else {
    await Promise.all(builds.map((options) => esbuild.build(options)));
  }
}
