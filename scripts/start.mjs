#!/usr/bin/env node
// `npm start`: build the extension and open examples/ in VS Code with it loaded.
//  - desktop VS Code (`code` on PATH): `code --extensionDevelopmentPath=<repo> examples` (F5-style development host);
//  - otherwise code-server 4.139 (VS Code 1.139 in the browser), installed by test/integration/setup.sh into
//    ~/.cache/llm-workbench-it on first use, with the packaged extension, on http://127.0.0.1:PORT (printed).
//    Ctrl+C stops it. Options: --port=N (default: the first free port from 8080), --code-server (skip desktop VS Code).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(repo, 'examples');
const args = process.argv.slice(2);
const log = (message) => console.log(`[start] ${message}`);

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: repo, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[start] ${command} ${commandArgs.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort() {
  const requested = args.find((a) => a.startsWith('--port='));
  if (requested) return Number(requested.split('=')[1]);
  for (let port = 8080; port < 8180; port++) if (await portIsFree(port)) return port;
  throw new Error('no free port between 8080 and 8179: pass --port=N');
}

/** A profile of its own, kept between runs (your settings and API keys set in it stay), never your real one. */
function startProfile(cache) {
  const profile = join(cache, 'start-profile');
  const userDataDir = join(profile, 'user-data');
  const extensionsDir = join(profile, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    writeFileSync(
      settingsFile,
      JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true }, null, 2),
    );
  }
  return { userDataDir, extensionsDir };
}

async function startCodeServer() {
  log('no desktop `code` on PATH: using code-server (VS Code 1.139 in the browser)');
  const setup = execFileSync('bash', [join(repo, 'test', 'integration', 'setup.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = JSON.parse(readFileSync(setup.trim().split('\n').pop(), 'utf8'));
  log('packaging the extension (npm run package)');
  run('npm', ['run', 'package', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });

  const { userDataDir, extensionsDir } = startProfile(env.cache);
  const nodeDir = dirname(env.node24);
  const childEnv = { ...process.env, PATH: `${nodeDir}:${process.env.PATH}` };
  execFileSync(
    env.node24,
    [
      env.codeServerEntry,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--install-extension',
      join(repo, 'dist', 'llm-workbench.vsix'),
      '--force',
    ],
    { env: childEnv, stdio: 'ignore' },
  );

  const port = await choosePort();
  const child = spawn(
    env.node24,
    [
      env.codeServerEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      examples,
    ],
    { env: childEnv, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, () => {
      stop();
      process.exit(0);
    });
  process.on('exit', stop);
  child.on('exit', (code) => {
    log(`code-server exited (${code})`);
    process.exit(code ?? 0);
  });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(
    `LLM Workbench is running in VS Code at:\n\n    ${url}\n\nOpen it in a browser (on another machine: ssh -L ${port}:127.0.0.1:${port} ...). Ctrl+C stops it.`,
  );
}

log('building (npm run build)');
run('npm', ['run', 'build', '--silent']);
if (onPath('code') && !args.includes('--code-server')) {
  log(`opening examples/ in VS Code with the extension from ${repo}`);
  run('code', [`--extensionDevelopmentPath=${repo}`, examples]);
} else {
  await startCodeServer();
}
