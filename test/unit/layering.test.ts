import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const VSCODE_IMPORT = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('layering', () => {
  const root = join(__dirname, '..', '..', 'src');

  it('src/core never imports vscode', () => {
    const offenders = filesUnder(join(root, 'core')).filter((f) => VSCODE_IMPORT.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('the check itself recognises every import form', () => {
    for (const line of [`import * as vscode from 'vscode';`, `const v = require("vscode");`, `await import('vscode')`]) {
      assert.ok(VSCODE_IMPORT.test(line), line);
    }
    assert.ok(!VSCODE_IMPORT.test(`import { x } from './vscodeish';`));
  });

  it('only src/features and src/extension.ts import vscode', () => {
    const offenders = filesUnder(root)
      .filter((f) => !f.includes(`${join(root, 'features')}`) && f !== join(root, 'extension.ts'))
      .filter((f) => VSCODE_IMPORT.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
