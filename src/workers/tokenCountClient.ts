import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './tokenCountProtocol';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
// Distributes Omit over the union so each request keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * Talks to the token-count worker: one promise per request. The worker starts on the first request (never during
 * activation) and, if it dies, every pending request fails and `onExit` lets the owner re-open its documents.
 */
export class TokenCountClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly workerPath: string,
    private readonly onExit: (reason: string) => void = () => undefined,
  ) {}

  request<T>(message: WithoutId<WorkerRequest>): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('the token worker was stopped');
    void worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.unref(); // never keeps a CLI or test process alive on its own
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    const exited = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(reason);
      this.onExit(reason);
    };
    worker.on('error', (error) => exited(`the token worker failed: ${error.message}`));
    worker.on('exit', (code) => exited(`the token worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(reason: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(reason));
    this.pending.clear();
  }
}
