/**
 * The main thread's side of a set of DataLoader workers: starting them, sending requests, receiving replies in
 * arrival order (with a timeout), and shutting them down.
 *
 * NOTE [Keeping the process alive]: a worker thread keeps a Node process running. The pool `ref()`s its threads
 * only while the loader is waiting for a batch and `unref()`s them otherwise, so a program that stops iterating
 * without `break` (or keeps persistent workers) still exits; `shutdown()` terminates them outright, and the
 * loader calls it when an epoch ends, on `break`, on errors and on timeouts.
 */
import { IndexError, NotImplementedError, RuntimeError, ValueError } from '@proj/tensor';
import type { SerializedError, WorkerInit, WorkerReply, WorkerRequest } from '../worker.js';
import { spawnThread, type Thread } from './threads.js';

/** Something the pool heard from a worker. */
export type PoolEvent =
  | { kind: 'reply'; workerId: number; reply: WorkerReply }
  | { kind: 'failure'; workerId: number; error: Error };

const WORKER_ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? '../worker.ts' : '../worker.js',
  import.meta.url,
).href;

/** A running set of worker threads. */
export class WorkerPool {
  private readonly threads: (Thread | null)[];
  private readonly inbox: PoolEvent[] = [];
  private waiter: ((event: PoolEvent) => void) | null = null;
  private closing = false;

  private constructor(count: number) {
    this.threads = new Array<Thread | null>(count).fill(null);
  }

  /** Starts `count` workers and sends each its `init` message. */
  static async start(count: number, initFor: (workerId: number) => WorkerInit): Promise<WorkerPool> {
    const pool = new WorkerPool(count);
    const startWorker = async (workerId: number): Promise<void> => {
      const thread = await spawnThread(WORKER_ENTRY, {
        message: (data) => pool.push({ kind: 'reply', workerId, reply: data as WorkerReply }),
        error: (error) => pool.push({ kind: 'failure', workerId, error: rebuildUncaught(error, workerId) }),
        exit: (code) => pool.exited(workerId, code),
      });
      thread.unref();
      pool.threads[workerId] = thread;
      thread.post(initFor(workerId));
    };
    try {
      let first = 0;
      if (WORKER_ENTRY.endsWith('.ts') && count > 1) {
        // From sources, one worker fills the transpile cache before the others start (see NOTE [TypeScript in
        // worker threads]); compiled workers all start at once.
        await startWorker(0);
        const event = await pool.receive(0);
        if (event !== null && !(event.kind === 'reply' && event.reply.type === 'ready'))
          pool.inbox.unshift(event);
        first = 1;
      }
      await Promise.all(Array.from({ length: count - first }, (_, i) => startWorker(first + i)));
    } catch (error) {
      await pool.shutdown();
      throw error;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.threads.length;
  }

  /** Whether `shutdown` has been called. */
  get closed(): boolean {
    return this.closing;
  }

  /** Ids of the threads still running (for tests and diagnostics). */
  get threadIds(): number[] {
    return this.threads.filter((t): t is Thread => t !== null).map((t) => t.id);
  }

  private push(event: PoolEvent): void {
    if (this.closing) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter(event);
    } else this.inbox.push(event);
  }

  private exited(workerId: number, code: number): void {
    const thread = this.threads[workerId];
    this.threads[workerId] = null;
    if (this.closing || thread === null || thread === undefined) return;
    this.push({
      kind: 'failure',
      workerId,
      error: new RuntimeError(
        `DataLoader worker ${workerId} (thread ${thread.id}) exited unexpectedly with exit code ${code}`,
      ),
    });
  }

  /** Sends a request to one worker. */
  send(workerId: number, request: WorkerRequest): void {
    const thread = this.threads[workerId];
    if (thread === null || thread === undefined) return;
    thread.post(request);
  }

  /** Sends a request to every worker. */
  broadcast(request: WorkerRequest): void {
    for (let id = 0; id < this.threads.length; id++) this.send(id, request);
  }

  /**
   * The next event from any worker, or `null` after `timeoutSeconds` (0: wait forever). The threads are
   * referenced only while this waits (see NOTE [Keeping the process alive]).
   */
  async receive(timeoutSeconds: number): Promise<PoolEvent | null> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return queued;
    if (this.closing) throw new RuntimeError('DataLoader workers have been shut down');
    for (const t of this.threads) t?.ref();
    try {
      return await new Promise<PoolEvent | null>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        this.waiter = (event) => {
          if (timer !== undefined) clearTimeout(timer);
          resolve(event);
        };
        if (timeoutSeconds > 0) {
          timer = setTimeout(() => {
            this.waiter = null;
            resolve(null);
          }, timeoutSeconds * 1000);
        }
      });
    } finally {
      for (const t of this.threads) t?.unref();
    }
  }

  /** Terminates one worker (an exhausted iterable-dataset worker that will not be used again). */
  async stopWorker(workerId: number): Promise<void> {
    const thread = this.threads[workerId];
    if (thread === null || thread === undefined) return;
    this.threads[workerId] = null;
    await thread.terminate();
  }

  /** Terminates every worker and waits until they have exited. Idempotent. */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.inbox.length = 0;
    this.waiter = null;
    const running = this.threads.filter((t): t is Thread => t !== null);
    this.threads.fill(null);
    await Promise.all(running.map((t) => t.terminate()));
  }
}

const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  RuntimeError,
  ValueError,
  IndexError,
  NotImplementedError,
  // Readers' errors come back as their base class (ValueError), keeping their name.
  DataFileError: ValueError,
};

/**
 * The error the main loop raises for one a worker caught: same class where known, PyTorch's
 * "Caught X in DataLoader worker process N" message followed by the original stack, and the original as `cause`.
 */
export function rebuildWorkerError(error: SerializedError, workerId: number): Error {
  const message = `Caught ${error.name} in DataLoader worker process ${workerId}.\nOriginal ${error.stack}`;
  const ErrorClass = ERROR_CLASSES[error.name] ?? Error;
  const rebuilt = new ErrorClass(message);
  if (rebuilt.name !== error.name) rebuilt.name = error.name;
  const original = new ErrorClass(error.message);
  original.name = error.name;
  original.stack = error.stack;
  (rebuilt as { cause?: unknown }).cause = original;
  return rebuilt;
}

function rebuildUncaught(error: unknown, workerId: number): Error {
  if (error instanceof Error) {
    return rebuildWorkerError(
      { name: error.name, message: error.message, stack: error.stack ?? error.message },
      workerId,
    );
  }
  return rebuildWorkerError({ name: 'Error', message: String(error), stack: String(error) }, workerId);
}
