import type { WorkbenchConfig } from '../config/workbenchConfig';
import type { Ledger } from '../cost/ledger';
import { ModelCatalog } from '../models/catalog';
import type { KeySource, ProviderAdapter } from '../providers/adapter';
import type { AdapterOptions } from '../providers/adapterOptions';
import { createAdapter } from '../providers/createAdapter';
import { ProviderError } from '../providers/providerError';
import { timerDelay } from '../providers/timerDelay';
import { redactSecrets, withRedactedErrors } from '../providers/redactSecrets';
import { Gateway } from './gateway';
import type { ChatGateway } from './gatewayApi';
import { DEFAULT_RESILIENCE, type ResilienceSettings } from '../config/resilienceSettings';

export interface CreateGatewayOptions {
  config: WorkbenchConfig;
  /** Defaults to the built-in catalog with `config.models` applied. */
  catalog?: ModelCatalog;
  keys: KeySource;
  /** Where call records go; none = not recorded. */
  ledger?: Ledger;
  /** Test override: adapters by provider id instead of the ones `createAdapter` builds from `config.providers`. */
  adapters?: Map<string, ProviderAdapter>;
  /** Passed to `createAdapter` (fetch, key hints). */
  adapterOptions?: AdapterOptions;
  /** Overrides `config.resilience` and the defaults (retry counts, backoff, caps, timeouts, breaker). */
  resilience?: Partial<ResilienceSettings>;
  now?: () => number;
  random?: () => number;
  /** Waits between retries; resolves early (or rejects) when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  log?: (line: string) => void;
  /** Stamped on every record, for "this session" spend. */
  sessionId?: string;
  /**
   * Decorates the gateway (e.g. OpenTelemetry spans). The gateway's own nested calls — the router's classification
   * call — go through the decorated gateway too, so the decorator sees every call.
   */
  wrap?: (gateway: ChatGateway) => ChatGateway;
}

/** The one way features, the CLI and the eval runner get a gateway. Adapters are built lazily, once per provider. */
export function createGateway(options: CreateGatewayOptions): ChatGateway {
  const { config } = options;
  const catalog = options.catalog ?? new ModelCatalog(config.models, { providers: config.providers });
  const built = new Map<string, ProviderAdapter>(options.adapters ?? []);
  // Every key any adapter was given: what the gateway records is redacted against all of them.
  const usedKeys = new Set<string>();

  const adapterFor = (providerId: string): ProviderAdapter => {
    const existing = built.get(providerId);
    if (existing) return existing;
    const provider = config.providers.find((p) => p.id === providerId);
    if (!provider) {
      throw new ProviderError({
        kind: 'bad_request',
        provider: providerId,
        message: `no provider '${providerId}' is configured — add { "id": "${providerId}", "kind": ... } to llmWorkbench.providers`,
      });
    }
    // Provider error bodies can echo the key; what the gateway logs, records and shows never does.
    const adapter = withRedactedErrors(
      (keys, redact) => createAdapter(provider, keys, { ...options.adapterOptions, redact }),
      options.keys,
      usedKeys,
    );
    built.set(providerId, adapter);
    return adapter;
  };

  // The gateway as callers see it, once decorated: its own nested calls go through the decorator too.
  const outer: { gateway?: ChatGateway } = {};
  const gateway: ChatGateway = new Gateway({
    config,
    catalog,
    adapterFor,
    ledger: options.ledger,
    resilience: { ...DEFAULT_RESILIENCE, ...config.resilience, ...options.resilience },
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? abortableSleep,
    log: options.log ?? (() => undefined),
    sessionId: options.sessionId,
    redact: (text) => redactSecrets(text, usedKeys),
    self: () => outer.gateway ?? gateway,
  });
  outer.gateway = options.wrap ? options.wrap(gateway) : gateway;
  return outer.gateway;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timerDelay(ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
