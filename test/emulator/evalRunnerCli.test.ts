/** `llm-workbench eval` as CI runs it: the built dist/cli.js in a child process, against the in-process emulator. */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from './emulator';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('llm-workbench eval (CLI)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let dir: string;

  before(async function () {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        'llmWorkbench.providers': [
          { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
          { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
        ],
      }),
    );
    emulator.rule({ promptIncludes: 'charged twice' }, { text: 'billing' });
    emulator.rule({ promptIncludes: 'crashes' }, { text: 'bug' });
    emulator.rule({ promptIncludes: 'crashes', model: 'gpt-4.1-nano' }, { text: 'billing <"&> issue' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'eval', '--config', join(dir, 'settings.json'), ...args],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            LLM_WORKBENCH_HOME: join(dir, 'home'),
            OPENAI_API_KEY: 'sk-test',
            ANTHROPIC_API_KEY: 'sk-ant-test',
            ...env,
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  function write(name: string, text: string): string {
    writeFileSync(join(dir, name), text);
    return name;
  }

  const TWO_CASES = (providers: string) =>
    [
      'description: Ticket triage',
      'prompts: ["Label the ticket as billing or bug: {{ticket}}"]',
      `providers: [${providers}]`,
      'tests:',
      '  - description: double charge',
      '    vars: { ticket: "I was charged twice" }',
      '    assert: [{ type: icontains, value: billing }]',
      '  - description: crash',
      '    vars: { ticket: "The app crashes on export" }',
      '    assert: [{ type: icontains, value: bug }]',
    ].join('\n');

  it('exits 0 and prints the table and totals when every case passes', async () => {
    const run = await cli([write('triage.eval.yaml', TWO_CASES('openai:gpt-4o-mini'))]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /case\s+provider\s+verdict\s+latency\s+cost\s+reason/);
    assert.match(run.stdout, /double charge\s+openai:gpt-4o-mini\s+PASS\s+\d+ ms\s+\$0\.0/);
    assert.match(run.stdout, /2 cases: 2 passed, 0 failed; spent \$/);
    assert.equal(emulator.requests.length, 2);
    assert.equal(emulator.requests[0].headers.authorization, 'Bearer sk-test');
  });

  it('exits 1 on a failing case, gives the reason, and writes valid, escaped JUnit XML', async () => {
    const run = await cli([write('triage.eval.yaml', TWO_CASES('openai:gpt-4.1-nano')), '--junit', 'reports/junit.xml']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /crash\s+openai:gpt-4\.1-nano\s+FAIL\s+\d+ ms\s+\S+\s+Expected output to contain "bug"/);
    const xml = readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8');
    assert.match(
      xml,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="llm-workbench eval" tests="2" failures="1" errors="0" skipped="0"/,
    );
    assert.match(xml, /<testsuite name="triage\.eval\.yaml" tests="2" failures="1"/);
    assert.match(
      xml,
      /<testcase name="double charge \[openai:gpt-4\.1-nano\]" classname="triage\.eval\.yaml\.openai:gpt-4\.1-nano" file="triage\.eval\.yaml" line="5" time="[\d.]+"\/>/,
    );
    assert.match(
      xml,
      /<failure message="Expected output to contain &quot;bug&quot; \(ignoring case\)" type="assertion">icontains \(line 10\)/,
    );
    assert.match(xml, /billing &lt;&quot;&amp;&gt; issue/);
    assert.doesNotMatch(xml.replace(/<\?xml[^>]*>/, ''), /<[^/a-z!?]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 2);
    assert.equal((xml.match(/<\/testcase>/g) ?? []).length, 1);
  });

  it("marks an answer cut at the output limit in the table, under the totals and in JUnit; the verdict stays the assertions'", async () => {
    emulator.rule({ promptIncludes: 'charged twice' }, { text: 'billing, and then', stopReason: 'max_tokens' });
    const run = await cli([write('triage.eval.yaml', TWO_CASES('openai:gpt-4o-mini')), '--junit', 'junit.xml']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /double charge\s+openai:gpt-4o-mini\s+PASS\s+\d+ ms\s+\S+\s+⚠ truncated \(stop reason max_tokens\)$/m);
    assert.doesNotMatch(
      run.stdout.split('\n').find((l) => l.startsWith('crash'))!,
      /truncated/,
    );
    assert.match(run.stdout, /⚠ 1 answer was cut at the output limit \(max_tokens\): their verdicts judge incomplete text/);
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    assert.match(
      xml,
      /<testcase name="double charge[^>]*>\n\s*<properties><property name="llm_workbench.stop_reason" value="max_tokens"\/><\/properties>\n\s*<system-out>⚠ answer truncated at the output limit \(stop reason max_tokens\)<\/system-out>\n\s*<\/testcase>/,
    );
    assert.match(xml, /<testcase name="crash[^>]*\/>/);
  });

  it('exits 2 after reporting every problem as file:line:col, and still runs the valid tests', async () => {
    const broken = write(
      'broken.eval.yaml',
      'prompts: ["{{x}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { x: a }\n    assert: [{ type: containz, value: a }]\n  - vars: [1]\n  - vars: { x: "I was charged twice" }\n    assert: [{ type: contains, value: billing }]\n',
    );
    const unreadable = write('bad.eval.yaml', 'prompts: ["unclosed\ntests: []\n');
    const run = await cli([broken, unreadable]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken\.eval\.yaml:5:22: error: unknown assertion type 'containz' — did you mean 'contains'\?/);
    assert.match(run.stderr, /broken\.eval\.yaml:6:11: error: `tests\[1\]\.vars` is a list, which promptfoo reads as vars file/);
    assert.match(run.stderr, /bad\.eval\.yaml:1:\d+: error: /);
    assert.match(run.stdout, /I was charged twice|x=I was charged twice/);
    assert.equal(emulator.requests.length, 1);
  });

  it('exits 2 without calling anything when no file can run', async () => {
    const run = await cli([write('nothing.eval.yaml', 'prompts: [hi]\nproviders: [openai:embedding:text-embedding-3-small]\n')]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /nothing\.eval\.yaml:2:13: error: `providers\[0\]`: "openai:embedding:text-embedding-3-small" is an embedding model/,
    );
    assert.equal(emulator.requests.length, 0);
  });

  it('a config without tests runs each prompt once, as promptfoo does', async () => {
    const run = await cli([write('notests.eval.yaml', 'prompts: [Say hi, Say bye]\nproviders: [openai:gpt-4o-mini]\n')]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.deepEqual(emulator.requests.map((r) => (r.body as { messages: { content: string }[] }).messages[0].content).sort(), [
      'Say bye',
      'Say hi',
    ]);
  });

  it('exits 2 on invalid options and settings, naming the fix', async () => {
    const bad = await cli([write('t.eval.yaml', TWO_CASES('openai:gpt-4o-mini')), '-j', 'zero', '--grader', 'gpt4']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /-j must be a whole number from 1 to 256 \(got "zero"\)/);
    const huge = await cli([write('t.eval.yaml', TWO_CASES('openai:gpt-4o-mini')), '-j', '1000000000', '--repeat', '100000000']);
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /-j must be a whole number from 1 to 256 \(got "1000000000"\)/);
    assert.match(huge.stderr, /--repeat must be a whole number from 1 to 10000/);
    assert.match(bad.stderr, /--grader must be a model reference provider:model/);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ 'llmWorkbench.providers': [{ id: 'openai', kind: 'openia' }] }));
    const settings = await cli(['t.eval.yaml']);
    assert.equal(settings.code, 2);
    assert.match(settings.stderr, /llmWorkbench\.providers/);
    assert.equal(emulator.requests.length, 0);
  });

  it('an llm-rubric with no grader anywhere is an error at its line (exit 2); --grader supplies one', async () => {
    emulator.rule({ model: 'gpt-4o', promptIncludes: '<Rubric>' }, { text: '{"pass": true, "score": 1, "reason": "ok"}' });
    const file = write(
      'rubric.eval.yaml',
      'prompts: ["{{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert:\n      - type: llm-rubric\n        value: Says billing\n',
    );
    // promptfoo's OpenAI default grader applies only with OPENAI_API_KEY; without it the error says so.
    const missing = await cli([file], { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /rubric\.eval\.yaml:6:9: error: this model-graded assertion needs a grader model and none is configured/);
    assert.match(missing.stderr, /openai:gpt-5\.6-sol, needs OPENAI_API_KEY/);
    // With only an Anthropic key, promptfoo would grade with Anthropic's tool-calling grader, which we do not copy.
    const anthropicOnly = await cli([file], { OPENAI_API_KEY: '' });
    assert.equal(anthropicOnly.code, 2);
    assert.match(anthropicOnly.stderr, /promptfoo's default here \(ANTHROPIC_API_KEY set, OPENAI_API_KEY not\)/);
    const graded = await cli([file, '--grader', 'openai:chat:gpt-4o']);
    assert.equal(graded.code, 0, graded.stderr + graded.stdout);
  });

  it('compares several providers and recommends the cheapest that passes, as a model-selection record', async () => {
    const file = write('triage.eval.yaml', TWO_CASES('openai:gpt-4.1-nano, openai:gpt-4o-mini, openai:gpt-4o'));
    const run = await cli([file, '--record', 'selection.md', '--calls-per-day', '500']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /model\s+pass rate\s+passed\s+mean latency\s+p95 latency\s+cost\/call\s+total cost/);
    assert.match(run.stdout, /openai:gpt-4\.1-nano\s+50\.0%\s+1\/2/);
    assert.match(run.stdout, /Recommendation: openai:gpt-4o-mini is the cheapest candidate that passes 100% of the cases/);
    assert.match(run.stdout, /route chat: openai:gpt-4o-mini \(fallback openai:gpt-4o\); \$[\d.]+\/month at 500 calls\/day/);
    const md = readFileSync(join(dir, 'selection.md'), 'utf8');
    assert.match(md, /\| openai:gpt-4\.1-nano \| 50\.0% \| missed \|/);
    assert.match(md, /"primary": "openai:gpt-4o-mini"/);
    const record = JSON.parse(readFileSync(join(dir, 'selection.json'), 'utf8')) as {
      chosenRoute: unknown;
      dataset: { cases: number };
      qualityGate: { minPassRate: number };
    };
    assert.deepEqual(record.chosenRoute, { primary: 'openai:gpt-4o-mini', fallbacks: ['openai:gpt-4o'] });
    assert.equal(record.dataset.cases, 2);
    assert.equal(record.qualityGate.minPassRate, 1);
  });

  it('streams JSONL with --json, caches answers across runs, and --no-cache calls again', async () => {
    const file = write('triage.eval.yaml', TWO_CASES('openai:gpt-4o-mini'));
    const first = await cli([file, '--json', 'out/results.jsonl']);
    assert.equal(first.code, 0, first.stderr);
    const lines = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { verdict: string; cached: boolean; output: string });
    assert.deepEqual(
      lines.map((l) => l.verdict),
      ['pass', 'pass'],
    );
    assert.ok(lines.every((l) => !l.cached));
    const warm = await cli([file]);
    assert.equal(emulator.requests.length, 2);
    assert.match(warm.stdout, /\(cached\)/);
    assert.match(warm.stdout, /2 from cache; spent \$0\.00/);
    await cli([file, '--no-cache']);
    assert.equal(emulator.requests.length, 4);
  });

  it('records every call in the ledger under $LLM_WORKBENCH_HOME, and nothing for cached answers', async () => {
    const file = write('triage.eval.yaml', TWO_CASES('openai:gpt-4o-mini'));
    const ledgerLines = () =>
      readFileSync(join(dir, 'home', 'ledger.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source: string; model: string });
    assert.equal((await cli([file])).code, 0);
    assert.deepEqual(
      ledgerLines().map((r) => [r.source, r.model]),
      [
        ['eval', 'gpt-4o-mini'],
        ['eval', 'gpt-4o-mini'],
      ],
    );
    const warm = await cli([file]);
    assert.match(warm.stdout, /2 from cache/);
    assert.equal(ledgerLines().length, 2);
  });

  it('exits 2 before calling any model when a report path cannot be written', async () => {
    const file = write('triage.eval.yaml', TWO_CASES('openai:gpt-4o-mini'));
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'plain'), '');
    const run = await cli([file, '--junit', 'reports', '--json', 'plain/results.jsonl']);
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /--junit: \S+reports is a directory: give a file name inside it/);
    assert.match(run.stderr, /--json: cannot create \S+results\.jsonl: \S+plain is a file, not a directory/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(emulator.requests.length, 0);
  });

  it("sends promptfoo's request body: temperature 0 and max_tokens 1024 by default, Anthropic temperature included", async () => {
    const file = write(
      'temp.eval.yaml',
      [
        'prompts: ["{{ticket}}"]',
        'providers:',
        '  - id: openai:gpt-4o-mini',
        '    config: { temperature: 0 }',
        '  - id: anthropic:messages:claude-haiku-4-5',
        '    config: { temperature: 0 }',
        'tests:',
        '  - vars: { ticket: "I was charged twice" }',
        '    assert: [{ type: icontains, value: billing }]',
      ].join('\n'),
    );
    const run = await cli([file]);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.stderr.split('\n').filter((l) => l.includes('temperature')).length, 0, run.stderr);
    const openai = emulator.requests.find((r) => r.protocol === 'openai')!.body as { temperature?: number; max_tokens?: number };
    const anthropic = emulator.requests.find((r) => r.protocol === 'anthropic')!.body as { temperature?: number; max_tokens?: number };
    assert.deepEqual([openai.temperature, openai.max_tokens], [0, 1024]);
    assert.deepEqual([anthropic.temperature, anthropic.max_tokens], [0, 1024]);
  });

  it('reads one case as "1 case"', async () => {
    const file = write(
      'one.eval.yaml',
      'prompts: ["{{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert: [{ type: icontains, value: billing }]\n',
    );
    const run = await cli([file]);
    assert.match(run.stdout, /^1 case: 1 passed, 0 failed;/m);
  });

  it("an apiBaseUrl from the eval file never receives the user's key unless --allow-file-endpoints: refused at its line, never run keyless; a key written in the file does (issue 12)", async () => {
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ 'llmWorkbench.providers': [{ id: 'openai', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' }] }),
    );
    const file = write(
      'base.eval.yaml',
      `prompts: ["{{ticket}}"]\nproviders:\n  - id: openai:chat:gpt-4o-mini\n    config: { apiBaseUrl: "${emulator.openaiBaseUrl}" }\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert: [{ type: equals, value: billing }]\n`,
    );
    const run = await cli([file]);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(
      run.stderr,
      /base\.eval\.yaml:4:15: error: `apiBaseUrl: .*` is an endpoint chosen by the eval file, where promptfoo would send your OPENAI_API_KEY.*--allow-file-endpoints/,
    );
    assert.equal(emulator.requests.length, 0, 'no call at all: neither with the key nor silently without it');
    const trusting = await cli([file, '--allow-file-endpoints', '--no-cache']);
    assert.equal(trusting.code, 0, trusting.stderr + trusting.stdout);
    assert.equal(emulator.requests.at(-1)!.headers.authorization, 'Bearer sk-test', 'the user allowed what promptfoo does');
    const json = join(dir, 'out.jsonl');
    const withKey = write(
      'key.eval.yaml',
      `prompts: ["{{ticket}}"]\nproviders:\n  - id: openai:chat:gpt-4o-mini\n    config: { apiBaseUrl: "${emulator.openaiBaseUrl}", apiKey: sk-file-0123456789 }\ntests:\n  - vars: { ticket: "I was charged twice" }\n    assert: [{ type: equals, value: billing }]\n`,
    );
    const ok = await cli([withKey, '--json', json, '--no-cache']);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.equal(emulator.requests.at(-1)!.headers.authorization, 'Bearer sk-file-0123456789');
    const envar = write(
      'envar.eval.yaml',
      `prompts: ["{{ticket}}"]\nproviders:\n  - id: openai:chat:gpt-4o-mini\n    config: { apiBaseUrl: "${emulator.openaiBaseUrl}", apiKeyEnvar: OPENAI_API_KEY }\ntests:\n  - vars: { ticket: "I was charged twice" }\n`,
    );
    const refused = await cli([envar]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /envar\.eval\.yaml:4:\d+: error: `apiKeyEnvar: OPENAI_API_KEY` makes this eval file send your OPENAI_API_KEY.*--allow-file-endpoints/,
    );
    const allowed = await cli([envar, '--allow-file-endpoints', '--no-cache']);
    assert.equal(allowed.code, 0, allowed.stderr + allowed.stdout);
    assert.equal(emulator.requests.at(-1)!.headers.authorization, 'Bearer sk-test');
  });

  it('a key rendered into a prompt never reaches the JSONL report', async () => {
    const json = join(dir, 'leak.jsonl');
    const file = write(
      'leak.eval.yaml',
      'prompts: ["Key: {{ env.OPENAI_API_KEY }} {{ticket}}"]\nproviders: [openai:gpt-4o-mini]\ntests:\n  - vars: { ticket: "I was charged twice" }\n',
    );
    const run = await cli([file, '--json', json], { OPENAI_API_KEY: 'secret-key-0123456789' });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.ok(
      JSON.stringify(emulator.requests[0].body).includes('secret-key-0123456789'),
      'promptfoo renders env into the prompt, so do we',
    );
    const report = readFileSync(json, 'utf8');
    assert.ok(!report.includes('secret-key-0123456789'), 'the key is redacted from the report');
    assert.match(report, /\[redacted\]/);
  });
  it('perplexity from the logprobs the emulator returns when passthrough asks for them; tools and a tool-call answer as promptfoo shows it', async () => {
    writeFileSync(
      join(dir, 'p.eval.yaml'),
      [
        'prompts: ["Ticket: {{ticket}}"]',
        'providers:',
        '  - id: openai:gpt-4o-mini',
        '    config: { passthrough: { logprobs: true } }',
        'tests:',
        '  - vars: { ticket: "I was charged twice" }',
        '    assert:',
        '      - type: perplexity',
        '        threshold: 100',
        '      - type: perplexity-score',
        '        threshold: 0.99',
        '',
      ].join('\n'),
    );
    const json = join(dir, 'p.jsonl');
    const run = await cli(['p.eval.yaml', '--json', json, '--no-cache']);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.equal((emulator.requests[0].body as { logprobs?: unknown }).logprobs, true);
    const [result] = readFileSync(json, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { assertions: { type: string; pass: boolean; reason: string }[] });
    assert.deepEqual(
      result.assertions.map((a) => [a.type, a.pass]),
      [
        ['perplexity', true],
        ['perplexity-score', false],
      ],
    );
    assert.match(result.assertions[1].reason, /^Perplexity score 0\.\d\d is less than threshold 0\.99$/);

    emulator.rule({ promptIncludes: 'weather' }, { toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] });
    writeFileSync(
      join(dir, 't.eval.yaml'),
      [
        'prompts: ["What is the weather in Oslo?"]',
        'providers:',
        '  - id: openai:gpt-4o-mini',
        '    config:',
        '      tools: [{ type: function, function: { name: get_weather, parameters: { type: object, properties: { city: { type: string } } } } }]',
        '      tool_choice: required',
        'tests:',
        '  - assert:',
        '      - type: javascript',
        "        value: output[0].function.name === 'get_weather' && JSON.parse(output[0].function.arguments).city === 'Oslo'",
        '      - type: contains',
        '        value: \'"type":"function"\'',
        '',
      ].join('\n'),
    );
    const tools = await cli(['t.eval.yaml', '--no-cache']);
    assert.equal(tools.code, 0, tools.stderr + tools.stdout);
    const sent = emulator.requests.at(-1)!.body as { tool_choice?: unknown; tools?: unknown };
    assert.equal(sent.tool_choice, 'required');
    assert.equal((sent.tools as { function: { name: string } }[])[0].function.name, 'get_weather');
  });
});
