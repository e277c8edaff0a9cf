/** Hosts shown after a model's name when the model is not the host's own (`Llama 3.3 70B Versatile (Groq)`). */
const HOSTS: Readonly<Record<string, string>> = {
  groq: 'Groq',
  together: 'Together',
  openrouter: 'OpenRouter',
  azure: 'Azure',
  ollama: 'Ollama',
};

const WORDS: Readonly<Record<string, string>> = { gpt: 'GPT', oss: 'OSS', glm: 'GLM', fp8: 'FP8', r1: 'R1', v3: 'V3' };

/**
 * A readable name for a catalog model, by rule (LiteLLM's table has none): `gpt-4o-mini` -> `GPT-4o mini`,
 * `claude-sonnet-4-5` -> `Claude Sonnet 4.5`, `gemini-2.5-pro` -> `Gemini 2.5 Pro`. Dated snapshots keep their date.
 */
export function displayNameFor(provider: string, id: string): string {
  const last = id.slice(id.lastIndexOf('/') + 1);
  let name: string;
  if (/^(gpt-|o\d|chatgpt-)/.test(last)) {
    // OpenAI's own style: "GPT-4o mini", "GPT-5.4 nano", "o4-mini".
    name = last
      .replace(/^gpt-/, 'GPT-')
      .replace(/^chatgpt-/, 'ChatGPT-')
      .replace(/-(mini|nano|turbo|chat|pro)\b/g, ' $1');
  } else {
    // Versions are written with dashes in ids (`claude-opus-4-1`, `claude-3-7-sonnet`) and dots in names (Claude Opus 4.1).
    const dotted = last.replace(/(^|-)(\d)-(\d)(?=$|-)/, '$1$2.$3');
    name = dotted
      .split(/[-_]/)
      .filter(Boolean)
      .map((word) => WORDS[word.toLowerCase()] ?? (/^\d/.test(word) ? word.toUpperCase() : word[0].toUpperCase() + word.slice(1)))
      .join(' ');
  }
  const host = HOSTS[provider];
  return host ? `${name} (${host})` : name;
}
