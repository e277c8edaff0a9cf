import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_TOOLS } from '../../../src/core/agentTools/toolCatalog';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

/** The editor reads tool schemas from package.json, the MCP server from the catalog: they must be the same. */
describe('agent tool manifest', () => {
  it("package.json contributes every tool with the catalog's name, descriptions and input schema", () => {
    const contributed = pkg.contributes.languageModelTools as Array<Record<string, unknown>>;
    assert.deepEqual(
      contributed.map((t) => t.name),
      AGENT_TOOLS.map((t) => t.lmName),
    );
    for (const spec of AGENT_TOOLS) {
      const tool = contributed.find((t) => t.name === spec.lmName)!;
      assert.deepEqual(tool.inputSchema, spec.inputSchema, spec.lmName);
      assert.equal(tool.modelDescription, spec.modelDescription);
      assert.equal(tool.toolReferenceName, spec.referenceName);
    }
  });

  it('the provider, its Manage command and the MCP definition provider are contributed', () => {
    assert.deepEqual(pkg.contributes.languageModelChatProviders, [
      { vendor: 'llm-workbench', displayName: 'LLM Workbench', managementCommand: 'llmWorkbench.manageLanguageModels' },
    ]);
    assert.ok(pkg.contributes.commands.some((c: { command: string }) => c.command === 'llmWorkbench.manageLanguageModels'));
    assert.deepEqual(pkg.contributes.mcpServerDefinitionProviders, [{ id: 'llmWorkbench.mcp', label: 'LLM Workbench' }]);
  });

  it('tool names are what VS Code and MCP accept', () => {
    for (const spec of AGENT_TOOLS) {
      assert.match(spec.lmName, /^[\w-]+$/);
      assert.match(spec.mcpName, /^[a-z_]+$/);
    }
  });
});
