import type { ErrorKind } from '../providers/providerError';
import type { StopReason, Task } from '../providers/chat';
import type { ModelRef } from '../models/modelRef';

/** What one model of a call cost: a call that fell back after a model had already produced tokens has several. */
export interface CostPart {
  /** `provider:model`. */
  model: ModelRef;
  /** null when that model's price is unknown. */
  costUsd: number | null;
  inputTokens: number;
  outputTokens: number;
  /** `estimate`: the model broke off without reporting usage, so its tokens were estimated from the text. */
  usageSource: 'provider' | 'estimate';
}

/** One JSON line per call in the ledger. Prompt text is absent unless the user enabled it. */
export interface CallRecord {
  at: string; // ISO timestamp of the call's start
  requestId: string;
  task: Task;
  route: ModelRef[];
  reason: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  /** null when the model's price is unknown: never a silent $0. */
  costUsd: number | null;
  /**
   * Present when more than one model was billed (one broke off mid-answer, the next answered): what each cost, so
   * spend is charged to the model that incurred it and a known part stays known when another's price is unknown.
   * `costUsd` is their sum (null if any part is unknown).
   */
  costParts?: CostPart[];
  estimatedCostUsd?: number | null;
  usageSource?: 'provider' | 'estimate';
  /**
   * Why the answer ended, for a call that answered: `max_tokens` means it was cut at the output limit (truncated),
   * `content_filter` that the provider withheld the rest. Absent in records written before it was kept.
   */
  stopReason?: StopReason;
  /** The output limit sent with the answering attempt (absent: none was sent, the provider's default applied). */
  maxOutputTokens?: number;
  ttftMs: number | null;
  totalMs: number;
  attempts: number;
  fallbackUsed: boolean;
  fallbackReason?: string;
  outcome: 'ok' | 'error' | 'aborted';
  errorKind?: ErrorKind;
  errorMessage?: string;
  /** Who made the call: 'chat', 'eval', 'cli', ...; for another tool's call, that tool ('copilot-chat', 'promptfoo', ...). */
  source?: string;
  /**
   * 'otlp': another tool's call, received as an OpenTelemetry span by the local OTLP receiver (not made through our
   * gateway). Absent: a call of ours.
   */
  origin?: 'otlp';
  /** The editor window or CLI run that made the call, for "this session" totals. */
  sessionId?: string;
  prompt?: string;
}
