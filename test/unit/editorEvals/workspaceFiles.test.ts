import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTSIDE_WORKSPACE, confinedReader, isInsideRoots } from '../../../src/core/evals/editor/workspaceFiles';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

describe('eval file:// targets in the editor stay inside the workspace', () => {
  const base = mkdtempSync(join(tmpdir(), 'lwb-ws-'));
  const ws = join(base, 'repo');
  const outside = join(base, 'home-secret.txt');
  mkdirSync(join(ws, 'prompts'), { recursive: true });
  writeFileSync(join(ws, 'prompts', 'p.txt'), 'Say {{ x }}');
  writeFileSync(outside, 'TOP SECRET');
  symlinkSync(outside, join(ws, 'prompts', 'link.txt'));

  it('inside, nested, and the root itself count; ../ escapes and symlinks out do not', () => {
    assert.ok(isInsideRoots(join(ws, 'prompts', 'p.txt'), [ws]));
    assert.ok(isInsideRoots(ws, [ws]));
    assert.ok(!isInsideRoots(join(ws, '..', 'home-secret.txt'), [ws]));
    assert.ok(!isInsideRoots(join(ws, 'prompts', 'link.txt'), [ws]));
    assert.ok(!isInsideRoots(`${ws}-other/x`, [ws]), 'a sibling sharing the prefix is outside');
  });

  it('a prompt reference outside the workspace is an error at the reference, and the file is never read', () => {
    const reads: string[] = [];
    const read = confinedReader((p) => (reads.push(p), 'TOP SECRET'), [ws]);
    const text = `prompts:\n  - file://../home-secret.txt\n  - file://prompts/link.txt\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { x: 1 }\n`;
    const file = parseEvalText(text, join(ws, 'a.eval.yaml'), { readFile: read, fileRules: { roots: [ws] } });
    assert.deepEqual(reads, []);
    const errors = file.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 2, JSON.stringify(file.diagnostics));
    for (const e of errors)
      assert.ok(e.message.includes(OUTSIDE_WORKSPACE) || /is outside the eval file's folder \(.*repo\)/.test(e.message), e.message);
    assert.equal(errors[0].range.start.line, 1);
    assert.ok(!JSON.stringify(file).includes('TOP SECRET'));
  });

  it('a reference inside the workspace is read as text', () => {
    const read = confinedReader((p) => readFileSync(p, 'utf8'), [ws]);
    const file = parseEvalText(
      `prompts: [file://prompts/p.txt]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { x: 1 }\n`,
      join(ws, 'a.eval.yaml'),
      { readFile: read },
    );
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.prompts[0].raw, 'Say {{ x }}');
  });
});
