import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadBundle } from '../runtime/bundleLoader';
import type * as AnthropicModule from '@anthropic-ai/sdk';
import type * as OpenAIModule from 'openai';

export type OpenAISdk = typeof OpenAIModule;
export type AnthropicSdk = typeof AnthropicModule;

const loaded = new Map<string, unknown>();

/**
 * The official SDKs load on the first call that needs one, never on activation: together they are most of the code
 * the extension ships (@anthropic-ai/sdk alone is 40% of what the bundle was). The build puts each in its own file
 * (`dist/sdk/<name>.js`, next to dist/extension.js and dist/cli.js); from sources (tests, tsx) they come from
 * node_modules. Loaded once per process, so the SDK's error classes are one set for every adapter.
 */
function loadSdk<T>(file: string, packageName: string): T {
  let sdk = loaded.get(file);
  if (!sdk) {
    const bundled = [join(__dirname, 'sdk', `${file}.js`), join(__dirname, '..', 'sdk', `${file}.js`)].find((path) => existsSync(path));
    // A name chosen at run time, so esbuild leaves the SDK out of the bundle that requires it.
    // Through the host's loader (core/runtime/bundleLoader.ts): the CLI and the extension load the SDK files through
    // V8's code cache, as they load themselves: `require` compiles the 150-370 KB file, and every SDK function a call
    // runs, again in every process.
    sdk = bundled ? loadBundle<T>(bundled, `sdk-${file}`) : (createRequire(__filename)(packageName) as T);
    loaded.set(file, sdk);
  }
  return sdk as T;
}

export function loadOpenAI(): OpenAISdk {
  return loadSdk<OpenAISdk>('openai', 'openai');
}

export function loadAnthropic(): AnthropicSdk {
  return loadSdk<AnthropicSdk>('anthropic', '@anthropic-ai/sdk');
}
