/** Issue 14's remaining inputs read as promptfoo 0.123.1 reads them: provider files, Ollama generate ids, Azure. */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvalFile } from '../../../src/core/evals/parseEvalFile';
import { buildRequest } from '../../../src/core/evals/promptfooRequest';
import { resolveProviderId } from '../../../src/core/evals/promptfooProviderIds';

describe('eval inputs promptfoo runs (provider files, Ollama generate, code)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pf-compat-inputs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const parse = (yaml: string, allowCode = true) => parseEvalFile(write('promptfooconfig.yaml', yaml), { allowCode });
  const errors = (file: ReturnType<typeof parse>) => file.diagnostics.filter((d) => d.severity === 'error');

  describe('provider files (file://providers.yaml)', () => {
    it('reads one entry or a list, with labels and config, as if written inline', () => {
      write('one.yaml', 'id: openai:gpt-4o-mini\nlabel: from-file\nconfig:\n  temperature: 0.5\n');
      write('many.json', '[{"id": "anthropic:messages:claude-3-5-haiku-20241022"}, {"id": "ollama:chat:llama3.1:8b"}]');
      const file = parse('prompts: ["hi {{x}}"]\nproviders: [file://one.yaml, file://many.json]\ntests: [{ vars: { x: 1 } }]\n');
      assert.deepEqual(errors(file), []);
      assert.deepEqual(
        file.providers.map((p) => [p.label, p.ref, p.protocol]),
        [
          ['from-file', 'openai:gpt-4o-mini', 'openai-chat'],
          ['anthropic:messages:claude-3-5-haiku-20241022', 'anthropic:claude-3-5-haiku-20241022', 'anthropic-messages'],
          ['ollama:chat:llama3.1:8b', 'ollama:llama3.1:8b', 'ollama-chat'],
        ],
      );
      assert.equal(file.providers[0].config?.temperature, 0.5);
      assert.equal(file.providers[0].location.file, join(dir, 'one.yaml'));
    });

    it('problems inside the file are reported at their line in that file; a missing file at the reference', () => {
      write('bad.yaml', '- id: openai:gpt-4o-mini\n- label: no id here\n');
      write('keys.yaml', 'id: openai:gpt-4o-mini\nconfig:\n  functions: []\n');
      const file = parse('prompts: ["hi"]\nproviders:\n  - file://bad.yaml\n  - file://keys.yaml\n  - file://missing.yaml\n');
      const [noId, tools, missing] = errors(file);
      assert.equal(noId.file, join(dir, 'bad.yaml'));
      assert.equal(noId.range.start.line, 1);
      assert.match(noId.message, /needs an `id`/);
      assert.equal(tools.file, join(dir, 'keys.yaml'));
      assert.equal(tools.range.start.line, 2);
      assert.match(tools.message, /functions/);
      assert.equal(missing.range.start.line, 4);
      assert.match(missing.message, /does not exist/);
    });

    it('JavaScript and Python provider files stay custom code (refused at the entry)', () => {
      write('provider.js', 'module.exports = class {};\n');
      const file = parse('prompts: ["hi"]\nproviders: [file://provider.js]\n');
      const refusal = errors(file).find((d) => /runs custom code/.test(d.message));
      assert.equal(refusal?.range.start.line, 1);
    });
  });

  describe('prompt functions', () => {
    it('keeps .js/.cjs/.py functions for the run (label as promptfoo names it), refuses the forms it does not run, at the line', () => {
      write('p.js', 'module.exports = () => "x";\n');
      write('p.py', 'def f(c):\n    return "x"\n');
      write('p.mjs', 'export default () => "x";\n');
      const ok = parse('prompts: [file://p.js, file://p.py:f]\n');
      assert.deepEqual(errors(ok), []);
      assert.deepEqual(
        ok.prompts.map((p) => [p.label, p.fn?.language, p.fn?.name]),
        [
          [join(dir, 'p.js'), 'javascript', undefined],
          [`${join(dir, 'p.py')}:f`, 'python', 'f'],
        ],
      );
      const bad = parse('prompts:\n  - file://p.py\n  - file://p.mjs\n  - file://gone.js\n');
      const [legacy, esm, missing] = errors(bad);
      assert.deepEqual([legacy.range.start.line, esm.range.start.line, missing.range.start.line], [1, 2, 3]);
      assert.match(legacy.message, /without a function name/);
      assert.match(esm.message, /ES module/);
      assert.match(missing.message, /does not exist/);
    });
  });

  describe('test generators (tests: file://tests.js / .ts)', () => {
    it('a list export, an async named function given tests.config, a TypeScript default export', () => {
      write('list.js', "module.exports = [{ vars: { t: 'a' } }, { vars: { t: 'b' }, assert: [{ type: 'contains', value: 'b' }] }];\n");
      write('gen.js', 'exports.make = async (config) => [{ vars: { t: config.prefix + "-1" } }];\n');
      write(
        'tests.ts',
        "interface T { vars: Record<string, string> }\nconst tests: T[] = [{ vars: { t: 'ts' } }];\nexport default tests;\n",
      );
      const file = parse(
        'prompts: ["{{t}}"]\ntests:\n  - file://list.js\n  - path: file://gen.js:make\n    config: { prefix: p }\n  - file://tests.ts\n',
      );
      assert.deepEqual(errors(file), []);
      assert.deepEqual(
        file.tests.map((t) => t.vars.t),
        ['a', 'b', 'p-1', 'ts'],
      );
      assert.equal(file.tests[1].assert[0].type, 'contains');
      assert.equal(file.tests[0].location.range.start.line, 2);
    });

    it('refused at the reference: where code may not run, Python generators, a failure, a non-list', () => {
      write('list.js', 'module.exports = [];\n');
      write('throws.js', 'module.exports = () => { throw new Error("no data today"); };\n');
      write('object.js', 'module.exports = { vars: {} };\n');
      write('gen.py', 'def generate_tests():\n    return []\n');
      const noCode = parse('prompts: ["x"]\ntests: file://list.js\n', false);
      assert.match(errors(noCode)[0].message, /runs only where code may run/);
      assert.equal(errors(noCode)[0].range.start.line, 1);
      const bad = parse('prompts: ["x"]\ntests:\n  - file://gen.py\n  - file://throws.js\n  - file://object.js\n');
      const lines = errors(bad).map((d) => [d.range.start.line, d.message]);
      assert.ok(lines.some(([l, m]) => l === 2 && /Python test generator/.test(String(m))));
      assert.ok(lines.some(([l, m]) => l === 3 && /no data today/.test(String(m))));
      assert.ok(lines.some(([l, m]) => l === 4 && /must give a list of tests/.test(String(m))));
    });
  });

  describe('Azure OpenAI', () => {
    it('azure:chat:<deployment> and azureopenai:chat:<deployment> are Azure chat deployments (promptfoo: the third segment)', () => {
      for (const id of ['azure:chat:my-gpt4o-deployment', 'azureopenai:chat:my-gpt4o-deployment'])
        assert.deepEqual(resolveProviderId(id), { protocol: 'openai-chat', provider: 'azure', model: 'my-gpt4o-deployment', azure: true });
      const file = parse(
        "prompts: [\"hi\"]\nproviders:\n  - id: azureopenai:chat:prod\n    config: { apiHost: 'https://x.openai.azure.com/', apiVersion: '2024-10-21' }\n",
      );
      assert.deepEqual(errors(file), []);
      const [spec] = file.providers;
      assert.equal(spec.ref, 'azure:prod');
      assert.equal(spec.apiBaseUrl, 'https://x.openai.azure.com'); // promptfoo: https://<host>, no /v1
      assert.equal(spec.azureApiVersion, '2024-10-21');
    });

    it('other Azure types, deployments promptfoo rewrites and an unquoted apiVersion date are refused at their line', () => {
      for (const [id, what] of [
        ['azure:assistant:asst_1', /Azure Assistants API/],
        ['azure:completion:davinci', /legacy completions/],
        ['azure:embedding:ada', /embedding deployment/],
        ['azure:chat:grok-4-prod', /Grok and Claude/],
        ['azure:chat', /names no deployment/],
      ] as const) {
        const refusal = errors(parse(`prompts: ["hi"]\nproviders:\n  - id: ${id}\n`)).find((d) => what.test(d.message));
        assert.equal(refusal?.range.start.line, 2, id);
      }
      const dated = errors(parse('prompts: ["hi"]\nproviders:\n  - id: azure:chat:d\n    config:\n      apiVersion: 2024-10-21\n'));
      assert.equal(dated[0]?.range.start.line, 4);
      assert.match(dated[0].message, /YAML date to promptfoo.*quote it/);
      const key = errors(parse('prompts: ["hi"]\nproviders:\n  - id: azure:chat:d\n    config:\n      dataSources: []\n'));
      assert.match(key[0].message, /provider config `dataSources`/);
    });
  });

  describe('Ollama ids', () => {
    it('ollama:<model> and ollama:completion:<model> are the generate API; ollama:chat:<model> the chat API', () => {
      assert.deepEqual(resolveProviderId('ollama:llama3.1:8b'), { protocol: 'ollama-generate', provider: 'ollama', model: 'llama3.1:8b' });
      assert.deepEqual(resolveProviderId('ollama:completion:llama3.1:8b'), {
        protocol: 'ollama-generate',
        provider: 'ollama',
        model: 'llama3.1:8b',
      });
      assert.deepEqual(resolveProviderId('ollama:chat:llama3.1:8b'), { protocol: 'ollama-chat', provider: 'ollama', model: 'llama3.1:8b' });
      assert.ok('refused' in resolveProviderId('ollama:completion:'));
    });

    it('a generate request carries the rendered prompt as text, the config as options; other fields are refused', () => {
      const built = buildRequest('ollama-generate', 'llama3.1:8b', '[{"role":"user","content":"hi"}]', { temperature: 0.1 });
      assert.deepEqual(built.body, { prompt: '[{"role":"user","content":"hi"}]', options: { temperature: 0.1 } });
      const file = parse('prompts: ["hi"]\nproviders:\n  - id: ollama:llama3.1:8b\n    config: { system: be brief }\n');
      assert.match(errors(file)[0].message, /`system`/);
    });
  });
});
