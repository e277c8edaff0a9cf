import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The folder graph: which folder may import which (docs/ARCHITECTURE.md draws it). A folder always imports itself;
 * anything not listed is a wrong-way arrow. Inside src/core a lower layer never imports a higher one.
 */
const BELOW_GATEWAY = ['models', 'tokens', 'providers', 'cost', 'config', 'secrets'];
const CORE_GRAPH: Record<string, readonly string[]> = {
  models: [], // catalog, ModelRef/parseModelRef, ModelInfo, prices, limits
  tokens: ['models', 'runtime'], // encodings, counting, budgets
  providers: ['models', 'tokens', 'runtime'], // adapters, wire protocols, Usage, ChatEvent, ProviderError, Ollama windows
  cost: ['models', 'tokens', 'providers'], // pricing, CallRecord, ledger, spend
  config: ['models', 'providers', 'cost', 'runtime'], // settings shapes (WorkbenchConfig, route/rule/resilience settings), reading
  secrets: ['providers', 'config'],
  gateway: BELOW_GATEWAY, // router, retries, fallback, breakers, context check
  telemetry: [...BELOW_GATEWAY, 'gateway', 'runtime'], // OpenTelemetry export/receive
  logging: [...BELOW_GATEWAY, 'gateway'], // the editor's log line per call record
  chat: [...BELOW_GATEWAY, 'gateway'], // the chat session (features' plain-TS logic)
  evals: [...BELOW_GATEWAY, 'gateway'], // the eval engine and what the editor derives from it
  agentTools: [...BELOW_GATEWAY, 'gateway', 'evals'], // tools for agents and MCP clients: counting, cost, evals
  webview: [], // the page and CSP every webview shares
  runtime: [], // Node itself: loading a bundle through V8's code cache (boot, CLI launcher, the lazy bundles' loader)
};

/** Outside src/core, by layer: `core` means any core folder. */
const OUTER_GRAPH: Record<string, readonly string[]> = {
  shared: ['core'], // webview protocol types (and the pure helpers the pages share with the host)
  cli: ['core', 'data'],
  workers: ['core'],
  features: ['core', 'shared', 'workers', 'data'],
  entry: ['features', 'core', 'shared', 'workers'], // src/extension.ts (services + features) and src/boot.ts
  media: ['shared'], // webview pages: browser code
};

/** Packages only one place may import (`vscode` is checked for every file below). */
const SDK_OWNERS: Record<string, string> = { openai: 'core/providers', '@anthropic-ai/sdk': 'core/providers' };

const REPO = join(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The layer a repository path belongs to: `core/<folder>`, an outer layer, `data` (JSON beside src), or undefined. */
export function layerOf(repoPath: string): string | undefined {
  const parts = repoPath.split(/[\\/]/);
  if (parts[0] === 'media') return 'media';
  if (parts[0] === 'package.json' || parts[0] === 'schemas') return 'data';
  if (parts[0] !== 'src') return undefined;
  if (parts.length === 2) return 'entry';
  if (parts[1] === 'core') return parts.length > 3 ? `core/${parts[2]}` : 'core';
  return parts[1];
}

/** Whether `from` may import `to`; undefined when it may, else why not. */
export function arrowProblem(from: string, to: string): string | undefined {
  if (from === to) return undefined;
  const fromCore = from.startsWith('core/') ? from.slice(5) : undefined;
  const toCore = to.startsWith('core/') ? to.slice(5) : undefined;
  if (fromCore !== undefined) {
    const allowed = CORE_GRAPH[fromCore];
    if (!allowed) return `core/${fromCore} is not in the folder graph (add it to CORE_GRAPH and docs/ARCHITECTURE.md)`;
    if (to === 'data') return undefined; // JSON beside src: schemas, package.json
    if (toCore !== undefined && allowed.includes(toCore)) return undefined;
    return `core/${fromCore} may import ${allowed.length ? allowed.join(', ') : 'nothing else in core'}`;
  }
  const allowed = OUTER_GRAPH[from];
  if (!allowed) return `${from} is not in the folder graph`;
  if (allowed.includes(to) || (toCore !== undefined && allowed.includes('core'))) return undefined;
  return `${from} may import ${allowed.join(', ')}`;
}

interface Arrow {
  file: string;
  spec: string;
  from: string;
  to: string;
}

/** Every import, require and dynamic import of every .ts file under src/ and media/. */
function arrows(): { relativeArrows: Arrow[]; packages: { file: string; spec: string }[] } {
  const relativeArrows: Arrow[] = [];
  const packages: { file: string; spec: string }[] = [];
  for (const absolute of [...filesUnder(join(REPO, 'src')), ...filesUnder(join(REPO, 'media'))]) {
    const file = relative(REPO, absolute).split(sep).join('/');
    const from = layerOf(file)!;
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(absolute, 'utf8'), true, true).importedFiles) {
      if (!spec.startsWith('.')) {
        packages.push({ file, spec });
        continue;
      }
      const target = relative(REPO, resolve(dirname(absolute), spec))
        .split(sep)
        .join('/');
      relativeArrows.push({ file, spec, from, to: layerOf(target) ?? `outside src (${target})` });
    }
  }
  return { relativeArrows, packages };
}

describe('layering', () => {
  const { relativeArrows, packages } = arrows();

  it('every import follows the folder graph', () => {
    const offenders = relativeArrows.flatMap(({ file, spec, from, to }) => {
      const problem = arrowProblem(from, to);
      return problem ? [`${file}: ${from} -> ${to} (import '${spec}'): ${problem}`] : [];
    });
    assert.deepEqual(offenders, []);
  });

  it('every folder of src/core has its row in the graph', () => {
    const folders = readdirSync(join(REPO, 'src', 'core')).filter((name) => statSync(join(REPO, 'src', 'core', name)).isDirectory());
    assert.deepEqual(
      folders.filter((folder) => !(folder in CORE_GRAPH)),
      [],
    );
    assert.deepEqual(
      readdirSync(join(REPO, 'src', 'core')).filter((name) => name.endsWith('.ts')),
      [],
      'src/core holds folders only',
    );
  });

  it('the check finds wrong-way arrows and lets the right ones through', () => {
    assert.match(arrowProblem('core/models', 'core/gateway') ?? '', /core\/models may import nothing else in core/);
    assert.match(arrowProblem('core/providers', 'core/cost') ?? '', /may import models, tokens/);
    assert.match(arrowProblem('core/chat', 'shared') ?? '', /core\/chat may import/);
    assert.match(arrowProblem('media', 'core/cost') ?? '', /media may import shared/);
    assert.match(arrowProblem('core/tokens', 'features') ?? '', /core\/tokens may import models/);
    assert.equal(arrowProblem('core/gateway', 'core/providers'), undefined);
    assert.equal(arrowProblem('shared', 'core/chat'), undefined);
    assert.equal(arrowProblem('features', 'workers'), undefined);
    assert.equal(layerOf('src/core/gateway/gateway.ts'), 'core/gateway');
    assert.equal(layerOf('src/extension.ts'), 'entry');
    assert.equal(layerOf('media/chat/main.ts'), 'media');
  });

  it('only src/features and the entry files import vscode', () => {
    const offenders = packages.filter(({ file, spec }) => spec === 'vscode' && !['features', 'entry'].includes(layerOf(file)!));
    assert.deepEqual(offenders, []);
  });

  it('the provider SDKs are imported by the adapters only', () => {
    const offenders = packages.filter(({ file, spec }) => {
      const owner = Object.entries(SDK_OWNERS).find(([name]) => spec === name || spec.startsWith(`${name}/`))?.[1];
      return owner !== undefined && layerOf(file) !== owner;
    });
    assert.deepEqual(offenders, []);
  });

  it('the import scanner sees every import form', () => {
    const text = [
      `import * as v from 'vscode';`,
      `const a = require("./a");`,
      `await import('./b')`,
      `export { c } from './c';`,
      `import type { D } from './d';`,
    ].join('\n');
    assert.deepEqual(
      ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName),
      ['vscode', './a', './b', './c', './d'],
    );
  });
});
