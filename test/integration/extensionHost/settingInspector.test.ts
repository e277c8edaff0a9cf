import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { workspaceSafeGetter, type InspectedSetting } from '../../../src/core/config/workspaceSafeSettings';
import { SETTINGS_SECTION, settingInspector } from '../../../src/features/services/settings';

/** Every `llmWorkbench.*` key package.json contributes, without the prefix. */
function contributedKeys(): string[] {
  const extension = vscode.extensions.getExtension('llm-workbench.llm-workbench');
  const contributes = (extension?.packageJSON as { contributes?: { configuration?: unknown } } | undefined)?.contributes;
  const sections = [contributes?.configuration ?? []].flat() as { properties?: Record<string, unknown> }[];
  return sections.flatMap((s) => Object.keys(s.properties ?? {})).map((k) => k.slice(SETTINGS_SECTION.length + 1));
}

const own = (i: InspectedSetting | undefined) => (i?.globalValue !== undefined ? i.globalValue : i?.defaultValue);

/** settingInspector (one inspect() for the section) against VS Code's own inspect() per key, on every key. */
function assertSameAsInspect(what: string): void {
  const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const inspector = settingInspector(settings);
  const exact = (key: string) => settings.inspect(key);
  const guarded = workspaceSafeGetter((key) => settings.get(key), inspector);
  const guardedExact = workspaceSafeGetter((key) => settings.get(key), exact);
  const keys = contributedKeys();
  assert.ok(keys.length > 20, `package.json's keys: ${keys.join(', ')}`);
  for (const key of keys) {
    const inspected = exact(key);
    assert.deepEqual(own(inspector(key)), own(inspected), `${what}: the user's own value of ${key}`);
    if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined)
      assert.deepEqual(inspector(key), inspected, `${what}: ${key}, set by the workspace, is inspected as VS Code does`);
    assert.deepEqual(guarded(key), guardedExact(key), `${what}: the workspace-safe value of ${key}`);
  }
}

describe('settings read with one inspect() per read', () => {
  it('gives the guards what VS Code inspect() gives them, for every setting', async () => {
    assertSameAsInspect('the fixture workspace');
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // A workspace that sets the guarded keys, and a user value the workspace tries to loosen.
    try {
      await config.update('budget.dailyUsd', 5, vscode.ConfigurationTarget.Global);
      await config.update('budget.dailyUsd', 50, vscode.ConfigurationTarget.Workspace);
      await config.update('privateFiles', ['secret/**'], vscode.ConfigurationTarget.Workspace);
      assertSameAsInspect('a workspace setting guarded keys');
      const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
      const guarded = workspaceSafeGetter((key) => settings.get(key), settingInspector(settings));
      assert.equal(guarded('budget.dailyUsd'), 5, 'the workspace cannot raise the daily budget');
      assert.deepEqual(guarded('privateFiles'), ['secret/**']);
    } finally {
      await config.update('budget.dailyUsd', undefined, vscode.ConfigurationTarget.Global);
      await config.update('budget.dailyUsd', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('privateFiles', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
