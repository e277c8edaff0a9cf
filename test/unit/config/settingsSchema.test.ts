import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applySettingsSchema } from '../../../scripts/settingsSchema';

describe('settings schema in package.json', () => {
  const path = join(__dirname, '..', '..', '..', 'package.json');
  const text = readFileSync(path, 'utf8');

  it('holds the route schema written once in scripts/settingsSchema.ts (run npm run generate:settings after editing it)', () => {
    const current = JSON.parse(text);
    const generated = applySettingsSchema(JSON.parse(text));
    assert.deepEqual(current, generated);
  });

  it('is formatted as the generator writes it, so regenerating changes nothing else', () => {
    assert.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });
});
