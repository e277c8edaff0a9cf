/** Malformed eval files of every kind: each problem is a positioned diagnostic whose message names the fix. */
import * as assert from 'node:assert/strict';
import { parseEvalText } from '../../../src/core/evals/parseEvalFile';

const HEAD = 'prompts: ["Classify: {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\n';

/** In-memory files for `file://` targets, so each case is self-contained. */
function read(files: Record<string, string>) {
  return (path: string) => {
    if (path in files) return files[path];
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };
}

interface Case {
  name: string;
  text: string;
  files?: Record<string, string>;
  /** 0-based line and column of the expected error. */
  line: number;
  column?: number;
  message: RegExp;
  /** The file cannot run at all (rather than one test being skipped). */
  fatal: boolean;
  file?: string;
}

const CASES: Case[] = [
  {
    name: 'unclosed quote',
    text: `${HEAD}tests:\n  - vars: { ticket: "refund }\n`,
    line: 3,
    message: /close the quote|Missing closing/i,
    fatal: true,
  },
  { name: 'tab indentation', text: `${HEAD}tests:\n\t- vars: { ticket: a }\n`, line: 3, message: /tab/i, fatal: true },
  {
    name: 'bad indentation',
    text: `${HEAD}tests:\n  - vars:\n      ticket: a\n     assert: []\n`,
    line: 5,
    message: /indent|align/i,
    fatal: true,
  },
  {
    name: 'duplicate key',
    text: `${HEAD}tests:\n  - vars:\n      ticket: a\n      ticket: b\n`,
    line: 5,
    column: 6,
    message: /duplicate key ticket — remove or rename/,
    fatal: false,
  },
  { name: 'top level is a list', text: '- prompts: [a]\n', line: 0, message: /an eval file is a mapping/, fatal: true },
  { name: 'empty file', text: '', line: 0, message: /mapping with `prompts`/, fatal: true },
  {
    name: 'vars is a list',
    text: `${HEAD}tests:\n  - vars: [a, b]\n`,
    line: 3,
    column: 10,
    message: /`tests\[0\]\.vars` is a list, which promptfoo reads as vars file\(s\).*write the vars as a mapping/,
    fatal: false,
  },
  {
    name: 'assert is a mapping',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert: { type: contains, value: a }\n`,
    line: 4,
    message: /`tests\[0\]\.assert` must be a list/,
    fatal: false,
  },
  {
    name: 'threshold is text',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    threshold: high\n`,
    line: 4,
    column: 15,
    message: /`tests\[0\]\.threshold` must be a number/,
    fatal: false,
  },
  {
    name: 'unknown assertion type',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: containz\n        value: a\n`,
    line: 5,
    column: 14,
    message: /unknown assertion type 'containz' — did you mean 'contains'\?/,
    fatal: false,
  },
  {
    name: 'unknown negated type',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: not-icontain\n        value: a\n`,
    line: 5,
    message: /did you mean 'not-icontains'\?/,
    fatal: false,
  },
  {
    name: 'promptfoo type we do not run',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: is-xml\n        value: a\n`,
    line: 5,
    message:
      /'is-xml' is a promptfoo type llm-workbench does not run natively \(promptfoo checks it with its own XML scanner.*--engine promptfoo/,
    fatal: false,
  },
  {
    name: 'not- on a type where promptfoo ignores it',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: not-factuality\n        value: a\n`,
    line: 5,
    message: /promptfoo ignores `not-` on factuality/,
    fatal: false,
  },
  {
    name: 'a chat model as the embedding grader of similar',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: similar\n        value: a\n        provider: openai:gpt-4o-mini\n`,
    line: 7,
    message: /openai:gpt-4o-mini is not an embedding model/,
    fatal: false,
  },
  {
    name: 'a {text} grader for an assertion that embeds',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: answer-relevance\n        provider: { text: openai:gpt-4o-mini }\n`,
    line: 6,
    message: /names no embedding model/,
    fatal: false,
  },
  {
    name: 'contextTransform',
    text: `${HEAD}tests:\n  - vars: { ticket: a, query: q }\n    assert:\n      - type: context-faithfulness\n        provider: openai:gpt-4o\n        contextTransform: output.context\n`,
    line: 7,
    message: /`contextTransform` is not supported/,
    fatal: false,
  },
  {
    name: 'word-count with min > max',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: word-count\n        value: { min: 5, max: 2 }\n`,
    line: 6,
    message: /`min` \(5\) must be less than or equal to `max` \(2\)/,
    fatal: false,
  },
  {
    name: 'a transform that is not JavaScript',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: contains\n        value: a\n        transform: "output.("\n`,
    line: 7,
    message: /`transform` is not valid JavaScript/,
    fatal: false,
  },
  {
    name: 'an assertion value file of a type promptfoo cannot read',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: contains\n        value: file://expected.md\n`,
    line: 6,
    message: /promptfoo reads only \.txt, \.json, \.yaml and \.yml files/,
    fatal: false,
  },
  {
    name: 'a rubricPrompt that reads env',
    text: `${HEAD}defaultTest:\n  options:\n    provider: openai:gpt-4o\n    rubricPrompt: "Grade {{ output }} for {{ env.TEAM }}"\ntests:\n  - vars: { ticket: a }\n`,
    line: 5,
    message: /rubricPrompt reads `env`/,
    fatal: true,
  },
  {
    name: 'assertion without type',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - value: a\n`,
    line: 5,
    message: /needs `type`/,
    fatal: false,
  },
  {
    name: 'misspelled assertion key',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: contains\n        vaule: a\n`,
    line: 6,
    column: 8,
    message: /unknown key `vaule`.*did you mean `value`\?/,
    fatal: false,
  },
  {
    name: 'misspelled test key',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    asert: []\n`,
    line: 4,
    column: 4,
    message: /unknown key `asert`.*did you mean `assert`\?/,
    fatal: false,
  },
  {
    name: 'missing value',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: contains\n`,
    line: 5,
    message: /needs a `value`: the text the output must contain/,
    fatal: false,
  },
  {
    name: 'latency without threshold',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: latency\n`,
    line: 5,
    message: /needs a `threshold`: the largest allowed latency in milliseconds/,
    fatal: false,
  },
  {
    name: 'bad regex',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: regex\n        value: "(billing"\n`,
    line: 6,
    column: 15,
    message: /invalid regular expression.*Unterminated group.*escape/,
    fatal: false,
  },
  {
    name: 'bad JSON schema',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: is-json\n        value: { type: objekt }\n`,
    line: 6,
    message: /invalid JSON schema: `type` must be equal to one of the allowed values/,
    fatal: false,
  },
  {
    name: 'JSON schema file missing',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: contains-json\n        value: file://schemas/label.json\n`,
    line: 6,
    message: /refers to \/w\/schemas\/label\.json, but the file does not exist: fix the path/,
    fatal: false,
  },
  {
    name: 'javascript syntax error',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: javascript\n        value: "output.includes('a'"\n`,
    line: 6,
    message: /JavaScript syntax error/,
    fatal: false,
  },
  {
    name: 'assert-set without assert',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    assert:\n      - type: assert-set\n        threshold: 0.5\n`,
    line: 5,
    message: /needs `assert`/,
    fatal: false,
  },
  {
    name: 'prompt file missing',
    text: 'prompts: [file://prompts/missing.txt]\nproviders: [openai:gpt-4o-mini]\ntests: [{ vars: {} }]\n',
    line: 0,
    column: 10,
    message: /refers to \/w\/prompts\/missing\.txt, but the file does not exist/,
    fatal: true,
  },
  {
    name: 'tests file missing',
    text: `${HEAD}tests: file://cases.yaml\n`,
    line: 2,
    message: /refers to \/w\/cases\.yaml, but the file does not exist/,
    fatal: true,
  },
  {
    name: 'tests file with a YAML error',
    text: `${HEAD}tests: file://cases.yaml\n`,
    files: { '/w/cases.yaml': '- vars: { ticket: "a }\n' },
    file: '/w/cases.yaml',
    line: 0,
    message: /quote|Missing closing/i,
    fatal: true,
  },
  {
    name: 'test in a tests file with a schema error',
    text: `${HEAD}tests: file://cases.yaml\n`,
    files: { '/w/cases.yaml': '- vars: { ticket: a }\n- vars: 3\n' },
    file: '/w/cases.yaml',
    line: 1,
    column: 8,
    message: /`\[1\]\.vars` must be a mapping/,
    fatal: false,
  },
  {
    name: 'CSV with an unclosed quote',
    text: `${HEAD}tests: file://cases.csv\n`,
    files: { '/w/cases.csv': 'ticket,__expected\n"a,b\n' },
    file: '/w/cases.csv',
    line: 1,
    message: /quoted field is never closed/,
    fatal: true,
  },
  {
    name: 'a one-line prompt with a slash is a file path (promptfoo)',
    text: 'prompts: ["Answer yes/no: {{q}}"]\nproviders: [openai:gpt-4o-mini]\ntests: [{ vars: { q: a } }]\n',
    line: 0,
    column: 10,
    message: /read as a file path.*does not exist.*two lines/,
    fatal: true,
  },
  {
    name: 'targets and providers both',
    text: 'prompts: [hi]\nproviders: [openai:gpt-4o-mini]\ntargets: [openai:gpt-4o-mini]\n',
    line: 2,
    message: /`targets` and `providers` are the same list/,
    fatal: true,
  },
  {
    name: 'embedding model as a provider',
    text: 'prompts: [hi]\nproviders: [openai:embedding:text-embedding-3-small, openai:gpt-4o-mini]\n',
    line: 1,
    column: 12,
    message: /embedding model.*never sends it to \/chat\/completions/,
    fatal: false,
  },
  {
    name: 'claude agent sdk as a provider',
    text: 'prompts: [hi]\nproviders: [anthropic:claude-agent-sdk, openai:gpt-4o-mini]\n',
    line: 1,
    column: 12,
    message: /Claude Agent SDK/,
    fatal: false,
  },
  {
    name: 'portkey prompt',
    text: 'prompts: ["portkey://pp-abc"]\nproviders: [openai:gpt-4o-mini]\n',
    line: 0,
    column: 10,
    message: /`portkey:\/\/` prompts are fetched.*--engine promptfoo/,
    fatal: false,
  },
  {
    name: 'ES module prompt function',
    text: 'prompts: [file://prompt.mjs]\nproviders: [openai:gpt-4o-mini]\n',
    files: { '/w/prompt.mjs': 'export default () => "hi"' },
    line: 0,
    column: 10,
    message: /ES module prompt function.*--engine promptfoo/,
    fatal: false,
  },
  {
    name: 'test generator file where code may not run',
    text: `${HEAD}tests: file://gen.ts\n`,
    line: 2,
    message: /test generator.*runs only where code may run/,
    fatal: true,
  },
  {
    name: 'unknown provider config key',
    text: 'prompts: [hi]\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { tools: [] }\n',
    line: 3,
    column: 14,
    message: /`tools` \(tool calling/,
    fatal: false,
  },
  {
    name: 'unknown test option',
    text: `${HEAD}tests:\n  - vars: { ticket: a }\n    options: { runSerially: true }\n`,
    line: 4,
    column: 15,
    message: /test option `runSerially`/,
    fatal: false,
  },
  {
    name: 'var file missing',
    text: `${HEAD}tests:\n  - vars: { ticket: file://t.txt }\n`,
    line: 3,
    column: 20,
    message: /`tests\[0\]\.vars\.ticket`: .*does not exist|no files match/,
    fatal: false,
  },
  {
    name: 'empty prompt list',
    text: 'prompts: []\ntests: [{ vars: {} }]\n',
    line: 0,
    column: 9,
    message: /`prompts` must not be empty|`prompts` has no usable prompt/,
    fatal: true,
  },
  {
    name: 'prompt of the wrong kind',
    text: 'prompts: [42]\ntests: [{ vars: {} }]\n',
    line: 0,
    column: 10,
    message: /`prompts\[0\]` must be a prompt string, a file path, or \{raw, label, config\}/,
    fatal: true,
  },
  {
    name: 'inline chat list (promptfoo rejects it)',
    text: 'prompts:\n  - - role: user\n      content: hi\ntests: [{ vars: {} }]\n',
    line: 1,
    message: /does not accept an inline chat-message list/,
    fatal: true,
  },
  {
    name: 'template loader tag',
    text: 'prompts: ["{% include \'other.txt\' %}"]\ntests: [{ vars: {} }]\n',
    line: 0,
    message: /\{% include %\}.*loads another template file/,
    fatal: true,
  },
  {
    name: 'template syntax error',
    text: 'prompts: ["{% if x %}a"]\ntests: [{ vars: {} }]\n',
    line: 0,
    message: /prompts\[0\].*(unknown block tag|expected|end of file)/i,
    fatal: true,
  },
  {
    name: 'unknown template filter',
    text: 'prompts: ["{{ x | shout }}"]\ntests: [{ vars: { x: 1 } }]\n',
    line: 0,
    message: /unknown filter "shout"/,
    fatal: true,
  },
  {
    name: 'provider without model',
    text: 'prompts: [hi]\nproviders: [openai, openai:gpt-4o-mini]\ntests: [{ vars: {} }]\n',
    line: 1,
    column: 12,
    message: /"openai" is not a model reference: write provider:model/,
    fatal: false,
  },
  {
    name: 'provider config of the wrong type',
    text: 'prompts: [hi]\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { temperature: hot }\n  - ollama:llama3\ntests: [{ vars: {} }]\n',
    line: 3,
    column: 27,
    message: /`providers\[0\]\.config\.temperature` must be a number/,
    fatal: false,
  },
  {
    name: 'the same provider twice',
    text: 'prompts: [hi]\nproviders: [openai:gpt-4o-mini, openai:chat:gpt-4o-mini]\ntests: [{ vars: {} }]\n',
    line: 1,
    column: 32,
    message: /listed twice: give one a different `label`/,
    fatal: false,
  },
  {
    name: 'unknown task',
    text: 'task: triage\nprompts: [hi]\ntests: [{ vars: {} }]\n',
    line: 0,
    column: 6,
    message: /`task` is "triage"; allowed: chat, code/,
    fatal: true,
  },
  {
    name: 'unsupported promptfoo feature',
    text: `${HEAD}extensions: [file://hooks.js]\ntests: [{ vars: { ticket: a } }]\n`,
    line: 2,
    message: /`extensions` run hook code.*--engine promptfoo/,
    fatal: false,
  },
  {
    name: 'grader that is not a model reference',
    text: `${HEAD}defaultTest:\n  options:\n    provider: gpt4\ntests: [{ vars: { ticket: a } }]\n`,
    line: 4,
    column: 14,
    message: /must name a grader model as provider:model|not a model reference/,
    fatal: true,
  },
];

describe('eval file diagnostics', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const file = parseEvalText(c.text, '/w/a.eval.yaml', { readFile: read(c.files ?? {}) });
      const errors = file.diagnostics.filter((d) => d.severity === 'error');
      const match = errors.find((d) => c.message.test(d.message));
      assert.ok(
        match,
        `no error matching ${c.message}; got:\n${file.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`).join('\n')}`,
      );
      assert.equal(match.file, c.file ?? '/w/a.eval.yaml');
      assert.equal(match.range.start.line, c.line, `line of: ${match.message}`);
      if (c.column !== undefined) assert.equal(match.range.start.column, c.column, `column of: ${match.message}`);
      assert.equal(file.fatal, c.fatal, 'fatal');
      if (!c.fatal && file.tests.length > 0) assert.ok(file.tests.every((t) => !t.location.range || t.index !== undefined));
    });
  }

  it('reports every problem in one pass, not just the first', () => {
    const text = `${HEAD}tests:\n  - vars: [x]\n  - vars: { ticket: a }\n    assert: [{ type: containz, value: a }]\n  - vars: { ticket: b }\n    assert: [{ type: regex, value: "(" }]\n  - vars: { ticket: c }\n    assert: [{ type: contains, value: c }]\n`;
    const file = parseEvalText(text, '/w/a.eval.yaml');
    assert.deepEqual(
      file.diagnostics.filter((d) => d.severity === 'error').map((d) => d.range.start.line),
      [3, 5, 7],
    );
    assert.deepEqual(
      file.tests.map((t) => t.index),
      [3],
    );
  });
});
