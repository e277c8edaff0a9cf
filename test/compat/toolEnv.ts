/**
 * The environment both tools run in: nothing from the calling shell but PATH and locale, every provider pointed at the
 * emulator (`base` = `<emulator>/client/<tool>`), a distinct fake key per vendor (so the log shows which key arrived),
 * and every cloud SDK's metadata and endpoint discovery pinned to loopback: nothing may leave the machine.
 */
export function providerEnv(base: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'TMPDIR', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    OPENAI_API_KEY: 'emu-openai-key',
    OPENAI_BASE_URL: `${base}/v1`,
    ANTHROPIC_API_KEY: 'emu-anthropic-key',
    ANTHROPIC_BASE_URL: base,
    OLLAMA_BASE_URL: base,
    OLLAMA_HOST: base,
    MISTRAL_API_KEY: 'emu-mistral-key',
    GROQ_API_KEY: 'emu-groq-key',
    TOGETHER_API_KEY: 'emu-together-key',
    DEEPSEEK_API_KEY: 'emu-deepseek-key',
    XAI_API_KEY: 'emu-xai-key',
    OPENROUTER_API_KEY: 'emu-openrouter-key',
    PERPLEXITY_API_KEY: 'emu-perplexity-key',
    FIREWORKS_API_KEY: 'emu-fireworks-key',
    CEREBRAS_API_KEY: 'emu-cerebras-key',
    AZURE_API_KEY: 'emu-azure-key',
    // AWS (bedrock): fake credentials, no instance-metadata lookup, every service endpoint on loopback.
    AWS_ACCESS_KEY_ID: 'emu-aws-key-id',
    AWS_SECRET_ACCESS_KEY: 'emu-aws-secret',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: base,
    // Google (vertex, gemini): no metadata-server discovery.
    METADATA_SERVER_DETECTION: 'none',
    GCE_METADATA_HOST: '127.0.0.1:9',
    GCE_METADATA_IP: '127.0.0.1:9',
    NO_PROXY: '*',
    ...extra,
  };
}
