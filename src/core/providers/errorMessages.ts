import type { ProviderContext } from './providerContext';

/**
 * The one user-facing sentence per error kind: what happened, then (after the dash) what to do.
 * Kept together so the README table and the code cannot drift apart.
 */
export const errorMessages = {
  missingKey: (c: ProviderContext) => `No API key for ${c.label} (provider '${c.config.id}') — ${c.keyHint}`,
  auth: (c: ProviderContext, status?: number) =>
    status === 403
      ? `${c.label} refused the key for this request (403) — check the key's project and model permissions, or ${c.keyHint}`
      : `${c.label} rejected the key — ${c.keyHint}`,
  rateLimit: (c: ProviderContext, retryAfterMs?: number) =>
    `${c.label} is rate-limiting requests (429)` +
    (retryAfterMs !== undefined ? `; it asks to wait ${formatWait(retryAfterMs)}` : '') +
    ' — wait and retry, or route to another model',
  quota: (c: ProviderContext, detail?: string) =>
    `${c.label} says the account is out of quota or over its spend limit${detail ? ` (${detail})` : ''} — add credit or raise the limit in the provider's billing settings; retrying will not help`,
  overloaded: (c: ProviderContext) => `${c.label} is overloaded right now (529) — try again in a moment or fall back to another model`,
  server: (c: ProviderContext, status?: number, detail?: string) =>
    `${c.label} had a server error${status ? ` (${status})` : ''}${detail ? `: ${detail}` : ''} — try again; if it persists, check the provider's status page`,
  timeout: (c: ProviderContext, model: string, ms?: number) =>
    `${c.label} sent nothing for ${ms !== undefined ? formatWait(ms) : 'too long'} while answering with ${model} — try again, or raise the timeout`,
  ollamaNotRunning: (c: ProviderContext) => `Ollama is not running at ${c.baseUrl} — start it with \`ollama serve\``,
  network: (c: ProviderContext, code?: string) =>
    `Could not reach ${c.label} at ${c.baseUrl}${code ? ` (${code})` : ''} — check the base URL, your network and any proxy`,
  reset: (c: ProviderContext, model: string, code?: string) =>
    `${c.label} dropped the connection in the middle of the answer from ${model}${code ? ` (${code})` : ''}; the partial text is not a result — try again`,
  notAnAnswer: (c: ProviderContext, contentType: string) =>
    `${c.label} at ${c.baseUrl} answered 200 with ${contentType} instead of an answer — check the base URL in llmWorkbench.providers (a login page, a proxy or a website answers like this)`,
  contextOverflow: (c: ProviderContext, model: string) =>
    `The prompt is too long for ${model} on ${c.label} — shorten it, or route it to a model with a larger context window`,
  modelNotFound: (c: ProviderContext, model: string) =>
    c.config.kind === 'ollama'
      ? `Ollama at ${c.baseUrl} has no model '${model}' — pull it with \`ollama pull ${model}\``
      : `${c.label} has no model '${model}' — check the model name in your route or the --model argument`,
  badRequest: (c: ProviderContext, status?: number, detail?: string) =>
    `${c.label} rejected the request${status ? ` (${status})` : ''}${detail ? `: ${detail}` : ''} — check the model name and request settings`,
  aborted: () => 'The request was cancelled',
  incomplete: (c: ProviderContext, model: string, why: string) =>
    `${c.label}'s answer from ${model} broke off (${why}); the partial text is not a result — try again`,
} as const;

function formatWait(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
