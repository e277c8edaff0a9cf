import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WorkbenchConfig } from '../../core/config/workbenchConfig';
import { FailSoftLedger } from '../../core/cost/failSoftLedger';
import { defaultLedgerPath, JsonlLedger } from '../../core/cost/ledger';
import type { CallRecord } from '../../core/cost/callRecord';
import type * as CreateGateway from '../../core/gateway/createGateway';
import type { ChatGateway } from '../../core/gateway/gatewayApi';
import { observeRecords } from '../../core/logging/observeRecords';
import { recordLogLine } from '../../core/logging/recordLogLine';
import type { ModelCatalog } from '../../core/models/catalog';
import type { ProviderConfig } from '../../core/providers/adapter';
import { guardProviderEndpoints } from '../../core/secrets/endpointGuard';
import type { EvalRunTelemetry, Telemetry } from '../../core/telemetry/telemetryRuntime';
import { lazyBundle } from '../lazyBundle';
import { openSetting, SETTINGS_SECTION, type WorkbenchSettings } from './settings';
import { LazyLogOutputChannel } from './lazyLogChannel';
import type { ApiKeys } from './apiKeys';

export const LOG_CHANNEL_NAME = 'LLM Workbench';

/** The gateway (dist/gateway.js: router, retries, breakers, validators, adapters), loaded on the first call. */
const gatewayModule = lazyBundle<typeof CreateGateway>('gateway', join(__dirname, '..', '..', 'core', 'gateway', 'createGateway'));

/**
 * The extension's one gateway, built from settings + SecretStorage + the shared ledger, rebuilt when settings change.
 * Every call's record is logged to the "LLM Workbench" output channel (prompt text only with `llmWorkbench.logPrompts`).
 * Provider endpoints come from the user's own settings only (see `guardProviderEndpoints`).
 */
export class GatewayService implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private built?: ChatGateway;
  private buildError?: string;
  private warnedWorkspaceProviders = false;
  private telemetry?: Telemetry;
  private readonly ledger: FailSoftLedger;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly settings: WorkbenchSettings,
    private readonly keys: ApiKeys,
    /** This window's id, stamped on every call record ("this window" in the spend tooltip). */
    private readonly windowId: string,
    log?: vscode.LogOutputChannel,
  ) {
    // Created on the first line logged or Show Log, not on activation (see LazyLogOutputChannel).
    this.log = log ?? new LazyLogOutputChannel(LOG_CHANNEL_NAME);
    const ledgerPath = defaultLedgerPath();
    // A ledger that cannot be written never costs an answer: one warning names the file and the fix.
    this.ledger = new FailSoftLedger(new JsonlLedger(ledgerPath), ledgerPath, (problem) => {
      const message = `LLM Workbench: ${problem}`;
      this.log.warn(message);
      void vscode.window.showWarningMessage(message, 'Show Log').then((choice) => {
        if (choice) this.log.show(true);
      });
    });
    this.disposables.push(settings.onDidChange(() => this.invalidate()));
  }

  /** Settings with providers restricted to the user's own (a workspace cannot redirect keys). */
  get config(): WorkbenchConfig {
    return { ...this.settings.current, providers: this.providers() };
  }

  get catalog(): ModelCatalog {
    return this.settings.catalog;
  }

  providers(): ProviderConfig[] {
    const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect('providers');
    const guarded = guardProviderEndpoints(inspected);
    if (guarded.ignoredWorkspaceValue && !this.warnedWorkspaceProviders) {
      this.warnedWorkspaceProviders = true;
      const message =
        'LLM Workbench: this workspace sets "llmWorkbench.providers" (where API keys are sent). It is ignored: provider endpoints come only from your User settings.';
      this.log.warn(message);
      void vscode.window.showWarningMessage(message, 'Open User Settings').then((choice) => {
        if (choice) void openSetting('llmWorkbench.providers');
      });
    }
    return guarded.providers;
  }

  /** OpenTelemetry export (set by the telemetry feature when it is on): the gateway is rebuilt with it, or without it. */
  setTelemetry(telemetry: Telemetry | undefined): void {
    this.telemetry = telemetry;
    this.invalidate();
  }

  /** Spans for one eval run when export is on: pass to `runEvalFile`. */
  evalTelemetry(): EvalRunTelemetry | undefined {
    return this.telemetry?.evalRun();
  }

  /** Records a call made outside the gateway (an eval file run by the workspace's promptfoo) in the shared ledger. */
  record(record: CallRecord): void {
    this.ledger
      .append(record)
      .catch((error: unknown) => this.log.warn(`ledger: could not record call ${record.requestId}: ${String(error)}`));
  }

  /** The gateway, or the reason it could not be built (shown in the chat with an "Open Settings" button). */
  tryGateway(): { gateway: ChatGateway } | { error: string } {
    if (!this.built && !this.buildError) this.build();
    return this.built ? { gateway: this.built } : { error: this.buildError ?? 'The gateway could not be built.' };
  }

  get gateway(): ChatGateway {
    const result = this.tryGateway();
    if ('error' in result) throw new Error(result.error);
    return result.gateway;
  }

  private build(): void {
    try {
      const config = this.config;
      // Loaded on the first call, not on activation: the gateway brings the retry, breaker and validation libraries.
      const { createGateway } = gatewayModule();
      const inner = createGateway({
        config,
        catalog: this.catalog,
        keys: this.keys.keySource,
        ledger: this.ledger,
        sessionId: this.windowId,
        log: (line) => this.log.trace(line),
        wrap: this.telemetry ? (g) => this.telemetry!.wrapGateway(g) : undefined,
      });
      this.built = observeRecords(inner, (record) => {
        const { level, line } = recordLogLine(record, this.settings.current.logPrompts);
        this.log[level](line);
      });
      this.buildError = undefined;
    } catch (error) {
      this.built = undefined;
      this.buildError = `LLM Workbench could not start its gateway: ${(error as Error).message}`;
      this.log.error(this.buildError);
    }
  }

  /**
   * A gateway over another provider list (an eval file's vendors and endpoints, see withEvalProviders) with the same
   * ledger, session and log as the main one. `keys` maps the user's SecretStorage to that list's provider ids.
   */
  gatewayFor(config: WorkbenchConfig, keys: (base: ApiKeys['keySource']) => ApiKeys['keySource']): ChatGateway {
    const { createGateway } = gatewayModule();
    const inner = createGateway({
      config,
      catalog: this.catalog,
      keys: keys(this.keys.keySource),
      ledger: this.ledger,
      sessionId: vscode.env.sessionId,
      log: (line) => this.log.trace(line),
      wrap: this.telemetry ? (g) => this.telemetry!.wrapGateway(g) : undefined,
    });
    return observeRecords(inner, (record) => {
      const { level, line } = recordLogLine(record, this.settings.current.logPrompts);
      this.log[level](line);
    });
  }

  private invalidate(): void {
    this.built = undefined;
    this.buildError = undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.ledger.close();
    this.log.dispose();
  }
}
