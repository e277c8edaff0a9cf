import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketForHeading, parsePromptFile } from '../../../src/core/tokens/promptSections';
import { normalizeModelRef } from '../../../src/core/tokens/modelName';

const fixture = readFileSync(join(__dirname, '..', '..', 'fixtures', 'tokens', 'mixed.prompt.md'), 'utf8');

describe('parsePromptFile', () => {
  it('reads front matter and splits a real prompt file into bucket sections', () => {
    const file = parsePromptFile(fixture);
    assert.equal(file.frontMatterError, undefined);
    assert.deepEqual(file.frontMatter, {
      model: 'openai:gpt-4o',
      modelLine: 1,
      outputReserve: 800,
      budget: { system: 300, context: 1200, user: 200 },
    });
    assert.deepEqual(
      file.sections.map((s) => [s.heading, s.bucket, s.line]),
      [
        ['System', 'system', 8],
        ['Context', 'context', 20],
        ['History', 'history', 41],
        ['User', 'user', 47],
      ],
    );
    const lines = fixture.split('\n');
    for (const s of file.sections) {
      assert.equal(fixture.slice(s.startOffset, s.headingEndOffset), lines[s.line], 'heading range is the heading line');
    }
    // Sections tile the body: each ends where the next starts, the last at the end of the file.
    assert.equal(file.sections[0].startOffset, fixture.indexOf('# System'));
    for (let i = 1; i < file.sections.length; i++) assert.equal(file.sections[i - 1].endOffset, file.sections[i].startOffset);
    assert.equal(file.sections.at(-1)!.endOffset, fixture.length);
    assert.equal(file.bodyStart, fixture.indexOf('# System'));
  });

  it('keeps text before the first heading as its own section, and ignores # lines in code fences', () => {
    const text = 'Preamble line.\n\n```sh\n# not a heading\n```\n# User\nhi\n';
    const file = parsePromptFile(text);
    assert.deepEqual(
      file.sections.map((s) => [s.heading, s.bucket, s.line, s.startOffset, s.endOffset]),
      [
        ['', undefined, 0, 0, text.indexOf('# User')],
        ['User', 'user', 5, text.indexOf('# User'), text.length],
      ],
    );
  });

  it('folds sub-headings into their bucket section, but a bucket heading always starts one', () => {
    const text = '# System\nrules\n## Tone\n- be brief\n## Context\ndocs\n# Appendix\nx\n### More\ny';
    const file = parsePromptFile(text);
    assert.deepEqual(
      file.sections.map((s) => [s.heading, s.bucket ?? null]),
      [
        ['System', 'system'],
        ['Context', 'context'],
        ['Appendix', null],
        ['More', null],
      ],
    );
  });

  it('maps heading synonyms to buckets, case-insensitively', () => {
    const cases: [string, string | undefined][] = [
      ['System', 'system'],
      ['INSTRUCTIONS', 'system'],
      ['Examples', 'system'],
      ['Retrieved context', 'context'],
      ['Documents', 'context'],
      ['Context: billing docs', 'context'],
      ['Conversation', 'history'],
      ['Chat history', 'history'],
      ['Question', 'user'],
      ['Input', 'user'],
      ['**User**', 'user'],
      ['Appendix', undefined],
      ['Output', undefined],
    ];
    for (const [heading, bucket] of cases) assert.equal(bucketForHeading(heading), bucket, heading);
  });

  it('reads .prompty front matter and role markers', () => {
    const text = [
      '---',
      'name: Support',
      'model:',
      '  api: chat',
      '  configuration:',
      '    type: openai',
      '    name: gpt-4o-mini',
      '  parameters:',
      '    max_tokens: 512',
      '---',
      'system:',
      'You are helpful.',
      '',
      'user:',
      '{{question}}',
      '',
    ].join('\n');
    const file = parsePromptFile(text);
    assert.deepEqual(file.frontMatter, { model: 'openai:gpt-4o-mini', modelLine: 3, outputReserve: 512 });
    assert.deepEqual(
      file.sections.map((s) => [s.heading, s.bucket, s.line]),
      [
        ['system', 'system', 10],
        ['user', 'user', 13],
      ],
    );
  });

  it('reports front matter problems at their line and keeps the rest', () => {
    const unknownBucket = parsePromptFile('---\nmodel: gpt-4o\nbudget:\n  system: 500\n  sytem: 20\n---\n# System\n');
    assert.deepEqual(unknownBucket.frontMatterError, {
      line: 4,
      message: 'Unknown budget bucket "sytem": use system, context, history, user, output.',
    });
    assert.deepEqual(unknownBucket.frontMatter, { model: 'openai:gpt-4o', modelLine: 1, budget: { system: 500 } });
    assert.equal(unknownBucket.sections.length, 1);

    const notNumber = parsePromptFile('---\nbudget:\n  context: lots\n---\n');
    assert.equal(notNumber.frontMatterError?.line, 2);
    assert.match(notNumber.frontMatterError!.message, /budget\.context must be a number/);

    const badYaml = parsePromptFile('---\nmodel: [gpt-4o\n---\n# User\n');
    assert.ok([1, 2].includes(badYaml.frontMatterError!.line), 'points into the front matter');
    assert.match(badYaml.frontMatterError!.message, /not valid YAML/);
    assert.equal(badYaml.sections[0].heading, 'User');

    const unclosed = parsePromptFile('---\nmodel: gpt-4o\n# User\nhi');
    assert.match(unclosed.frontMatterError!.message, /never closed/);
  });

  it('takes the output reserve from budget.output when no explicit reserve is given; handles CRLF', () => {
    const file = parsePromptFile('---\r\nbudget:\r\n  output: 2000\r\n---\r\n# User\r\nhi\r\n');
    assert.deepEqual(file.frontMatter, { budget: { output: 2000 }, outputReserve: 2000 });
    assert.equal(file.sections[0].heading, 'User');
    assert.equal(file.sections[0].headingEndOffset - file.sections[0].startOffset, '# User'.length);
  });

  it('handles empty and heading-less files', () => {
    assert.deepEqual(parsePromptFile('').sections, []);
    assert.deepEqual(parsePromptFile('just text').sections, [{ heading: '', line: 0, startOffset: 0, endOffset: 9, headingEndOffset: 0 }]);
  });
});

describe('normalizeModelRef', () => {
  it('keeps refs and gives bare ids and Copilot display names their provider', () => {
    assert.equal(normalizeModelRef('ollama:llama3.1:8b'), 'ollama:llama3.1:8b');
    assert.equal(normalizeModelRef('gpt-4o'), 'openai:gpt-4o');
    assert.equal(normalizeModelRef('GPT-4o (copilot)'), 'openai:gpt-4o');
    assert.equal(normalizeModelRef('o3'), 'openai:o3');
    assert.equal(normalizeModelRef('Claude Sonnet 4.5'), 'anthropic:claude-sonnet-4-5');
    assert.equal(normalizeModelRef('mystery'), 'mystery');
  });
});
