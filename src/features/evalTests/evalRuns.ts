/**
 * Running evals from the editor and comparing models: built as its own file, dist/evalRuns.js, which
 * registerEvalTests.ts loads on the first run or comparison, so activation neither compiles nor runs it. What it
 * shares with the code activation loads comes in as arguments (the controller, which holds the items' data); no
 * module with state may be built into both bundles (test/unit/lazyBundles.test.ts checks), or each would get its own.
 */
export { createEvalRunHandler } from './evalRunHandler';
export { ComparePanel } from './comparePanel';
