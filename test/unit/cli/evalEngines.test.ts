/** Which files the CLI hands to the workspace's promptfoo: only those the user trusts (issue 12's key rule). */
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planEngines } from '../../../src/cli/evalEngines';
import { parseEvalFile } from '../../../src/core/evals/parseEvalFile';

describe('planEngines and trust', () => {
  let dir: string;
  const env = { PATH: '/nonexistent' };
  const short = (p: string) => p.slice(dir.length + 1);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engines-'));
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '.bin', 'promptfoo'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'node_modules', '.bin', 'promptfoo'), 0o755);
    writeFileSync(join(dir, 'hooks.js'), 'module.exports = {};');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = () => {
    const path = join(dir, 'x.eval.yaml');
    writeFileSync(
      path,
      'prompts: ["{{q}}"]\nproviders: [openai:gpt-4o-mini]\nextensions: [file://hooks.js]\ntests: [{ vars: { q: hi } }]\n',
    );
    return parseEvalFile(path);
  };

  it('auto keeps an untrusted file native, its refusal an error, and says why it was not delegated', () => {
    const f = file();
    assert.equal(f.needsPromptfoo, 'file');
    const plan = planEngines([f], 'auto', env, short, { allowFileEndpoints: false, allowCode: true });
    assert.deepEqual([plan.native.length, plan.delegated.length], [1, 0]);
    assert.ok(plan.diagnostics.some((d) => d.severity === 'error' && /`extensions`/.test(d.message)));
    assert.match(
      plan.notes.join('\n'),
      /x\.eval\.yaml: not run with the workspace's promptfoo .*every key in your environment.*--allow-file-endpoints/,
    );
  });

  it('auto delegates a trusted file; nothing is delegated under --no-code, even with --engine promptfoo', () => {
    const trusted = planEngines([file()], 'auto', env, short, { allowFileEndpoints: true, allowCode: true });
    assert.deepEqual([trusted.native.length, trusted.delegated.length], [0, 1]);
    const noCode = planEngines([file()], 'auto', env, short, { allowFileEndpoints: true, allowCode: false });
    assert.deepEqual([noCode.native.length, noCode.delegated.length], [1, 0]);
    const forced = planEngines([file()], 'promptfoo', env, short, { allowFileEndpoints: false, allowCode: false });
    assert.equal(forced.delegated.length, 0);
    assert.match(forced.problems.join('\n'), /--engine promptfoo: promptfoo would run the code in this file, and --no-code forbids it/);
    const asked = planEngines([file()], 'promptfoo', env, short, { allowFileEndpoints: false, allowCode: true });
    assert.equal(asked.delegated.length, 1, "an explicit --engine promptfoo is the user's choice");
  });
});
