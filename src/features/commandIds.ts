/**
 * Every command the extension registers, by id, once. package.json contributes the same ids (titles, menus):
 * test/unit/features/commandIds.test.ts keeps the two lists equal, so a command cannot exist in one and not the other.
 */
export const COMMANDS = {
  pickBudgetModel: 'llmWorkbench.pickBudgetModel',
  setApiKey: 'llmWorkbench.setApiKey',
  clearApiKey: 'llmWorkbench.clearApiKey',
  newChat: 'llmWorkbench.chat.new',
  clearChat: 'llmWorkbench.chat.clear',
  askAboutSelection: 'llmWorkbench.askAboutSelection',
  explainSelection: 'llmWorkbench.explainSelection',
  refactorSelection: 'llmWorkbench.refactorSelection',
  showLog: 'llmWorkbench.showLog',
  runEvalsInFile: 'llmWorkbench.runEvalsInFile',
  runAllEvals: 'llmWorkbench.runAllEvals',
  compareModels: 'llmWorkbench.compareModels',
  openCostReport: 'llmWorkbench.openCostReport',
  runEvalCase: 'llmWorkbench.runEvalCase',
  refreshSpend: 'llmWorkbench.refreshSpend',
  manageLanguageModels: 'llmWorkbench.manageLanguageModels',
  updateModelPrices: 'llmWorkbench.updateModelPrices',
  setTelemetryCredentials: 'llmWorkbench.telemetry.setCredentials',
  clearTelemetryCredentials: 'llmWorkbench.telemetry.clearCredentials',
} as const;

/** Registered only when LLM_WORKBENCH_TEST=1 (src/features/testing/): not contributed in package.json. */
export const TEST_COMMANDS = {
  snapshot: 'llmWorkbench.test.snapshot',
  /** Stores a key the way Set API Key does, without the input box (the language-model suite's emulator keys). */
  storeApiKey: 'llmWorkbench.test.storeApiKey',
} as const;

/** Views and VS Code's own commands the extension opens. */
export const CHAT_VIEW_ID = 'llmWorkbench.chat';
export const OPEN_SETTINGS = 'workbench.action.openSettings';
/** The Settings editor on its User tab (takes `{ query }`, not a string); the tab where user-only settings work. */
export const OPEN_USER_SETTINGS = 'workbench.action.openGlobalSettings';
