/** The mocha hooks emulator suites share, so each suite states only what is its own. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderConfig } from '../../src/core/providers/adapter';
import { startEmulator, type Emulator } from './emulator';

/**
 * One emulator for the suite, its rules and request log reset before each test. Returns a getter: the emulator
 * exists only once the suite's `before` hook has run. Hooks registered here run before the suite's own (mocha runs
 * hooks in registration order), so a suite's `beforeEach` can add rules after the reset.
 */
export function useEmulator(): () => Emulator {
  let emulator: Emulator | undefined;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator?.close());
  beforeEach(() => emulator?.reset());
  return () => {
    if (!emulator) throw new Error('the emulator starts in the suite’s before hook: use it inside a test or hook');
    return emulator;
  };
}

/** A fresh temporary folder for each test (a CLI's HOME and LLM_WORKBENCH_HOME), removed after it. */
export function useTempHome(prefix = 'wb-hard-'): () => string {
  let home: string | undefined;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });
  return () => {
    if (!home) throw new Error('the temporary home is made in beforeEach: use it inside a test or hook');
    return home;
  };
}

/** The emulator's three wire protocols as the providers `openai`, `anthropic` and `ollama` of a config. */
export function emulatorProviders(emulator: Emulator): ProviderConfig[] {
  return [
    { id: 'openai', kind: 'openai', baseUrl: emulator.openaiBaseUrl },
    { id: 'anthropic', kind: 'anthropic', baseUrl: emulator.anthropicBaseUrl },
    { id: 'ollama', kind: 'ollama', baseUrl: emulator.ollamaBaseUrl },
  ];
}
