/** The parity corpus: one directory per config (`corpus/<group>/<name>/promptfooconfig.yaml` and its files). */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { EmulatorReply, Match } from '../emulator/emulatorTypes';
import type { Refusal } from './compareRuns';

/** `compat.json` beside a config: emulator replies it needs, its environment, and a documented refusal. */
export interface CompatSidecar {
  replies?: Array<{ match: Match; reply: EmulatorReply }>;
  env?: Record<string, string>;
  /** Only where we refuse on purpose: the substring the refusal must contain, and why. Never an expected "differ". */
  refusal?: Refusal;
  /**
   * The user's explicit opt-in our CLI needs to run the config as promptfoo runs it (`--allow-file-endpoints`): with
   * these arguments the run must agree. It needs `withoutArgs`: without them our run must be that documented refusal.
   */
  oursArgs?: string[];
  withoutArgs?: { refusal: Refusal };
}

export interface CorpusConfig {
  /** `group/name` */
  name: string;
  group: string;
  dir: string;
  sidecar: CompatSidecar;
  /** Provider labels in the file's order (label, else id), to line up our results with promptfoo's columns. */
  providerOrder: string[];
  /** Every text of the config's directory, to tell a parameter the config sets from a tool's default. */
  text: string;
}

/** Configs point at `http://emulator.test` (a reserved name that never resolves); each tool's copy points at the emulator. */
export const EMULATOR_PLACEHOLDER = 'http://emulator.test';

export function readCorpus(root: string, only: string[]): CorpusConfig[] {
  const out: CorpusConfig[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, 'promptfooconfig.yaml'))) {
      const name = relative(root, dir);
      if (only.length === 0 || only.some((o) => name.includes(o))) out.push(load(root, dir));
      return;
    }
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  return out;
}

function load(root: string, dir: string): CorpusConfig {
  const name = relative(root, dir);
  const sidecarPath = join(dir, 'compat.json');
  const sidecar = existsSync(sidecarPath) ? (JSON.parse(readFileSync(sidecarPath, 'utf8')) as CompatSidecar) : {};
  const configText = readFileSync(join(dir, 'promptfooconfig.yaml'), 'utf8');
  let providerOrder: string[] = [];
  try {
    providerOrder = providerLabels(parse(configText));
  } catch {
    // a config that is deliberately malformed YAML: both tools must reject it
  }
  const text = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f !== 'compat.json' && statSync(join(dir, f)).isFile())
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  return { name, group: name.split(/[\\/]/)[0], dir, sidecar, providerOrder, text };
}

function providerLabels(config: unknown): string[] {
  if (!config || typeof config !== 'object') return [];
  const c = config as Record<string, unknown>;
  const list = c.providers ?? c.targets;
  const entries = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return entries.map((e) => {
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      if (typeof o.label === 'string') return o.label;
      if (typeof o.id === 'string') return o.id;
      const [key, value] = Object.entries(o)[0] ?? [];
      if (typeof key === 'string')
        return value && typeof value === 'object' && typeof (value as { label?: unknown }).label === 'string'
          ? String((value as { label: string }).label)
          : key;
    }
    return '';
  });
}

/** A copy of the config's directory for one tool, with the placeholder pointing at that tool's emulator path. */
export function prepareCopy(config: CorpusConfig, dest: string, baseUrl: string): void {
  cpSync(config.dir, dest, { recursive: true, filter: (src) => !src.endsWith('compat.json') });
  for (const f of readdirSync(dest, { recursive: true }).map(String)) {
    const path = join(dest, f);
    if (!statSync(path).isFile() || !/\.(ya?ml|json|jsonl|csv|txt|md|js|cjs|mjs|py|j2|njk)$/i.test(f)) continue;
    const text = readFileSync(path, 'utf8');
    if (text.includes(EMULATOR_PLACEHOLDER)) writeFileSync(path, text.split(EMULATOR_PLACEHOLDER).join(baseUrl));
  }
}

const PARAM_ALIASES: Record<string, string[]> = {
  max_tokens: ['max_tokens', 'maxtokens', 'max_completion_tokens', 'max_output_tokens', 'num_predict'],
  max_completion_tokens: ['max_completion_tokens', 'max_tokens'],
  max_output_tokens: ['max_output_tokens', 'max_tokens'],
  text: ['response_format', 'text:'],
  format: ['response_format', 'format:'],
  options: ['num_predict', 'temperature', 'top_k', 'top_p', 'num_ctx', 'seed'],
  stop_sequences: ['stop'],
};

/** Whether the config itself sets this request parameter (so a difference in it is ours, not a tool default). */
export function setsParam(config: CorpusConfig, name: string): boolean {
  const text = config.text.toLowerCase();
  return (PARAM_ALIASES[name] ?? [name, name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()).toLowerCase()]).some((a) =>
    text.includes(a),
  );
}
