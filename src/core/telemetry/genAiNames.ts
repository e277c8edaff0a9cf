/**
 * Attribute, event and metric names: the GenAI semantic conventions' own constants from
 * `@opentelemetry/semantic-conventions` (so a rename there is a compile error here), and ours under `llm_workbench.`.
 */
export {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  EVENT_GEN_AI_EVALUATION_RESULT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@opentelemetry/semantic-conventions/incubating';
export {
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';

/** Our tracer's instrumentation scope: the receiver recognises (and skips) our own spans by it. */
export const WORKBENCH_SCOPE = 'llm-workbench';

/** Everything of ours that the conventions have no name for. */
export const WB = {
  requestId: 'llm_workbench.request.id',
  task: 'llm_workbench.task',
  source: 'llm_workbench.source',
  route: 'llm_workbench.route',
  routeReason: 'llm_workbench.route.reason',
  fallbackUsed: 'llm_workbench.fallback.used',
  fallbackReason: 'llm_workbench.fallback.reason',
  attempts: 'llm_workbench.attempts',
  costUsd: 'llm_workbench.cost.usd',
  costKnown: 'llm_workbench.cost.known',
  estimatedCostUsd: 'llm_workbench.cost.estimated_usd',
  usageSource: 'llm_workbench.usage.source',
  outcome: 'llm_workbench.outcome',
  attemptNumber: 'llm_workbench.attempt.number',
  attemptKind: 'llm_workbench.attempt.kind',
  attemptModel: 'llm_workbench.attempt.model',
  retryDelayMs: 'llm_workbench.retry.delay_ms',
  restartReason: 'llm_workbench.restart.reason',
  evalFiles: 'llm_workbench.eval.files',
  evalTotal: 'llm_workbench.eval.total',
  evalPassed: 'llm_workbench.eval.passed',
  evalFailed: 'llm_workbench.eval.failed',
  evalErrors: 'llm_workbench.eval.errors',
  evalSkipped: 'llm_workbench.eval.skipped',
  evalCancelled: 'llm_workbench.eval.cancelled',
  evalSpendUsd: 'llm_workbench.eval.spend_usd',
  caseFile: 'llm_workbench.eval.case.file',
  caseIndex: 'llm_workbench.eval.case.index',
  caseDescription: 'llm_workbench.eval.case.description',
  caseProvider: 'llm_workbench.eval.case.provider',
  casePromptIndex: 'llm_workbench.eval.case.prompt_index',
  caseRepeat: 'llm_workbench.eval.case.repeat',
  caseVerdict: 'llm_workbench.eval.case.verdict',
  caseScore: 'llm_workbench.eval.case.score',
  caseCached: 'llm_workbench.eval.case.cached',
} as const;

/** Event names on our spans (retries, fallbacks and restarts inside one call). */
export const WB_EVENT = {
  retry: 'llm_workbench.retry',
  fallback: 'llm_workbench.fallback',
  restart: 'llm_workbench.restart',
} as const;
