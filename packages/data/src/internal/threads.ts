/**
 * One interface over Node's `worker_threads` and browsers' Web Workers, so the DataLoader does not care which it
 * runs on. The worker entry is `worker.ts` (`worker.js` once compiled), started through a tiny bootstrap module
 * that installs the TypeScript hooks first when the entry is a `.ts` source (see NOTE [TypeScript in worker
 * threads]).
 */
import { SOURCE_HOOKS } from './source-hooks.js';

/** A started worker thread. */
export interface Thread {
  /** Sends a message, transferring the listed buffers. */
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  /** Stops the thread; resolves once it has exited. */
  terminate(): Promise<void>;
  /** Lets the process exit while this thread is idle (Node); a no-op in browsers. */
  unref(): void;
  /** Keeps the process alive while this thread works (Node); a no-op in browsers. */
  ref(): void;
  /** A numeric id for messages (`threadId` in Node). */
  readonly id: number;
}

/** Callbacks from a thread. */
export interface ThreadHandlers {
  message(data: unknown): void;
  /** An uncaught error in the thread. */
  error(error: unknown): void;
  /** The thread stopped (exit code in Node). */
  exit(code: number): void;
}

const BOOTSTRAP = `
const { workerData } = await import('node:worker_threads');
if (workerData.hooks) {
  const { register } = await import('node:module');
  register(workerData.hooks.url, { data: workerData.hooks.data });
}
const entry = await import(workerData.entry);
entry.runWorker();
`;

const BROWSER_BOOTSTRAP = (entry: string) => `import(${JSON.stringify(entry)}).then((m) => m.runWorker());`;

let nextBrowserId = 1;

function isNode(): boolean {
  const processLike = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof processLike?.versions?.node === 'string';
}

/** Starts a worker thread running `runWorker()` from the module at `entryUrl`. */
export async function spawnThread(entryUrl: string, handlers: ThreadHandlers): Promise<Thread> {
  if (isNode()) return spawnNodeThread(entryUrl, handlers);
  return spawnBrowserThread(entryUrl, handlers);
}

async function spawnNodeThread(entryUrl: string, handlers: ThreadHandlers): Promise<Thread> {
  const { Worker } = await import('node:worker_threads');
  let hooks: { url: string; data: { typescript: string } } | undefined;
  if (/\.m?ts$/.test(entryUrl)) {
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    let typescript: string;
    try {
      typescript = pathToFileURL(createRequire(entryUrl).resolve('typescript')).href;
    } catch {
      throw new Error(
        'DataLoader workers started from TypeScript sources need the `typescript` package to transpile them; ' +
          'install it or run the compiled package',
      );
    }
    hooks = { url: `data:text/javascript,${encodeURIComponent(SOURCE_HOOKS)}`, data: { typescript } };
  }
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOTSTRAP)}`), {
    workerData: { entry: entryUrl, hooks },
  });
  worker.on('message', handlers.message);
  worker.on('error', handlers.error);
  worker.on('exit', handlers.exit);
  return {
    id: worker.threadId,
    post: (message, transfer) => worker.postMessage(message, transfer as ArrayBuffer[] | undefined),
    terminate: async () => {
      await worker.terminate();
    },
    unref: () => worker.unref(),
    ref: () => worker.ref(),
  };
}

async function spawnBrowserThread(entryUrl: string, handlers: ThreadHandlers): Promise<Thread> {
  const WorkerClass = (globalThis as { Worker?: new (url: string | URL, options?: object) => BrowserWorker })
    .Worker;
  if (WorkerClass === undefined)
    throw new Error('DataLoader workers need worker_threads (Node) or Web Workers');
  const blob = new Blob([BROWSER_BOOTSTRAP(entryUrl)], { type: 'text/javascript' });
  const url = URL.createObjectURL(blob);
  const worker = new WorkerClass(url, { type: 'module' });
  let exited = false;
  worker.onmessage = (event) => handlers.message(event.data);
  worker.onerror = (event) => handlers.error(event.error ?? new Error(event.message));
  return {
    id: nextBrowserId++,
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    terminate: async () => {
      worker.terminate();
      URL.revokeObjectURL(url);
      if (!exited) {
        exited = true;
        handlers.exit(1);
      }
    },
    unref: () => {},
    ref: () => {},
  };
}

interface BrowserWorker {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { error?: unknown; message: string }) => void) | null;
  postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
  terminate(): void;
}

/** The worker side's channel to the main thread. */
export interface ParentChannel {
  post(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  onMessage(handler: (data: unknown) => void): void;
}

/** The channel to the main thread, from inside a worker. */
export async function parentChannel(): Promise<ParentChannel> {
  if (isNode()) {
    const { parentPort } = await import('node:worker_threads');
    if (parentPort === null) throw new Error('runWorker() must run in a worker thread');
    return {
      post: (message, transfer) => parentPort.postMessage(message, transfer as ArrayBuffer[] | undefined),
      onMessage: (handler) => parentPort.on('message', handler),
    };
  }
  const scope = globalThis as unknown as {
    postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
    onmessage: ((event: { data: unknown }) => void) | null;
  };
  return {
    post: (message, transfer) => scope.postMessage(message, transfer ?? []),
    onMessage: (handler) => {
      scope.onmessage = (event) => handler(event.data);
    },
  };
}
