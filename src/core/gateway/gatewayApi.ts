import type { Usage } from '../providers/usage';
import type { ChatEvent, ChatRequest, StopReason, ToolCallPart } from '../providers/chat';
import type { ProviderError } from '../providers/providerError';
import type { CallRecord } from '../cost/callRecord';
import type { ModelRef } from '../models/modelRef';

export interface Route {
  primary: ModelRef;
  fallbacks: ModelRef[];
  /** Human-readable: why this route was chosen (shown to the user and logged). */
  reason: string;
}
import type { EmbedRequest, EmbedResponse } from './embedCall';

/** What features, the CLI and the eval runner ask of the gateway. */
export interface GatewayRequest extends ChatRequest {
  /** An explicit model skips routing (the reason says so); `fallbacks` then apply as given. */
  model?: ModelRef;
  fallbacks?: ModelRef[];
  /** Workspace-relative path of the file the request is about: routing rules and private globs match it. */
  filePath?: string;
  risk?: 'low' | 'medium' | 'high';
  /** Who is calling, recorded in the ledger: 'chat', 'code', 'eval', 'cli'... */
  source?: string;
}

/** The adapter's events plus what the gateway adds around them. */
export type GatewayEvent =
  | ChatEvent
  | { type: 'route'; route: Route }
  | { type: 'attempt'; model: ModelRef; attempt: number }
  | { type: 'retry'; model: ModelRef; attempt: number; delayMs: number; error: ProviderError }
  /**
   * Text already streamed came from a model that failed (`from`); what follows restarts the answer on `model` —
   * another model, or the same one again when it has no fallback.
   */
  | { type: 'restart'; model: ModelRef; from: ModelRef; reason: string }
  /** `missingKey`: `from` was skipped because no key is stored for its provider (nothing was sent to it). */
  | { type: 'fallback'; from: ModelRef; to: ModelRef; reason: string; missingKey?: boolean }
  | { type: 'record'; record: CallRecord };

export interface GatewayResult {
  text: string;
  record: CallRecord;
  usage?: Usage;
  error?: ProviderError;
  /** Why the answer ended (absent on failure); eval `finish-reason` assertions read it. */
  stopReason?: StopReason;
  /** The tool calls the answer made, in order (eval files that send `tools`). */
  toolCalls?: ToolCallPart[];
  /** The answer's token logprobs, when asked for and returned (eval `perplexity`). */
  logProbs?: number[];
}

export interface ChatGateway {
  /** Streams an answer; always ends with exactly one `record` event, also on failure. Never throws. */
  stream(request: GatewayRequest): AsyncIterable<GatewayEvent>;
  /** Collects `stream` into the answer text and its call record. */
  complete(request: GatewayRequest): Promise<GatewayResult>;
  /** One embedding from a named model (eval `similar`, `answer-relevance`); never throws, always records. */
  embed?(request: EmbedRequest): Promise<EmbedResponse>;
  /**
   * Loads before the first call the tokenizers these models' calls will need whatever their prompts' size (most need
   * none), so a one-time load is not measured as the first calls' latency.
   */
  warmUp?(refs: readonly ModelRef[]): Promise<void>;
}
