import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { CatalogStore } from '../../core/models/catalogStore';
import type * as RefreshCatalog from '../../core/models/refreshCatalog';
import type { RefreshOutcome } from '../../core/models/refreshCatalog';
import { lazyBundle } from '../lazyBundle';

/** The download, validation and conversion of LiteLLM's table (dist/modelPrices.js): loaded on the first update. */
const refreshModule = lazyBundle<typeof RefreshCatalog>('modelPrices', join(__dirname, '..', '..', 'core', 'models', 'refreshCatalog'));

const LAST_CHECK_KEY = 'llmWorkbench.modelPrices.lastCheck';
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** The weekly check runs well after activation (never on the activation path), then looks again every few hours. */
const FIRST_CHECK_DELAY_MS = 10 * 60 * 1000;
const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface ModelPricesOptions {
  /** Where to download from (tests point it at a loopback server); default LiteLLM's GitHub. */
  url?: () => string | undefined;
  /** Whether `llmWorkbench.modelPrices.checkWeekly` is on. */
  checkWeekly: () => boolean;
}

/**
 * "LLM Workbench: Update Model Prices": downloads LiteLLM's current table, validates it, stores it in the
 * extension's global storage and says what changed; a bad or unreachable table keeps the previous one and says
 * why. With `llmWorkbench.modelPrices.checkWeekly`, the same update runs at most once a week from a timer —
 * never at activation, never on a keystroke — and speaks up only when prices changed or the download failed.
 */
export function registerModelPrices(context: vscode.ExtensionContext, store: CatalogStore, options: ModelPricesOptions): vscode.Disposable {
  let running: Promise<RefreshOutcome> | undefined;
  const update = () => {
    running ??= refreshModule()
      .refreshCatalog(store, { ...(options.url?.() ? { url: options.url()! } : {}) })
      .finally(() => {
        running = undefined;
        void context.globalState.update(LAST_CHECK_KEY, Date.now());
      });
    return running;
  };

  const command = vscode.commands.registerCommand(COMMANDS.updateModelPrices, async () => {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'LLM Workbench: downloading LiteLLM’s model price table…' },
      update,
    );
    report(outcome, true);
    return outcome.ok ? { ok: true, date: outcome.after.source.date, changes: outcome.changes } : { ok: false, reason: outcome.reason };
  });

  const weekly = async () => {
    if (!options.checkWeekly() || running) return;
    const last = context.globalState.get<number>(LAST_CHECK_KEY) ?? 0;
    if (Date.now() - last < WEEK_MS) return;
    report(await update(), false);
  };
  const first = setTimeout(() => void weekly(), FIRST_CHECK_DELAY_MS);
  const every = setInterval(() => void weekly(), CHECK_INTERVAL_MS);
  return vscode.Disposable.from(command, { dispose: () => (clearTimeout(first), clearInterval(every)) });
}

function report(outcome: RefreshOutcome, asked: boolean): void {
  if (!outcome.ok) {
    void vscode.window.showWarningMessage(
      `LLM Workbench: model prices not updated: ${outcome.reason}. Still using LiteLLM’s table of ${outcome.kept.source.date}.`,
    );
    return;
  }
  const { changes } = outcome;
  const changed = changes.added.length + changes.removed.length + changes.priceChanged.length > 0;
  if (!asked && !changed) return;
  void vscode.window.showInformationMessage(
    `LLM Workbench: model prices updated to LiteLLM’s table of ${outcome.after.source.date} (${outcome.after.models.length} models). ${refreshModule().describeChanges(changes)}`,
  );
}
