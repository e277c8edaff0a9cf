import assert from 'node:assert/strict';
import { readSettings } from '../../../src/core/config/readSettings';
import { workspaceSafeGetter } from '../../../src/core/config/workspaceSafeSettings';
import type { InspectedSetting } from '../../../src/core/config/workspaceSafeSettings';

/** A fake of VS Code's scopes: merged = folder ?? workspace ?? user ?? default, as `get` returns it. */
function scopes(values: Record<string, InspectedSetting>) {
  const merged = (key: string) => {
    const i = values[key];
    return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue ?? i?.defaultValue;
  };
  return readSettings(workspaceSafeGetter(merged, (key) => values[key])).config;
}

describe('settings a workspace cannot loosen', () => {
  it('logPrompts: a workspace value is ignored; the user value counts', () => {
    assert.equal(scopes({ logPrompts: { defaultValue: false, workspaceValue: true } }).logPrompts, false);
    assert.equal(scopes({ logPrompts: { defaultValue: false, globalValue: true, workspaceValue: false } }).logPrompts, true);
  });

  it("privateFiles: a workspace adds patterns but cannot drop the user's", () => {
    const config = scopes({ privateFiles: { defaultValue: [], globalValue: ['**/.env', '**/secrets/**'], workspaceValue: [] } });
    assert.deepEqual(config.privateFiles, ['**/.env', '**/secrets/**']);
    const added = scopes({
      privateFiles: { defaultValue: [], globalValue: ['**/.env'], workspaceFolderValue: ['internal/**', '**/.env'] },
    });
    assert.deepEqual(added.privateFiles, ['**/.env', 'internal/**']);
  });

  it("budget.dailyUsd: a workspace may lower the user's limit, not raise or clear it", () => {
    assert.equal(scopes({ 'budget.dailyUsd': { defaultValue: 0, globalValue: 5, workspaceValue: 500 } }).budget.dailyUsd, 5);
    assert.equal(scopes({ 'budget.dailyUsd': { defaultValue: 0, globalValue: 5, workspaceValue: 0 } }).budget.dailyUsd, 5);
    assert.equal(scopes({ 'budget.dailyUsd': { defaultValue: 0, globalValue: 5, workspaceValue: 2 } }).budget.dailyUsd, 2);
    assert.equal(scopes({ 'budget.dailyUsd': { defaultValue: 0, workspaceValue: 3 } }).budget.dailyUsd, 3);
  });

  it('everything else is read as merged', () => {
    assert.equal(
      scopes({ 'budget.model': { defaultValue: 'openai:gpt-4o', workspaceValue: 'openai:gpt-4o-mini' } }).budget.model,
      'openai:gpt-4o-mini',
    );
  });
});
