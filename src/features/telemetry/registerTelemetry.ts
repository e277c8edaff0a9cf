import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { defaultLedgerPath, JsonlLedger } from '../../core/cost/ledger';
import {
  editorExportSettings,
  readEditorTelemetrySettings,
  readReceiverSettings,
  type ReceiverSettings,
} from '../../core/telemetry/editorSettings';
import { ExportSettingsError } from '../../core/telemetry/exportSettings';
import { loadTelemetryRuntime } from '../../core/telemetry/loadRuntime';
import { credentialHeaderString, PRESETS } from '../../core/telemetry/presets';
import type { OtlpReceiver, ReceiverEvent } from '../../core/telemetry/receiver/otlpReceiver';
import type { Telemetry } from '../../core/telemetry/telemetryRuntime';
import { SETTINGS_SECTION, settingInspector, type WorkbenchSettings } from '../services/settings';
import type { GatewayService } from '../services/gatewayService';

/** One secret: the export headers in the OTEL_EXPORTER_OTLP_HEADERS format (they carry API keys). */
const HEADERS_SECRET = 'llmWorkbench.telemetry.headers';

/**
 * The user's own value of `llmWorkbench.*` settings (user or machine settings, else the default): export endpoints,
 * credentials and content capture decide where prompts and spend data go, so a cloned workspace cannot change them.
 * One reader per read of the settings (see settingInspector: one `inspect()` for all the keys it reads).
 */
function userValues(): (key: string) => unknown {
  const inspect = settingInspector(vscode.workspace.getConfiguration(SETTINGS_SECTION));
  return (key) => {
    const inspected = inspect(key);
    return inspected?.globalValue !== undefined ? inspected.globalValue : inspected?.defaultValue;
  };
}

/**
 * OpenTelemetry export of every gateway call and eval run (`llmWorkbench.telemetry.*`) and the local OTLP receiver
 * (`llmWorkbench.otlpReceiver.*`). Both are off by default; when on, the SDK bundle is loaded after activation,
 * never during it. Export failures and receiver refusals go to the LLM Workbench output channel.
 */
export function registerTelemetry(
  context: vscode.ExtensionContext,
  settings: WorkbenchSettings,
  gateway: GatewayService,
): vscode.Disposable {
  const log = gateway.log;
  let telemetry: Telemetry | undefined;
  let generation = 0;
  let warned = '';

  const warn: Warn = (message, settingKey) => {
    log.warn(message);
    if (warned === message) return;
    warned = message;
    void vscode.window.showWarningMessage(message, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', settingKey);
    });
  };

  async function refreshExport(): Promise<void> {
    const mine = ++generation;
    const config = readEditorTelemetrySettings(userValues());
    const previous = telemetry;
    telemetry = undefined;
    gateway.setTelemetry(undefined);
    void previous?.shutdown(3_000);
    if (!config.enabled) return;
    // Stored credentials first; without them, the OTEL_EXPORTER_OTLP_HEADERS VS Code was started with.
    const headers = (await context.secrets.get(HEADERS_SECRET)) ?? process.env.OTEL_EXPORTER_OTLP_HEADERS;
    if (mine !== generation) return;
    try {
      const exportSettings = editorExportSettings(config, headers);
      telemetry = loadTelemetryRuntime().createTelemetry(exportSettings, {
        version: String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0'),
        providers: gateway.providers(),
        onExportError: (message) => log.warn(message),
      });
      gateway.setTelemetry(telemetry);
      log.info(`OpenTelemetry export on: ${telemetry.describe()}`);
    } catch (error) {
      if (error instanceof ExportSettingsError)
        warn(`LLM Workbench: OpenTelemetry export is off: ${error.message}`, 'llmWorkbench.telemetry');
      else log.error(`OpenTelemetry export could not start: ${String(error)}`);
    }
  }

  const receiver = receiverController(settings, log, warn);
  const refreshReceiver = () => receiver.refresh();

  // After activation returns: loading the SDK bundle takes tens of milliseconds, so never inside activate().
  const start = setTimeout(() => {
    void refreshExport();
    void refreshReceiver();
  }, 0);

  return vscode.Disposable.from(
    new vscode.Disposable(() => clearTimeout(start)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('llmWorkbench.telemetry') || event.affectsConfiguration('llmWorkbench.providers'))
        void refreshExport();
      if (event.affectsConfiguration('llmWorkbench.otlpReceiver')) void refreshReceiver();
    }),
    context.secrets.onDidChange((event) => {
      if (event.key === HEADERS_SECRET) void refreshExport();
    }),
    vscode.commands.registerCommand(COMMANDS.setTelemetryCredentials, () => setCredentials(context.secrets)),
    vscode.commands.registerCommand(COMMANDS.clearTelemetryCredentials, async () => {
      await context.secrets.delete(HEADERS_SECRET);
      void vscode.window.showInformationMessage('LLM Workbench: OpenTelemetry export credentials cleared.');
    }),
    new vscode.Disposable(() => {
      generation++;
      gateway.setTelemetry(undefined);
      void telemetry?.shutdown(2_000);
      void receiver.close();
    }),
  );
}

async function setCredentials(secrets: vscode.SecretStorage): Promise<void> {
  const config = readEditorTelemetrySettings(userValues());
  const preset = PRESETS[config.preset];
  const credential = preset.credential;
  const prompts =
    credential.kind === 'basic'
      ? [credential.user, credential.password]
      : credential.kind === 'value'
        ? [credential.label]
        : ['Headers as key=value pairs separated by commas (values percent-encoded), e.g. x-honeycomb-team=abc123'];
  const answers: string[] = [];
  for (const [index, prompt] of prompts.entries()) {
    const answer = await vscode.window.showInputBox({
      title: `OpenTelemetry export credentials for ${preset.label} (${index + 1}/${prompts.length})`,
      prompt,
      password: true,
      ignoreFocusOut: true,
    });
    if (answer === undefined) return;
    answers.push(answer);
  }
  try {
    await secrets.store(HEADERS_SECRET, credentialHeaderString(preset, answers));
    void vscode.window.showInformationMessage(`LLM Workbench: export credentials for ${preset.label} stored in SecretStorage.`);
  } catch (error) {
    void vscode.window.showErrorMessage(`LLM Workbench: ${error instanceof Error ? error.message : String(error)}`);
  }
}

type Warn = (message: string, settingKey: string) => void;

/** The local OTLP receiver, started, restarted on a port change, or stopped as its settings say. */
function receiverController(
  settings: WorkbenchSettings,
  log: vscode.LogOutputChannel,
  warn: Warn,
): { refresh(): Promise<void>; close(): Promise<void> } {
  let receiver: OtlpReceiver | undefined;
  let receiverKey = '';
  async function refresh(): Promise<void> {
    const config: ReceiverSettings = readReceiverSettings(userValues());
    const key = config.enabled ? String(config.port) : '';
    if (key === receiverKey) return;
    receiverKey = key;
    const previous = receiver;
    receiver = undefined;
    await previous?.close();
    if (!config.enabled) return;
    const ledger = new JsonlLedger(defaultLedgerPath());
    try {
      receiver = await loadTelemetryRuntime().startOtlpReceiver({
        port: config.port,
        ledger,
        catalog: settings.catalog,
        existingRecords: async () => (await ledger.readSince()).records,
        onIngest: (event) => logReceiverEvent(log, event),
      });
      log.info(
        `OTLP receiver listening on ${receiver.endpoint} (traces: ${receiver.endpoint}/v1/traces); other tools' GenAI spans go to ${ledger.path}`,
      );
    } catch (error) {
      receiverKey = '';
      // A busy port is reported, never fatal: everything else keeps working.
      warn(
        `LLM Workbench: the OTLP receiver did not start: ${error instanceof Error ? error.message : String(error)}`,
        'llmWorkbench.otlpReceiver',
      );
    }
  }

  return { refresh, close: async () => receiver?.close() };
}

function logReceiverEvent(log: vscode.LogOutputChannel, event: ReceiverEvent): void {
  if (event.type === 'refused') log.warn(`OTLP receiver refused a request (${event.status}): ${event.message}`);
  else if (event.type === 'recorded') {
    const { recorded, duplicates, rejected, skipped } = event.result;
    if (recorded.length === 0 && duplicates === 0 && rejected === 0) return;
    const sources = [...new Set(recorded.map((r) => r.source))].join(', ');
    const other = Object.entries(skipped).map(([reason, n]) => `${n} ${reason}`);
    log.info(
      `OTLP receiver: ${recorded.length} call(s) recorded${sources ? ` from ${sources}` : ''}` +
        `${duplicates ? `, ${duplicates} duplicate(s) ignored` : ''}${rejected ? `, ${rejected} malformed span(s) rejected` : ''}` +
        `${other.length ? `; not calls: ${other.join(', ')}` : ''}`,
    );
  }
}
