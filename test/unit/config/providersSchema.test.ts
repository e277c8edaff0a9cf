import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { readSettings } from '../../../src/core/config/readSettings';
import { USER_ONLY_SETTINGS, isUserOnlySetting } from '../../../src/core/config/settingScopes';

const REPO = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { scope?: string } & Record<string, unknown>> } };
};
const properties = manifest.contributes.configuration.properties;

/** The `llmWorkbench.providers` example of the README's Settings section, as a user copies it. */
function readmeProvidersExample(): unknown {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /```json\n("llmWorkbench\.providers": \[[\s\S]*?\])\n```/.exec(readme);
  assert.ok(block, 'the README has a providers example');
  return (JSON.parse(`{${block[1]}}`) as Record<string, unknown>)['llmWorkbench.providers'];
}

describe('the contributed providers setting', () => {
  it('accepts the README example, numCtx included, and readSettings keeps every field of it', () => {
    const { scope: _scope, markdownDescription: _d, ...schema } = properties['llmWorkbench.providers'];
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    const example = readmeProvidersExample();
    assert.ok(validate(example), JSON.stringify(validate.errors));
    const { config, problems } = readSettings((key) => (key === 'providers' ? example : undefined));
    assert.deepEqual(problems, []);
    assert.deepEqual(config.providers, example);
    assert.equal(config.providers.find((p) => p.kind === 'ollama')?.numCtx, 8192);
  });

  it("rejects a misspelled field, as VS Code's settings editor does", () => {
    const { scope: _scope, markdownDescription: _d, ...schema } = properties['llmWorkbench.providers'];
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    assert.equal(validate([{ id: 'ollama', kind: 'ollama', num_ctx: 8192 }]), false);
  });

  it('settings that decide where keys and prompt text go are user-only and readable in remote windows (application scope)', () => {
    // machine scope would hide a User settings value in Remote-SSH, WSL, dev containers, Codespaces and code-server.
    for (const key of ['llmWorkbench.providers', 'llmWorkbench.logPrompts']) assert.equal(properties[key].scope, 'application', key);
  });
});

describe('user-only settings', () => {
  it('USER_ONLY_SETTINGS lists exactly the application-scoped settings of package.json', () => {
    const application = Object.entries(properties)
      .filter(([, p]) => p.scope === 'application')
      .map(([key]) => key);
    assert.deepEqual([...USER_ONLY_SETTINGS].sort(), application.sort());
    assert.equal(isUserOnlySetting('llmWorkbench.providers'), true);
    assert.equal(isUserOnlySetting('llmWorkbench.routes'), false);
  });
});
