import type { ChatGateway } from '../gateway/gatewayApi';

/** Tags every call made through `gateway` with who made it (`mcp`, `copilot`), so the ledger shows that spend apart. */
export function withSource(gateway: ChatGateway, source: string): ChatGateway {
  const tag = <T extends { source?: string }>(request: T): T => ({
    ...request,
    source: !request.source || request.source === 'eval' ? source : `${source}:${request.source}`,
  });
  return {
    stream: (request) => gateway.stream(tag(request)),
    complete: (request) => gateway.complete(tag(request)),
  };
}
