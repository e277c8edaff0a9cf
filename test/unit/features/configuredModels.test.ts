import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config/workbenchConfig';
import { ModelCatalog } from '../../../src/core/models/catalog';
import { configuredModels } from '../../../src/core/config/configuredModels';

describe('configuredModels', () => {
  it('lists the budget model, then routes, rules and user models, once each, skipping unknown refs', () => {
    const config = defaultConfig();
    config.budget.model = 'openai:gpt-4o';
    config.routes = { chat: { primary: 'openai:gpt-4o-mini', fallbacks: ['anthropic:claude-haiku-4-5', 'openai:gpt-4o'] } };
    config.routingRules = [{ when: { risk: 'high' }, use: { primary: 'openai:o3' }, reason: 'strong' }];
    config.models = [{ ref: 'ollama:phi3', contextWindow: 8192 }, { ref: 'nowhere:unknown-model' }];
    const catalog = new ModelCatalog(config.models.filter((m) => m.ref !== 'nowhere:unknown-model'));
    const refs = configuredModels(config, catalog, ['openai:gpt-4.1']).map((m) => m.ref);
    assert.deepEqual(refs, [
      'openai:gpt-4.1',
      'openai:gpt-4o',
      'openai:gpt-4o-mini',
      'anthropic:claude-haiku-4-5',
      'openai:o3',
      'ollama:phi3',
    ]);
  });
});
