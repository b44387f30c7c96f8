/**
 * How a dataset (or a function) is rebuilt inside a worker thread.
 *
 * NOTE [Datasets in workers]: PyTorch pickles the dataset into each worker process. JavaScript cannot send objects
 * with their classes between threads, so a dataset that is to be loaded by workers describes how to rebuild itself:
 * `workerSource()` returns the URL of the ES module that defines it, the name of the export (a class, constructed
 * with `new`, or a factory function, called and awaited) and the constructor arguments. Arguments may contain
 * anything structured clone accepts, tensors (copied to every worker), and other datasets or functions that have a
 * worker source themselves (so `Subset(TensorDataset(x, y), indices)` travels as a tree).
 */
import { fromTypedArray, Tensor } from '@proj/tensor';
import { isPlainObject } from './transfer.js';

/** Where a worker thread finds a dataset or function: `import(module)[exportName]`, built with `args`. */
export interface WorkerSource {
  /** URL of the ES module (`import.meta.url` of the defining module), or an absolute file path. */
  module: string | URL;
  /** The export: a class (constructed with `new ...(args)`) or a function (called with `args`, then awaited). */
  exportName: string;
  /** Constructor or factory arguments: structured-clonable values, tensors, and datasets with a worker source. */
  args?: readonly unknown[];
}

/** Something that knows how to be rebuilt in a worker thread. */
export interface HasWorkerSource {
  workerSource(): WorkerSource | undefined;
}

/** A source as it travels in a message. */
export interface EncodedSource {
  module: string;
  exportName: string;
  args: unknown[];
}

/** The worker source of a dataset, or of a function tagged with `withWorkerSource`; undefined if it has none. */
export function workerSourceOf(value: unknown): WorkerSource | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const candidate = (value as { workerSource?: unknown }).workerSource;
  if (typeof candidate === 'function') return (candidate as () => WorkerSource | undefined).call(value);
  if (candidate !== null && typeof candidate === 'object') return candidate as WorkerSource;
  return undefined;
}

/**
 * Tags a function exported from a module so that DataLoader workers can import it (for `collateFn` and
 * `workerInitFn` with `numWorkers > 0`).
 *
 * ```ts
 * export const collateFn = withWorkerSource((batch: Sample[]) => ..., import.meta.url, 'collateFn');
 * ```
 */
export function withWorkerSource<F extends (...args: never[]) => unknown>(
  fn: F,
  module: string | URL,
  exportName: string = fn.name,
): F & { workerSource: WorkerSource } {
  if (exportName === '') throw new TypeError('withWorkerSource(): the function has no name; pass exportName');
  return Object.assign(fn, { workerSource: { module, exportName } });
}

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('/')) return new URL(`file://${module}`).href;
  return module;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Encodes a worker source (recursively) for `postMessage`; throws a TypeError naming what cannot be sent. */
export function encodeSource(source: WorkerSource, what: string): EncodedSource {
  const encode = (value: unknown, path: string): unknown => {
    if (value instanceof Tensor) {
      return { $tensor: { dtype: value.dtype, shape: value.shape, data: value.toTypedArray() } };
    }
    const nested = workerSourceOf(value);
    if (nested !== undefined) return { $source: encodeSource(nested, path) };
    if (typeof value === 'function') {
      throw new TypeError(
        `${path} is a ${describe(value)}, which cannot be sent to a DataLoader worker; tag it with ` +
          'withWorkerSource(fn, import.meta.url, name) in the module that exports it',
      );
    }
    if (Array.isArray(value)) return value.map((x, i) => encode(x, `${path}[${i}]`));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = encode(value[key], `${path}.${key}`);
      return out;
    }
    if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !isCloneable(value)) {
      throw new TypeError(
        `${path} is a ${describe(value)}, which cannot be sent to a DataLoader worker; give its class a ` +
          'workerSource() method (see the @proj/data README, "Workers")',
      );
    }
    return value;
  };
  const args = (source.args ?? []).map((a, i) => encode(a, `${what} argument ${i}`));
  return { module: moduleUrl(source.module), exportName: source.exportName, args };
}

function isCloneable(value: object): boolean {
  return (
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof ArrayBuffer ||
    value instanceof URL ||
    value instanceof Error
  );
}

function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** Rebuilds a value from `encodeSource` in a worker: imports the module and constructs or calls the export. */
export async function buildFromSource(source: EncodedSource): Promise<unknown> {
  const decode = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(decode));
    if (isPlainObject(value)) {
      if (isPlainObject(value.$tensor)) {
        const t = value.$tensor as { dtype: never; shape: number[]; data: never };
        return fromTypedArray(t.data, t.shape, { dtype: t.dtype });
      }
      if (isPlainObject(value.$source)) return buildFromSource(value.$source as unknown as EncodedSource);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = await decode(value[key]);
      return out;
    }
    return value;
  };
  const exported = await importFromSource(source);
  const args = (await decode(source.args)) as unknown[];
  if (isClass(exported)) return new (exported as unknown as new (...a: unknown[]) => unknown)(...args);
  return await exported(...args);
}

/** The exported function named by a source (for `collateFn` and `workerInitFn`), imported in a worker. */
export async function importFromSource(source: EncodedSource): Promise<(...args: unknown[]) => unknown> {
  const namespace = (await import(source.module)) as Record<string, unknown>;
  const exported = namespace[source.exportName];
  if (typeof exported !== 'function') {
    throw new TypeError(`${source.module} has no exported class or function named '${source.exportName}'`);
  }
  return exported as (...args: unknown[]) => unknown;
}
