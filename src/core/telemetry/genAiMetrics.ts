import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import type { CallRecord } from '../cost/callRecord';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  WB,
} from './genAiNames';
import type { ProviderIdentity } from './providerNames';

// The bucket boundaries the GenAI metric conventions specify for each histogram.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`, one record per gateway call. */
export class GenAiMetrics {
  private readonly tokens: Histogram;
  private readonly duration: Histogram;

  constructor(meter: Meter) {
    this.tokens = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.duration = meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      unit: 's',
      description: 'GenAI operation duration.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }

  record(record: CallRecord, requestModel: string | undefined, provider: ProviderIdentity | undefined): void {
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
      [ATTR_GEN_AI_PROVIDER_NAME]: provider?.name ?? (record.provider || 'unknown'),
    };
    if (requestModel) attributes[ATTR_GEN_AI_REQUEST_MODEL] = requestModel;
    if (record.model) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = record.model;
    if (provider?.serverAddress) {
      attributes[ATTR_SERVER_ADDRESS] = provider.serverAddress;
      if (provider.serverPort) attributes[ATTR_SERVER_PORT] = provider.serverPort;
    }
    const failed =
      record.outcome !== 'ok' ? { [ATTR_ERROR_TYPE]: record.errorKind ?? (record.outcome === 'aborted' ? 'aborted' : '_OTHER') } : {};
    this.duration.record(record.totalMs / 1000, { ...attributes, ...failed });
    // Counts only when tokens were really used and counted: a refused call has no usage to report.
    if (record.usageSource) {
      const usage = { ...attributes, [WB.usageSource]: record.usageSource };
      this.tokens.record(record.inputTokens, { ...usage, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
      this.tokens.record(record.outputTokens, { ...usage, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
    }
  }
}
