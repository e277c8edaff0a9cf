/**
 * Issue 14's remaining inputs over the real gateway, the official SDKs and the loopback emulator: provider files,
 * Azure deployments, Ollama's generate API, prompt functions and test generators, and no window lookup promptfoo
 * would not make.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, type WorkbenchConfig } from '../../src/core/config/workbenchConfig';
import { MemoryLedger } from '../../src/core/cost/ledger';
import { withEvalProviders } from '../../src/core/evals/evalProviders';
import type { EvalCaseResult } from '../../src/core/evals/evalResult';
import { parseEvalFile } from '../../src/core/evals/parseEvalFile';
import { runEval, type EvalRunOptions } from '../../src/core/evals/runEval';
import { createGateway } from '../../src/core/gateway/createGateway';
import { useEmulator, useTempHome } from './suiteHooks';

describe('eval inputs promptfoo runs: provider files, Azure, Ollama generate, code (gateway + emulator())', () => {
  const emulator = useEmulator();
  const dir = useTempHome('eval-compat-inputs-');

  function config(): WorkbenchConfig {
    return {
      ...defaultConfig(),
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: emulator().openaiBaseUrl },
        { id: 'ollama', kind: 'ollama', baseUrl: emulator().ollamaBaseUrl },
      ],
    };
  }

  function write(name: string, text: string): string {
    const path = join(dir(), name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  async function run(yaml: string, options: Partial<EvalRunOptions> = {}, allowCode = true) {
    const file = parseEvalFile(write('promptfooconfig.yaml', yaml), { knownProviderIds: ['openai', 'ollama'], allowCode });
    assert.deepEqual(
      file.diagnostics.filter((d) => d.severity === 'error'),
      [],
      JSON.stringify(file.diagnostics),
    );
    const setup = withEvalProviders(config(), [file]);
    const gateway = createGateway({ config: setup.config, keys: setup.keys(async () => 'sk-test'), ledger: new MemoryLedger() });
    const results: EvalCaseResult[] = [];
    const summary = await runEval([file], {
      gateway,
      allowCode,
      refFor: setup.refFor,
      onEvent: (e) => e.type === 'result' && results.push(e.result),
      ...options,
    });
    return { file, results, summary };
  }

  const paths = () => emulator().requests.map((r) => `${r.method} ${r.path}`);

  describe('Ollama window lookups', () => {
    it('a short eval prompt is sent without asking /api/show (promptfoo makes no such call)', async () => {
      const { results } = await run(
        'prompts: ["Tell me about {{t}}"]\nproviders: [ollama:chat:llama3.1:8b]\ntests: [{ vars: { t: tides } }]\n',
      );
      assert.equal(results[0].verdict, 'pass', results[0].reason);
      assert.deepEqual(paths(), ['POST /api/chat']);
    });

    it('a prompt long enough to overflow a small window is still checked against the server window first', async () => {
      const long = 'word '.repeat(3000);
      const { results } = await run(`prompts: ["{{t}}"]\nproviders: [ollama:chat:llama3.1:8b]\ntests: [{ vars: { t: "${long}" } }]\n`);
      assert.ok(paths().includes('POST /api/show'), paths().join(', '));
      assert.equal(results.length, 1);
    });
  });

  describe("Ollama generate (promptfoo's ollama:<model> / ollama:completion:<model>)", () => {
    it('sends the rendered prompt to /api/generate with the config as options, and reads the answer', async () => {
      const { results } = await run(
        'prompts: ["Tell me about {{t}}"]\nproviders:\n  - ollama:llama3.1:8b\n  - id: ollama:completion:qwen2.5-coder:7b\n    config: { temperature: 0.2, num_predict: 64 }\ntests: [{ vars: { t: tides }, assert: [{ type: contains, value: tides }] }]\n',
      );
      assert.deepEqual(
        results.map((r) => r.verdict),
        ['pass', 'pass'],
        results.map((r) => r.reason).join('; '),
      );
      assert.deepEqual(paths(), ['POST /api/generate', 'POST /api/generate']);
      const bodies = emulator().requests.map((r) => r.body as { model: string; prompt: string; options?: Record<string, unknown> });
      const qwen = bodies.find((b) => b.model === 'qwen2.5-coder:7b');
      assert.equal(qwen?.prompt, 'Tell me about tides');
      assert.deepEqual(qwen?.options, { temperature: 0.2, num_predict: 64 });
      assert.ok(results.every((r) => r.output.includes('Tell me about tides')));
    });
  });

  describe('prompt functions', () => {
    const sent = () => emulator().requests.map((r) => JSON.stringify((r.body as { messages?: unknown }).messages));

    it('a .js function returning chat messages, named exports, a {prompt, config} return; each result rendered as a template', async () => {
      write(
        'prompt.js',
        "module.exports = async ({ vars, provider }) => [{ role: 'system', content: 'geology for ' + provider.id }, { role: 'user', content: `About ${vars.topic}` }];\n",
      );
      write(
        'named.js',
        "module.exports.short = ({ vars }) => 'One line on {{ topic | upper }}.';\nmodule.exports.tuned = ({ config }) => ({ prompt: 'Tuned ' + config.tag, config: { temperature: 0.3 } });\n",
      );
      const { results } = await run(
        'prompts:\n  - file://prompt.js\n  - file://named.js:short\n  - id: file://named.js:tuned\n    config: { tag: x }\nproviders: [openai:gpt-4o-mini]\ntests: [{ vars: { topic: tides } }]\n',
      );
      assert.deepEqual(
        results.map((r) => r.verdict),
        ['pass', 'pass', 'pass'],
        results.map((r) => r.reason).join('; '),
      );
      assert.deepEqual(sent().sort(), [
        '[{"role":"system","content":"geology for openai:gpt-4o-mini"},{"role":"user","content":"About tides"}]',
        '[{"role":"user","content":"One line on TIDES."}]',
        '[{"role":"user","content":"Tuned x"}]',
      ]);
      const tuned = emulator().requests.find((r) => JSON.stringify(r.body).includes('Tuned'))!.body as { temperature?: number };
      assert.equal(tuned.temperature, 0.3);
    });

    it('a .py function (python3 subprocess) with the same context', async () => {
      write(
        'prompt.py',
        "def make(context):\n    return f\"Strengths of {context['vars']['language']} for {context['provider']['id']}\"\n",
      );
      const { results } = await run(
        'prompts: [file://prompt.py:make]\nproviders: [openai:gpt-4o-mini]\ntests: [{ vars: { language: Rust } }]\n',
      );
      assert.equal(results[0].verdict, 'pass', results[0].reason);
      assert.deepEqual(sent(), ['[{"role":"user","content":"Strengths of Rust for openai:gpt-4o-mini"}]']);
    });

    it('where code may not run, the case is an error that says so and nothing is sent', async () => {
      write('prompt.js', "module.exports = () => 'hi';\n");
      const { results } = await run('prompts: [file://prompt.js]\nproviders: [openai:gpt-4o-mini]\ntests: [{ vars: {} }]\n', {}, false);
      assert.equal(results[0].verdict, 'error');
      assert.match(results[0].reason, /prompt function \(code\): it runs only where code may run/);
      assert.equal(emulator().requests.length, 0);
    });
  });

  describe('provider files', () => {
    it('file://providers.yaml holds entries run as if written inline (one or a list)', async () => {
      write('providers.yaml', 'id: openai:gpt-4o-mini\nlabel: from-file\nconfig:\n  temperature: 0.5\n');
      write('more.json', '[{"id": "openai:gpt-4o", "config": {"max_tokens": 40}}, {"id": "ollama:chat:llama3.1:8b"}]');
      const { results } = await run(
        'prompts: ["Tell me about {{t}}"]\nproviders: [file://providers.yaml, file://more.json]\ntests: [{ vars: { t: tides } }]\n',
      );
      assert.deepEqual(results.map((r) => r.providerLabel).sort(), ['from-file', 'ollama:chat:llama3.1:8b', 'openai:gpt-4o']);
      const bodies = emulator().requests.map((r) => r.body as Record<string, unknown>);
      assert.ok(bodies.some((b) => b.model === 'gpt-4o-mini' && b.temperature === 0.5));
      assert.ok(bodies.some((b) => b.model === 'gpt-4o' && b.max_tokens === 40));
    });
  });
});
