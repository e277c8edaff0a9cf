import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { metrics, snapshot } from './helpers';

describe('activation', () => {
  it('activates on startup and registers the budget model command', async () => {
    const extension = vscode.extensions.getExtension('llm-workbench.llm-workbench');
    assert.ok(extension, 'the extension is installed');
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('llmWorkbench.pickBudgetModel'));
  });

  it('measures activate() and loads no tokenizer during it', async () => {
    const state = await snapshot();
    const activation = state.activation as
      | {
          ms: number;
          cpuMs: number;
          waitMs?: number;
          moduleLoadMs?: number;
          boot?: Record<string, number | string | undefined>;
          phases?: { wall: Record<string, number>; cpu: Record<string, number> };
          workerStarted: boolean;
        }
      | undefined;
    assert.ok(activation, `the test hook reports activation (got ${JSON.stringify(state)})`);
    assert.ok(activation.ms > 0 && Number.isFinite(activation.ms), `activation took ${activation.ms} ms`);
    // The token worker (where tokenizers load) starts on the first count, after activate() has returned.
    assert.equal(activation.workerStarted, false);
    metrics.activationMs = activation.ms;
    metrics.activationCpuMs = activation.cpuMs;
    // Of the wall clock, the time the thread waited for a core (Linux only: absent elsewhere).
    if (activation.waitMs !== undefined) metrics.activationWaitMs = activation.waitMs;
    // Loading dist/extension.js (read, compile, top-level code), timed by dist/boot.js before activate() ran.
    assert.ok(activation.moduleLoadMs !== undefined && activation.moduleLoadMs > 0, `module load took ${activation.moduleLoadMs} ms`);
    metrics.moduleLoadMs = activation.moduleLoadMs;
    // Its parts (src/core/runtime/codeCache.ts), whether V8's code cache was used, and the cache's write after a cold start.
    const boot = activation.boot ?? {};
    for (const part of ['readMs', 'compileMs', 'runMs', 'codeCacheWriteMs', 'moduleLoadCpuMs', 'moduleLoadWaitMs'] as const) {
      if (typeof boot[part] === 'number') metrics[`module_${part}`] = boot[part];
    }
    assert.ok(['hit', 'missing', 'rejected', 'corrupt'].includes(String(boot.codeCache)), `code cache state: ${String(boot.codeCache)}`);
    metrics.codeCacheHit = boot.codeCache === 'hit' ? 1 : 0;
    metrics.codeCacheRejected = boot.codeCache === 'rejected' ? 1 : 0;
    // Where activate()'s time went, per shared service and feature: the activation bench prints the largest.
    const phases = activation.phases ?? { wall: {}, cpu: {} };
    assert.ok(Object.keys(phases.wall).length > 0, 'activate() reports its phases');
    for (const [name, phaseMs] of Object.entries(phases.wall)) metrics[`phase:${name}`] = phaseMs;
    for (const [name, phaseMs] of Object.entries(phases.cpu)) metrics[`phaseCpu:${name}`] = phaseMs;
  });
});
