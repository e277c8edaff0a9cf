import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputPathProblem } from '../../../src/cli/outputPath';

describe('report paths of llm-workbench eval (--json, --junit, --record)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'out-path-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts an existing file, a new file, and a new file in folders still to be created', () => {
    writeFileSync(join(dir, 'old.xml'), '');
    assert.equal(outputPathProblem(join(dir, 'old.xml')), undefined);
    assert.equal(outputPathProblem(join(dir, 'new.xml')), undefined);
    assert.equal(outputPathProblem(join(dir, 'reports', 'ci', 'evals.xml')), undefined);
  });

  it('names a directory given as the file, and a file standing where a folder must be', () => {
    mkdirSync(join(dir, 'reports'));
    assert.match(outputPathProblem(join(dir, 'reports'))!, /reports is a directory: give a file name inside it/);
    writeFileSync(join(dir, 'plain'), '');
    assert.match(outputPathProblem(join(dir, 'plain', 'evals.xml'))!, /plain is a file, not a directory/);
  });
});
