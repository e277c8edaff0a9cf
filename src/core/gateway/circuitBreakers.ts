import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { ResilienceSettings } from '../config/resilienceSettings';
import type { ModelRef } from '../models/modelRef';
import { ProviderError, type ErrorKind } from '../providers/providerError';

/** A model's faults: they open that model's circuit only. A rejected key or a bad prompt says nothing about health. */
const MODEL_FAULTS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['server', 'overloaded', 'network', 'timeout', 'incomplete']);

/** Which circuit refused the call. */
export type OpenCircuit = { scope: 'model'; ref: ModelRef } | { scope: 'provider'; providerId: string };

/** Thrown instead of running the call when a circuit is open. */
export class CircuitOpenError extends Error {
  constructor(readonly circuit: OpenCircuit) {
    super(circuit.scope === 'model' ? `circuit open for ${circuit.ref}` : `circuit open for provider '${circuit.providerId}'`);
    this.name = 'CircuitOpenError';
  }
}

/**
 * One circuit per model, plus one per provider that only connection failures (refused, DNS, unreachable: the
 * endpoint is down for every model) count towards. So in a comparison, a model that keeps failing opens its own
 * circuit and never the circuit of a healthy model on the same provider.
 */
export class CircuitBreakers {
  private readonly models = new Map<ModelRef, CircuitBreakerPolicy>();
  private readonly providers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly settings: Pick<ResilienceSettings, 'breakerThreshold' | 'breakerCooldownMs'>,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs `call` through the provider's and the model's circuits; rejects with CircuitOpenError when either is open. */
  async execute(providerId: string, ref: ModelRef, call: () => Promise<void>): Promise<void> {
    const model = this.policy(this.models, ref, `${ref}`, (e) => !e.connectFailed && MODEL_FAULTS.has(e.kind));
    const provider = this.policy(this.providers, providerId, `provider '${providerId}'`, (e) => e.connectFailed === true);
    try {
      await provider.execute(async () => {
        try {
          await model.execute(call);
        } catch (error) {
          // The model's own circuit: not a provider fault, so it must not reach the provider's filter as one.
          throw error instanceof BrokenCircuitError ? new CircuitOpenError({ scope: 'model', ref }) : error;
        }
      });
    } catch (error) {
      throw error instanceof BrokenCircuitError ? new CircuitOpenError({ scope: 'provider', providerId }) : error;
    }
  }

  private policy(
    map: Map<string, CircuitBreakerPolicy>,
    key: string,
    name: string,
    counts: (error: ProviderError) => boolean,
  ): CircuitBreakerPolicy {
    let policy = map.get(key);
    if (!policy) {
      const { breakerThreshold, breakerCooldownMs } = this.settings;
      policy = circuitBreaker(
        handleWhen((error) => error instanceof ProviderError && counts(error)),
        { halfOpenAfter: breakerCooldownMs, breaker: new ConsecutiveBreaker(breakerThreshold) },
      );
      policy.onBreak(() => this.log(`circuit open for ${name}`));
      policy.onReset(() => this.log(`circuit closed again for ${name}`));
      map.set(key, policy);
    }
    return policy;
  }
}

/** The user-facing message for a call an open circuit refused. */
export function circuitOpenMessage(
  circuit: OpenCircuit,
  settings: Pick<ResilienceSettings, 'breakerThreshold' | 'breakerCooldownMs'>,
): string {
  const trial = `it gets a trial call ${Math.round(settings.breakerCooldownMs / 1000)} s after opening`;
  return circuit.scope === 'model'
    ? `circuit open for ${circuit.ref} after ${settings.breakerThreshold} consecutive failures of this model; ${trial}`
    : `circuit open for provider '${circuit.providerId}' after ${settings.breakerThreshold} consecutive connection failures (the endpoint could not be reached); ${trial}`;
}
