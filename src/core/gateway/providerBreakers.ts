import { ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { ResilienceSettings } from '../config/resilienceSettings';
import { ProviderError, type ErrorKind } from '../providers/providerError';

/** Provider faults that count towards opening a provider's circuit; a rejected key or a bad prompt says nothing about its health. */
const BREAKER_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['server', 'overloaded', 'network', 'timeout', 'incomplete']);

/** One cockatiel circuit breaker per provider id, made on first use and kept for the gateway's life. */
export class ProviderBreakers {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly resilience: Pick<ResilienceSettings, 'breakerThreshold' | 'breakerCooldownMs'>,
    private readonly log: (line: string) => void,
  ) {}

  for(providerId: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(providerId);
    if (!breaker) {
      const { breakerThreshold, breakerCooldownMs } = this.resilience;
      breaker = circuitBreaker(
        handleWhen((error) => error instanceof ProviderError && BREAKER_KINDS.has(error.kind)),
        { halfOpenAfter: breakerCooldownMs, breaker: new ConsecutiveBreaker(breakerThreshold) },
      );
      breaker.onBreak(() => this.log(`circuit open for provider '${providerId}'`));
      breaker.onReset(() => this.log(`circuit closed again for provider '${providerId}'`));
      this.breakers.set(providerId, breaker);
    }
    return breaker;
  }
}
