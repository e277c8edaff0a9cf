import assert from 'node:assert/strict';
import { ProviderError } from '../../../src/core/providers/providerError';
import { REDACTED, redactError, redactSecrets, secretRedactor } from '../../../src/core/providers/redactSecrets';

describe('redactSecrets', () => {
  it('removes a known key wherever it appears, however it is shaped', () => {
    assert.equal(
      redactSecrets('bad key: my-custom-token-123, again my-custom-token-123', ['my-custom-token-123']),
      `bad key: ${REDACTED}, again ${REDACTED}`,
    );
  });

  it('removes OpenAI, Anthropic, Groq and Bearer key shapes without knowing the key', () => {
    const text =
      'Incorrect API key provided: sk-proj-abcDEF123456_xyz. Or sk-ant-api03-ZZZZzzzz9999. gsk_0123456789abcdef. Authorization: Bearer eyJhbGciOi.xyz';
    const out = redactSecrets(text);
    for (const secret of ['sk-proj-abcDEF123456_xyz', 'sk-ant-api03-ZZZZzzzz9999', 'gsk_0123456789abcdef', 'eyJhbGciOi.xyz'])
      assert.ok(!out.includes(secret), out);
    assert.match(out, /^Incorrect API key provided: \[redacted\]\. /);
  });

  it('secretRedactor: the same text as redactSecrets with the same keys, for every kind of echo', () => {
    const keys = ['my-custom-token-123', 'emu-openai-key-0123456789', JSON.stringify('a"quoted\\key-456').slice(1, -1)];
    const redact = secretRedactor(keys);
    const texts = [
      '',
      'nothing to hide here',
      'bad key: my-custom-token-123, again my-custom-token-123',
      `{"output":"the key is emu-openai-key-0123456789 and ${Buffer.from('emu-openai-key-0123456789').toString('base64')}"}`,
      'clipped: -openai-key-01234, split: my-custom-tok en-123, url: https://bob:hunter2@proxy.local/v1',
      'Incorrect API key provided: sk-proj-abcDEF123456_xyz. Bearer eyJhbGciOi.xyz api_key=abcdefgh1234',
      `escaped: ${keys[2]} and ${encodeURIComponent('my-custom-token-123')}`,
    ];
    for (const text of texts) assert.equal(redact(text), redactSecrets(text, keys), text);
    assert.notEqual(redact(texts[2]), texts[2]);
  });

  it('removes credentials in a URL and leaves ordinary text alone', () => {
    assert.equal(
      redactSecrets('Could not reach x at https://bob:hunter2@proxy.local/v1'),
      `Could not reach x at https://${REDACTED}@proxy.local/v1`,
    );
    const plain =
      'OpenAI rejected the request (400): max_tokens is too large — check the model name and request settings (task-list, sk-8)';
    assert.equal(redactSecrets(plain), plain);
  });

  it('redacts an error message and a JSON body kept as its cause; a clean error is returned as is', () => {
    const key = 'sk-live-0123456789';
    const dirty = new ProviderError({
      kind: 'server',
      message: `boom ${key}`,
      provider: 'openai',
      status: 500,
      cause: { error: { message: `key ${key}` } },
    });
    const clean = redactError(dirty, [key]);
    assert.equal(clean.message, `boom ${REDACTED}`);
    assert.deepEqual(clean.cause, { error: { message: `key ${REDACTED}` } });
    assert.equal(clean.kind, 'server');
    assert.equal(clean.status, 500);
    const fine = new ProviderError({ kind: 'server', message: 'boom' });
    assert.equal(redactError(fine, [key]), fine);
  });
});
