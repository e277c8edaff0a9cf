import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/**
 * The span our next span should be a child of (an eval case, or the gateway call a router classification belongs to).
 * Our own AsyncLocalStorage, not OpenTelemetry's global context manager: other extensions in the same host register
 * theirs, and `context.active()` would hand us their spans as parents. Outside any scope the parent is the root.
 */
const scope = new AsyncLocalStorage<Context>();

export function currentParent(): Context {
  return scope.getStore() ?? ROOT_CONTEXT;
}

export function withParent<T>(parent: Context, run: () => T): T {
  return scope.run(parent, run);
}
