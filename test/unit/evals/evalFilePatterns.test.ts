import { strict as assert } from 'node:assert';
import packageJson from '../../../package.json';
import { EVAL_FILE_BASENAME, EVAL_FILE_GLOB, EVAL_FILE_NAMES, isEvalFilePath } from '../../../src/core/evals/evalFilePatterns';

const manifest = packageJson as unknown as {
  contributes: {
    jsonValidation: { fileMatch: string | string[] }[];
    yamlValidation: { fileMatch: string | string[] }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
};

describe('eval file patterns (one list for the editor and the CLI)', () => {
  it('accepts every eval file name, promptfoo’s default config in both spellings, and nothing else', () => {
    for (const path of [
      'a.eval.yaml',
      'dir/b.eval.yml',
      'C:\\x\\c.eval.json',
      '/w/promptfooconfig.yaml',
      'promptfooconfig.yml',
      'X.EVAL.YAML',
    ]) {
      assert.ok(isEvalFilePath(path), path);
    }
    for (const path of ['a.yaml', 'eval.yaml', 'mypromptfooconfig.yaml', 'promptfooconfig.yaml.bak', 'a.eval.yaml/x.txt']) {
      assert.ok(!isEvalFilePath(path), path);
    }
    assert.equal(EVAL_FILE_GLOB, '**/{*.eval.yaml,*.eval.yml,*.eval.json,promptfooconfig.yaml,promptfooconfig.yml}');
  });

  it('package.json validates the same files against the eval schema', () => {
    const fileMatch = [...manifest.contributes.jsonValidation, ...manifest.contributes.yamlValidation].flatMap((v) => v.fileMatch);
    assert.deepEqual([...fileMatch].sort(), [...EVAL_FILE_NAMES].sort());
  });

  it('package.json menus show the eval commands on the same files', () => {
    const clauses = Object.values(manifest.contributes.menus)
      .flat()
      .filter((entry) => entry.when?.includes('resourceFilename'));
    assert.ok(clauses.length > 0);
    for (const { when } of clauses) assert.ok(when!.includes(`resourceFilename =~ /${EVAL_FILE_BASENAME.source}/`), when);
  });
});
