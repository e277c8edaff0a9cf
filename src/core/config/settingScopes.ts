/**
 * Settings a workspace must not be able to set (where API keys and spans are sent, whether prompt text is stored or
 * exported, whether a port is opened). They are
 * contributed with `"scope": "application"`: VS Code reads them from the User settings only, and — unlike
 * `machine` scope — also in remote windows (Remote-SSH, WSL, dev containers, Codespaces, code-server), where a
 * machine-scoped value in the User settings is silently ignored. test/unit/config/providersSchema.test.ts keeps this
 * list equal to package.json.
 */
export const USER_ONLY_SETTINGS: readonly string[] = [
  'llmWorkbench.providers',
  'llmWorkbench.logPrompts',
  // Where spans go and whether they carry prompt text; whether a port is opened for other tools' spans.
  'llmWorkbench.telemetry.enabled',
  'llmWorkbench.telemetry.preset',
  'llmWorkbench.telemetry.endpoint',
  'llmWorkbench.telemetry.protocol',
  'llmWorkbench.telemetry.metrics',
  'llmWorkbench.telemetry.captureContent',
  'llmWorkbench.telemetry.serviceName',
  'llmWorkbench.otlpReceiver.enabled',
  'llmWorkbench.otlpReceiver.port',
];

/** Whether `key` (a full `llmWorkbench.…` key, or a key inside one such as `llmWorkbench.providers`) is read from User settings only. */
export function isUserOnlySetting(key: string): boolean {
  return USER_ONLY_SETTINGS.some((setting) => key === setting || key.startsWith(`${setting}.`));
}

/** Where to tell a user to put a user-only setting, in words that hold in local and remote windows alike. */
export const USER_SETTINGS_PLACE = 'your User settings (Preferences: Open User Settings)';
