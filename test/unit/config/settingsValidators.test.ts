import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');

describe('settings validators (generated from package.json by scripts/settingsValidators.mjs)', () => {
  it('are up to date with package.json (npm run build regenerates them)', async () => {
    const { generateSettingsValidators, GENERATED } = (await import(join(REPO, 'scripts', 'settingsValidators.mjs'))) as {
      generateSettingsValidators: () => string;
      GENERATED: string;
    };
    assert.equal(readFileSync(GENERATED, 'utf8'), generateSettingsValidators(), 'run npm run build to regenerate the settings validators');
  });

  it('need no ajv at run time beyond its tiny runtime helpers', () => {
    const text = readFileSync(join(REPO, 'src', 'core', 'config', 'settingsValidators.generated.js'), 'utf8');
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.ok(
      required.every((name) => name.startsWith('ajv/dist/runtime/')),
      required.join(', '),
    );
  });
});
