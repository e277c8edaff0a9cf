/** The scripting vocabulary of the provider emulator: shared by the in-process API and the HTTP control API. */

export type EmulatedProtocol = 'openai' | 'anthropic' | 'ollama';

/** Which requests a scripted reply applies to; every given field must match. */
export interface Match {
  protocol?: EmulatedProtocol;
  model?: string;
  /** Substring of the request's prompt (system + all messages). */
  promptIncludes?: string;
}

export type Fault =
  /** An HTTP error in the protocol's own error shape. With `afterChunks`, a streamed reply sends it as an in-stream error frame instead. */
  | {
      kind: 'status';
      status: number;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      code?: string;
      message?: string;
      afterChunks?: number;
    }
  /** Waits before sending the status line and headers. */
  | { kind: 'slow_first_byte'; ms: number }
  /** Sends this many text chunks, then goes silent with the connection open. */
  | { kind: 'stall'; afterChunks: number }
  /** Resets the TCP connection (RST) after this many text chunks (default 0: before any response). */
  | { kind: 'reset'; afterChunks?: number }
  /** Ends the response cleanly after this many text chunks, without the protocol's terminal event. */
  | { kind: 'cut'; afterChunks: number }
  /** After this many text chunks, sends one frame that is not valid JSON, then carries on normally. */
  | { kind: 'malformed'; afterChunks: number }
  /** Answers a streaming request with the complete non-streamed JSON body (a server or proxy that ignores `stream: true`). */
  | { kind: 'ignore_stream' }
  /** Answers 200 with an HTML page (a login portal, a proxy's page, a website at the wrong base URL). */
  | { kind: 'html' }
  /** After the protocol's terminal event, sends one more text frame (which is not part of the answer). */
  | { kind: 'trailing_text'; text: string };

export interface EmulatorReply {
  text?: string;
  /** Exact text deltas; their concatenation is the answer. Default: `text` split after each word. */
  chunks?: string[];
  /** What the provider reports; `input` is the whole prompt including cached tokens. Default: a deterministic count. */
  /** `cacheWrite1h`: the part of `cacheWrite` that went to Anthropic's 1-hour cache (reported in `usage.cache_creation`). */
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number; cacheWrite1h?: number };
  /** Normalized (`end`, `max_tokens`, `stop_sequence`, `tool_use`, `content_filter`) or the protocol's own word. */
  stopReason?: string;
  chunkDelayMs?: number;
  fault?: Fault;
  /** OpenAI protocol: ignore `stream_options.include_usage`, like some OpenAI-compatible servers do. */
  omitUsage?: boolean;
  /** `/v1/embeddings`: the vector to return instead of the emulator's hashed bag of words. */
  embedding?: number[];
  /**
   * Tool calls the model makes after its text, in each protocol's own wire form (OpenAI `delta.tool_calls` with the
   * arguments in fragments, Anthropic `tool_use` blocks with `input_json_delta`, Ollama `message.tool_calls`).
   * The stop reason defaults to `tool_use`. `argumentsText` sends raw (possibly broken) JSON instead of `input`.
   */
  toolCalls?: EmulatedToolCall[];
}

export interface EmulatedToolCall {
  /** Default: `call_emu<n>` (OpenAI), `toolu_emu<n>` (Anthropic); Ollama's native API sends none. */
  id?: string;
  name: string;
  input?: Record<string, unknown>;
  argumentsText?: string;
}

export interface RecordedRequest {
  /** Who sent it, when the request came through `/client/<name>/…` (e.g. `promptfoo` or `ours` in the parity harness). */
  client?: string;
  protocol: EmulatedProtocol;
  method: string;
  path: string;
  model?: string;
  /** Azure OpenAI routes: the `api-version` query parameter as received. */
  apiVersion?: string;
  body: unknown;
  /** Lower-cased, as received: `authorization`, `x-api-key` and Azure's `api-key` prove which key arrived. */
  headers: Record<string, string | string[] | undefined>;
  stream: boolean;
  /** The client closed the connection before the emulator finished answering (e.g. an aborted request). */
  closedByClient: boolean;
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /**
   * When set, OpenAI requests need `Authorization: Bearer <key>`, Anthropic requests `x-api-key: <key>` (or the same
   * Bearer header) and Azure OpenAI requests `api-key: <key>`, else 401.
   */
  requireKey?: string;
  /** Models served by `GET /v1/models`. */
  openaiModels?: string[];
  /** Models served by `/api/tags` and `/api/show`. */
  ollamaModels?: OllamaModelSpec[];
}

export interface OllamaModelSpec {
  name: string;
  /** `num_ctx` in the model's parameters, if its Modelfile sets one. */
  numCtx?: number;
  /** The trained maximum, reported as `<arch>.context_length`. */
  contextLength?: number;
  architecture?: string;
  /** `/api/show` capabilities; default `['completion']`. */
  capabilities?: string[];
}

export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `url + '/v1'` */
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  readonly ollamaBaseUrl: string;
  /** One-shot, first in first out; the first queued reply whose match fits is used. */
  enqueue(reply: EmulatorReply, match?: Match): void;
  /** Persistent; when several match, the one added last wins. Queued replies go first. */
  rule(match: Match, reply: EmulatorReply): void;
  /** Forgets queued replies, rules and recorded requests. */
  reset(): void;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}
