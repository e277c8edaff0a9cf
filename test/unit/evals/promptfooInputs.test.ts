/** Reading eval inputs as promptfoo 0.123.1 reads them, and refusing what we do not run, at its line. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globSync } from 'glob';
import { defaultRules, expandGlob } from '../../../src/core/evals/fileRefs';
import { parseEvalFile, parseEvalText } from '../../../src/core/evals/parseEvalFile';
import { looksLikeFilePath, splitOnDelimiter } from '../../../src/core/evals/parsePrompts';
import { planJobs } from '../../../src/core/evals/planJobs';
import { anthropicMessages, buildRequest, parseChatPrompt, PromptShapeError } from '../../../src/core/evals/promptfooRequest';
import { resolveProviderId } from '../../../src/core/evals/promptfooProviderIds';
import { renderPromptText, resolveVariables } from '../../../src/core/evals/renderPrompt';
import { renderString, templateEnv } from '../../../src/core/evals/template';
import { LARGE_FILE_CHARS } from '../../../src/core/evals/yamlSource';

describe('eval inputs as promptfoo reads them', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pf-inputs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const parse = (yaml: string) => parseEvalFile(write('promptfooconfig.yaml', yaml));
  const errors = (file: ReturnType<typeof parse>) => file.diagnostics.filter((d) => d.severity === 'error');

  describe('prompts', () => {
    it('splits .txt files on --- lines (trimmed, empty parts dropped), like processTxtFile', () => {
      assert.deepEqual(splitOnDelimiter('a\n---\n\n b \n  ---  \n---\nc'), ['a', 'b', 'c']);
    });

    it('reads one-line strings that look like paths as files, as maybeFilePath does', () => {
      assert.equal(looksLikeFilePath('prompts/p.txt'), true);
      assert.equal(looksLikeFilePath('Answer yes/no: {{q}}'), true);
      assert.equal(looksLikeFilePath('Say hi e.g.'), true);
      assert.equal(looksLikeFilePath('Classify: {{ticket}}'), false);
      assert.equal(looksLikeFilePath('two\nlines / here'), false);
      assert.equal(looksLikeFilePath('portkey://pp-x'), false);
    });

    it('takes {raw, label, config}, the {template: label} map, .jsonl lines and .json as compact JSON text; dedupes strings', () => {
      write('p.jsonl', '[{"role":"user","content":"one {{x}}"}]\n[{"role":"user","content":"two {{x}}"}]\n');
      write(
        'chat.json',
        '[\n  {"role": "system", "content": "sys"},\n  {"role": "user", "content": [{"type": "text", "text": "{{x}}"}]}\n]',
      );
      const file = parse(
        'prompts:\n  - { raw: "A {{x}}", label: a, config: { temperature: 0.5 } }\n  - file://p.jsonl\n  - file://chat.json\n  - "B {{x}}"\n  - "B {{x}}"\ntests: [{ vars: { x: 1 } }]\n',
      );
      assert.deepEqual(errors(file), []);
      assert.deepEqual(
        file.prompts.map((p) => p.raw),
        [
          'A {{x}}',
          '[{"role":"user","content":"one {{x}}"}]',
          '[{"role":"user","content":"two {{x}}"}]',
          '[{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"{{x}}"}]}]',
          'B {{x}}',
        ],
      );
      assert.deepEqual(file.prompts[0].config, { temperature: 0.5 });
      const map = parseEvalText('prompts: { "Hi {{x}}": greeting }\n', '/w/a.eval.yaml');
      assert.deepEqual(
        map.prompts.map((p) => [p.raw, p.label]),
        [['Hi {{x}}', 'greeting']],
      );
    });

    it("without prompts, each test's `prompt` var is the prompt; without tests, each prompt runs once", () => {
      const noPrompts = parseEvalText('providers: [openai:gpt-4o-mini]\ntests: [{ vars: { prompt: hello } }]\n', '/w/a.eval.yaml');
      assert.deepEqual(
        noPrompts.prompts.map((p) => p.raw),
        ['{{prompt}}'],
      );
      const noTests = parseEvalText('prompts: [a, b]\nproviders: [openai:gpt-4o-mini]\n', '/w/a.eval.yaml');
      assert.equal(noTests.tests.length, 1);
      assert.deepEqual(noTests.tests[0].vars, {});
    });
  });

  describe('vars', () => {
    it('expands lists into one case per combination, the first var slowest; non-string lists stay one value', () => {
      const file = parseEvalText(
        'prompts: ["{{a}}{{b}}"]\ntests:\n  - vars: { a: [x, y], b: ["1", "2"], c: [{ k: 1 }] }\n',
        '/w/a.eval.yaml',
      );
      assert.deepEqual(
        file.tests.map((t) => `${t.vars.a}${t.vars.b}`),
        ['x1', 'x2', 'y1', 'y2'],
      );
      assert.deepEqual(file.tests[0].vars.c, [{ k: 1 }]);
      assert.deepEqual(
        file.tests.map((t) => t.index),
        [0, 1, 2, 3],
      );
    });

    it('loads file:// vars: text trimmed, YAML as JSON text, images as data URLs, a glob as one case per file', () => {
      write('q.txt', '  question?\n');
      write('v.yaml', 'a: 1\n');
      write('img/cat.png', Buffer.from('89504e470d0a1a0a', 'hex'));
      write('docs/1.txt', 'one');
      write('docs/2.txt', 'two');
      const file = parse(
        'prompts: ["{{q}}"]\ntests:\n  - vars: { q: file://q.txt, v: file://v.yaml, i: file://img/cat.png }\n  - vars: { q: "file://docs/*.txt" }\n',
      );
      assert.deepEqual(errors(file), []);
      assert.equal(file.tests[0].vars.q, 'question?');
      assert.equal(file.tests[0].vars.v, '{"a":1}');
      assert.match(String(file.tests[0].vars.i), /^data:image\/png;base64,iVBORw0KGgo/);
      // glob's order (reverse name order), as promptfoo's globSync gives it.
      assert.deepEqual(
        file.tests.slice(1).map((t) => t.vars.q),
        ['two', 'one'],
      );
    });

    it("expands globs in the order promptfoo's glob 13 does (files before subfolders, reverse name order, no dot folders)", () => {
      for (const name of [
        'v/a.txt',
        'v/one.txt',
        'v/two.txt',
        'v/sub/z.txt',
        'v/sub/b.txt',
        'v/sub/deep/q.txt',
        'v/zz/m.txt',
        'v/aa/n.txt',
        'v/.hidden/h.txt',
        'v/B.txt',
        'v/f10.txt',
        'v/f9.txt',
      ])
        write(name, name);
      for (const pattern of ['v/**/*.txt', 'v/*.txt', 'v/*/*.txt', 'v/**/[a-m]*.txt', 'v/{sub,zz}/*.txt', 'v/.hidden/*.txt']) {
        // @vscode/vsce's glob is 13.0.7, the version promptfoo 0.123.1 resolves file:// globs with.
        const expected = globSync(join(dir, pattern), { windowsPathsNoEscape: true });
        assert.deepEqual(expandGlob(pattern, dir, defaultRules(join(dir, 'promptfooconfig.yaml'))), expected, pattern);
      }
    });

    it('refuses code and PDF var loaders at the var', () => {
      write('gen.py', 'def get_var(): pass');
      const file = parse('prompts: ["{{q}}"]\ntests:\n  - vars: { q: file://gen.py }\n');
      assert.match(errors(file)[0].message, /`tests\[0\]\.vars\.q`: .*code promptfoo runs/);
      assert.equal(errors(file)[0].range.start.line, 2);
    });
  });

  describe('file bounds (issue 12)', () => {
    it("refuses reads outside the eval file's folder, devices, FIFOs, and files over the size limit", () => {
      const outside = join(dir, '..', `outside-${Date.now()}.txt`);
      writeFileSync(outside, 'secret');
      try {
        const sub = join(dir, 'sub');
        mkdirSync(sub);
        const file = parseEvalFile(
          write(
            'sub/a.eval.yaml',
            `prompts: [file://../${outside.split('/').pop()}, "{{q}}"]\ntests:\n  - vars: { q: file:///proc/self/environ }\n  - vars: { q: file:///dev/zero }\n`,
          ),
          { fileRules: { roots: [] } },
        );
        const messages = errors(file)
          .map((d) => d.message)
          .join('\n');
        assert.match(messages, /system file \(\/proc, \/sys, \/dev\)/);
        assert.equal(file.tests.length, 0);
        const confined = parseEvalFile(join(dir, 'sub', 'a.eval.yaml'));
        assert.match(
          errors(confined)
            .map((d) => d.message)
            .join('\n'),
          /outside the eval file's folder/,
        );
        assert.ok(!JSON.stringify(file).includes('secret'));
      } finally {
        rmSync(outside, { force: true });
      }
      execFileSync('mkfifo', [join(dir, 'fifo.txt')]);
      write('big.txt', 'x'.repeat(2048));
      const fifo = parseEvalFile(write('b.eval.yaml', 'prompts: [file://fifo.txt, file://big.txt]\n'), { fileRules: { maxBytes: 1024 } });
      const text = errors(fifo)
        .map((d) => d.message)
        .join('\n');
      assert.match(text, /not a regular file/);
      assert.match(text, /above the 1 KB limit/);
    });

    it('a file nested 5,000 levels deep is a positioned error, never a crash', () => {
      const deep = `${'- '.repeat(5000)}x\n`;
      const file = parseEvalText(deep, '/w/deep.eval.yaml');
      assert.equal(file.fatal, true);
      assert.match(file.diagnostics[0].message, /nests deeper than 64 levels/);
      const flow = parseEvalText(`prompts: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, '/w/flow.eval.yaml');
      assert.match(flow.diagnostics[0].message, /nests deeper/);
      assert.equal(flow.diagnostics[0].range.start.line, 0);
    });

    it('a large file is read piecewise, with each test at its own line and a YAML error at its line', () => {
      const lines = ['prompts: ["{{t}}"]', 'providers: [openai:gpt-4o-mini]', 'tests:'];
      let size = 0;
      for (let i = 0; size < LARGE_FILE_CHARS + 1000; i++) {
        lines.push(`  - description: case ${i}`, `    vars: { t: "ticket ${i}" }`);
        size += 40;
      }
      const file = parseEvalText(lines.join('\n'), '/w/big.eval.yaml');
      assert.deepEqual(errors(file), []);
      assert.deepEqual(file.tests[10].location.range.start, { line: 3 + 20, column: 2 });
      assert.equal(file.tests[10].vars.t, 'ticket 10');
      const broken = [...lines.slice(0, 41), '    vars: { t: "unclosed }', ...lines.slice(42)].join('\n');
      const bad = parseEvalText(broken, '/w/big.eval.yaml');
      assert.equal(bad.fatal, true);
      assert.ok(errors(bad)[0].range.start.line >= 41, JSON.stringify(errors(bad)[0]));
    });
  });

  describe('providers', () => {
    it('maps ids to the protocol promptfoo speaks, and refuses the rest', () => {
      const protocol = (id: string) => {
        const r = resolveProviderId(id);
        return 'refused' in r ? 'refused' : `${r.protocol} ${r.provider}:${r.model}`;
      };
      assert.equal(protocol('openai:gpt-4o-mini'), 'openai-chat openai:gpt-4o-mini');
      assert.equal(protocol('openai:o1-pro'), 'openai-responses openai:o1-pro');
      assert.equal(protocol('openai:gpt-5.6'), 'openai-responses openai:gpt-5.6');
      assert.equal(protocol('openai:responses:gpt-4.1'), 'openai-responses openai:gpt-4.1');
      assert.equal(protocol('anthropic:claude-haiku-4-5'), 'anthropic-messages anthropic:claude-haiku-4-5');
      assert.equal(protocol('groq:llama-3.3-70b'), 'openai-chat groq:llama-3.3-70b');
      assert.equal(protocol('openrouter:meta/llama:free'), 'openai-chat openrouter:meta/llama:free');
      assert.equal(protocol('ollama:llama3'), 'ollama-generate ollama:llama3');
      for (const id of [
        'openai:embedding:text-embedding-3-small',
        'openai:image:dall-e-3',
        'openai:completion:x',
        'openai:assistant:asst_1',
        'openai:gpt-3.5-turbo-instruct',
        'anthropic:claude-agent-sdk',
        'google:gemini-2.0-flash',
        'bedrock:x',
        'file://p.py',
        'https://x',
      ]) {
        assert.equal(protocol(id), 'refused', id);
      }
    });

    it('refuses config keys it would not send exactly, at the key; apiKey from {{ env.X }} counts as a named variable', () => {
      const file = parseEvalText(
        'prompts: [hi]\nproviders:\n  - id: openai:gpt-4o\n    config: { thinking: {}, response_format: { type: xml }, apiBaseUrl: "http://h/v1", apiKey: "{{ env.PATH }}" }\n',
        '/w/a.eval.yaml',
      );
      const messages = errors(file).map((d) => `${d.range.start.line}:${d.message}`);
      assert.ok(
        messages.some((m) => /^3:provider config `thinking`/.test(m)),
        messages.join('\n'),
      );
      assert.ok(messages.some((m) => /response_format/.test(m)));
      assert.deepEqual(file.providers[0].key, { kind: 'file-env', variable: 'PATH' });
    });
  });

  describe('rendering (renderPrompt)', () => {
    it('resolves {{ var }} between vars the way resolveVariables does (first placeholder per pass, 5 passes)', () => {
      assert.deepEqual(resolveVariables({ a: '{{b}} and {{c}}', b: 'B', c: 'C' }), { a: 'B and C', b: 'B', c: 'C' });
      // Only the first placeholder is looked at: behind an undefined one, the rest waits for the Nunjucks pass.
      assert.deepEqual(resolveVariables({ a: '{{missing}} {{c}}', c: 'C' }), { a: '{{missing}} {{c}}', c: 'C' });
      const vars: Record<string, unknown> = { s: 'tweet about {{topic}}\n', topic: 'bananas' };
      assert.equal(renderPromptText('{{s}}', vars), 'tweet about bananas');
      assert.equal(vars.s, 'tweet about bananas', "vars are changed in place, as promptfoo's are");
    });

    it('renders a JSON prompt string by string and re-serialises it with 2 spaces; an unclosed tag is sent as written', () => {
      assert.equal(
        renderPromptText('[{"role":"user","content":"{{q}}"}]', { q: 'hi' }),
        '[\n  {\n    "role": "user",\n    "content": "hi"\n  }\n]',
      );
      assert.equal(renderPromptText('Use {{ braces', {}), 'Use {{ braces');
    });
  });

  describe('requests (what promptfoo sends)', () => {
    it('OpenAI: a JSON or "- role:" YAML chat list, else one user message; broken JSON is refused', () => {
      assert.deepEqual(parseChatPrompt('hi'), [{ role: 'user', content: 'hi' }]);
      assert.deepEqual(parseChatPrompt('- role: user\n  content: hi\n'), [{ role: 'user', content: 'hi' }]);
      assert.throws(() => parseChatPrompt('[{"role": "user", "content": hi}]'), PromptShapeError);
      const body = buildRequest('openai-chat', 'gpt-4o-mini', 'hi', {}).body;
      assert.deepEqual([body.temperature, body.max_tokens], [0, 1024]);
      assert.equal(buildRequest('openai-chat', 'o3-mini', 'hi', {}).body.temperature, undefined);
    });

    it('OpenAI: text that cannot be JSON is one user message; anything JSON.parse or looksLikeJson takes is still judged as JSON', () => {
      const chat = [{ role: 'user', content: 'hi' }];
      for (const text of ['', '  ', 'tell me', 'nothing', '42 is the answer', 'Label this: {"a": 1}', '\u00a0hi'])
        assert.deepEqual(parseChatPrompt(text), [{ role: 'user', content: text }], JSON.stringify(text));
      assert.deepEqual(parseChatPrompt(' \n\t[{"role": "user", "content": "hi"}]'), chat);
      // JSON that is not a message list, and text only trim() treats as blank before a bracket: refused as before.
      for (const text of [
        '"hi"',
        '42',
        'true',
        'null',
        '-1',
        '{"role": "user"}',
        '\u00a0[{"role": "user", "content": hi}]',
        '\ufeff{"a": 1}',
      ])
        assert.throws(() => parseChatPrompt(text), PromptShapeError, JSON.stringify(text));
    });

    it('Anthropic: parseMessages line rules (lines trimmed, blanks dropped, system:/user:/assistant: prefixes)', () => {
      const { system, messages } = anthropicMessages('system: be brief\n\n  Hello\n\nassistant: ok\nuser: again');
      assert.deepEqual(system, [{ type: 'text', text: 'be brief' }]);
      assert.deepEqual(
        messages.map((m) => [m.role, (m.content[0] as { text: string }).text]),
        [
          ['user', 'Hello'],
          ['assistant', 'ok'],
          ['user', 'again'],
        ],
      );
      const body = buildRequest('anthropic-messages', 'claude-haiku-4-5', 'hi', { temperature: 0.3 }).body;
      assert.deepEqual([body.temperature, body.max_tokens], [0.3, 1024]);
    });
  });
  describe('file-level options and the template environment', () => {
    it("evaluateOptions.repeat repeats every case unless --repeat is given; a test's options.repeat wins over both", () => {
      const file = parseEvalText(
        'prompts: [hi]\nproviders: [openai:gpt-4o-mini]\nevaluateOptions: { repeat: 3, maxConcurrency: 2 }\ntests:\n  - vars: { a: 1 }\n  - vars: { a: 2 }\n    options: { repeat: 2 }\n',
        '/w/a.eval.yaml',
      );
      assert.deepEqual(errors(file), []);
      assert.equal(file.repeat, 3);
      const repeats = (repeat: number | undefined) =>
        [...planJobs([file], { repeat, refFor: (p) => p.ref })].map((j) => `${j.test.index}.${j.repeat}`);
      assert.deepEqual(repeats(undefined), ['0.0', '0.1', '0.2', '1.0', '1.1']);
      assert.deepEqual(repeats(1), ['0.0', '1.0', '1.1']);
      const bad = parseEvalText('prompts: [hi]\nevaluateOptions: { repeat: 0 }\n', '/w/a.eval.yaml');
      assert.match(errors(bad)[0].message, /evaluateOptions\.repeat.*--repeat N/);
      assert.equal(errors(bad)[0].range.start.line, 1);
      const huge = parseEvalText(
        'prompts: [hi]\ntests:\n  - vars: { a: 1 }\n    options: { repeat: 100000000 }\n  - vars: { a: 2 }\n',
        '/w/a.eval.yaml',
      );
      assert.match(errors(huge)[0].message, /`repeat` is at most 10,000/);
      assert.deepEqual(
        huge.tests.map((t) => t.vars.a),
        [2],
        'the bad test is skipped alone',
      );
    });

    it('a prompt glob that matches no file is the prompt itself, as in promptfoo', () => {
      write('prompts/a.txt', 'A');
      const file = parse('prompts: ["prompts/*.txt", "Reply yes/no [*]"]\n');
      assert.deepEqual(errors(file), []);
      assert.deepEqual(
        file.prompts.map((p) => p.raw),
        ['A', 'Reply yes/no [*]'],
      );
    });

    it('nunjucksFilters paths are joined to the eval folder as written; a missing one is a warning at its name', () => {
      write('filters/up.js', 'module.exports = (s) => String(s).toUpperCase();');
      const file = parse(
        'prompts: ["{{ q | up }}"]\nnunjucksFilters: { up: filters/up.js, down: file://filters/up.js }\ntests: [{ vars: { q: hi } }]\n',
      );
      assert.deepEqual(errors(file), []);
      assert.deepEqual(Object.keys(file.nunjucksFilters ?? {}), ['up']);
      const warning = file.diagnostics.find((d) => d.severity === 'warning' && /nunjucksFilters\.down/.test(d.message));
      assert.ok(warning, JSON.stringify(file.diagnostics));
      assert.match(warning.message, /without removing file:\/\/.*filter not found/);
      assert.equal(warning.range.start.line, 1);
    });

    it("{{ env.X }} sees the process environment and the file's env:, none of the process's when promptfoo's switches say so", () => {
      const proc = { HOME: '/home/u', USER_NAME: 'ann' };
      assert.deepEqual(templateEnv({ USER_NAME: 'bob' }, proc), { HOME: '/home/u', USER_NAME: 'bob' });
      assert.deepEqual(templateEnv({ A: '1' }, { ...proc, PROMPTFOO_DISABLE_TEMPLATE_ENV_VARS: 'true' }), { A: '1' });
      assert.deepEqual(templateEnv(undefined, { ...proc, PROMPTFOO_SELF_HOSTED: 'yes' }), {});
      // An explicit "false" wins over self-hosting, as getEnvBool's default does.
      assert.equal(
        templateEnv(undefined, { ...proc, PROMPTFOO_SELF_HOSTED: '1', PROMPTFOO_DISABLE_TEMPLATE_ENV_VARS: 'false' }).USER_NAME,
        'ann',
      );
      assert.equal(renderString('{{ env.USER_NAME }}', {}, { env: templateEnv({ USER_NAME: 'bob' }, proc) }), 'bob');
    });

    it('PROMPTFOO_DISABLE_TEMPLATING (promptfoo sends templates unrendered) is refused at the top, never ignored', () => {
      process.env.PROMPTFOO_DISABLE_TEMPLATING = 'true';
      try {
        const file = parseEvalText('prompts: ["{{q}}"]\ntests: [{ vars: { q: hi } }]\n', '/w/a.eval.yaml');
        assert.match(errors(file)[0].message, /PROMPTFOO_DISABLE_TEMPLATING is set.*--engine promptfoo/);
        assert.equal(errors(file)[0].range.start.line, 0);
      } finally {
        delete process.env.PROMPTFOO_DISABLE_TEMPLATING;
      }
      assert.deepEqual(errors(parseEvalText('prompts: ["{{q}}"]\ntests: [{ vars: { q: hi } }]\n', '/w/a.eval.yaml')), []);
    });
  });
});
