/**
 * Build-time flags: esbuild's `define` (esbuild.config.mjs) writes their values into each bundle, and nothing reads
 * them at run time (no environment variable can change a built bundle). Undeclared when running from sources (unit
 * tests, tsx): test them as `typeof FLAG !== 'undefined' && FLAG`, in an if/else, so esbuild drops the branch a
 * bundle does not take, and the module that branch requires with it.
 */

/**
 * true in dist/extension.js alone: core's loaders there load the settings validators and the tokenizer from their own
 * files (dist/settingsCheck.js, dist/tokenizer.js) on first use. false in the other Node bundles (the CLI, the worker),
 * which keep them inline.
 */
declare const LLM_WORKBENCH_LAZY_CORE: boolean;
