import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSetting } from '../../../src/core/config/checkSetting';
import { readSettings } from '../../../src/core/config/readSettings';
import { settingDefaults } from '../../../src/core/config/settingDefaults.generated';
import validators from '../../../src/core/config/settingsValidators.generated';

const REPO = join(__dirname, '..', '..', '..');

/**
 * readSettings does not validate a setting whose value is package.json's default (so activation, where every setting
 * is usually at its default, does not load the validators): that is only right while every default is valid.
 */
describe('setting defaults (generated from package.json by scripts/settingsValidators.mjs)', () => {
  it('are up to date with package.json (npm run build regenerates them)', async () => {
    const { generateSettingDefaults, GENERATED_DEFAULTS } = (await import(join(REPO, 'scripts', 'settingsValidators.mjs'))) as {
      generateSettingDefaults: () => string;
      GENERATED_DEFAULTS: string;
    };
    assert.equal(
      readFileSync(GENERATED_DEFAULTS, 'utf8'),
      generateSettingDefaults(),
      'run npm run build to regenerate the setting defaults',
    );
  });

  it('has a default for most validated settings, and each one passes its own schema', () => {
    const keys = Object.keys(settingDefaults);
    assert.ok(keys.includes('providers') && keys.includes('budget.model') && keys.includes('gateway'), keys.join(', '));
    for (const key of keys) {
      assert.ok(validators[key], `${key}: a default but no validator`);
      assert.deepEqual(checkSetting(key, JSON.parse(settingDefaults[key]!)), [], `${key}: package.json's default is invalid`);
    }
  });

  it('a value that differs from the default is still validated', () => {
    const { config, problems } = readSettings((key) =>
      key === 'budget.warnThreshold' ? 7 : key === 'providers' ? [{ id: 'x' }] : undefined,
    );
    assert.equal(config.budget.warnThreshold, 0.8);
    assert.deepEqual(
      problems.map((p) => p.setting),
      ['llmWorkbench.budget.warnThreshold', 'llmWorkbench.providers'],
    );
  });
});
