/**
 * `save(obj, path)` / `load(path)`: tensors and nested objects/arrays of tensors in the safetensors format. Tensors
 * are stored under their dotted path (`layer.0.weight`); the nesting and any plain values are kept in the header's
 * `__metadata__` under `proj.structure`, so the file opens in any safetensors reader.
 */
import { allocArray, type DType, itemsize } from '../dtype.js';
import { ValueError } from '../errors.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsEntry,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../safetensors.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { toTypedArray } from './convert.js';
import { sparseCooTensor } from './sparse.js';

/** What `save` accepts: tensors, plain values, and arrays/objects/Maps of them. */
export type Saveable =
  | Tensor
  | number
  | string
  | boolean
  | null
  | bigint
  | readonly Saveable[]
  | { [key: string]: Saveable }
  | Map<string, Saveable>;

const STRUCTURE_KEY = 'proj.structure';
const METADATA_KEY = '__metadata__';

type Structure =
  | { t: string }
  | { s: [string, string, number[], boolean] }
  | { v: unknown }
  | { n: string }
  | { b: string }
  | { a: Structure[] }
  | { o: [string, Structure][] }
  | { m: [string, Structure][] };

function describe(value: Saveable, path: string, entries: SafetensorsEntry[], seen: Set<string>): Structure {
  if (value instanceof Tensor && value._sparse !== null) {
    // A sparse tensor is stored as its two dense parts, `<key>._indices` and `<key>._values`.
    const base = path === '' ? 'tensor' : path;
    const indices = describe(value._sparse.indices, `${base}._indices`, entries, seen) as { t: string };
    const values = describe(value._sparse.values, `${base}._values`, entries, seen) as { t: string };
    return { s: [indices.t, values.t, value.shape, value._sparse.coalesced] };
  }
  if (value instanceof Tensor) {
    // The safetensors header reserves `__metadata__`; the structure entry maps keys to names, so any name works.
    const name = path === '' ? 'tensor' : path === METADATA_KEY ? `${METADATA_KEY}.tensor` : path;
    if (seen.has(name)) throw new ValueError(`save(): two values map to the key '${name}'`);
    seen.add(name);
    const data = toTypedArray(value);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    entries.push({
      name,
      dtype: value.dtype,
      shape: value.shape,
      bytes: littleEndian(bytes, itemsize(value.dtype)),
    });
    return { t: name };
  }
  const child = (key: string) => (path === '' ? key : `${path}.${key}`);
  if (Array.isArray(value))
    return { a: value.map((v, i) => describe(v as Saveable, child(String(i)), entries, seen)) };
  if (value instanceof Map) {
    return {
      m: [...value.entries()].map(
        ([k, v]) => [k, describe(v, child(k), entries, seen)] as [string, Structure],
      ),
    };
  }
  if (typeof value === 'bigint') return { b: value.toString() };
  if (value !== null && typeof value === 'object') {
    return {
      o: Object.entries(value).map(
        ([k, v]) => [k, describe(v as Saveable, child(k), entries, seen)] as [string, Structure],
      ),
    };
  }
  // JSON has no NaN, infinities or negative zero: they are stored by name, apart from strings.
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { n: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    return { v: value };
  throw new ValueError(`save(): cannot serialise a value of type ${typeof value}`);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(bytes: Uint8Array, size: number): Uint8Array {
  if (LITTLE_ENDIAN || size === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size)
    for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!;
  return out;
}

/** Serialises `obj` to safetensors bytes (what `save` writes). */
export function serialize(obj: Saveable): Uint8Array {
  const entries: SafetensorsEntry[] = [];
  const structure = describe(obj, '', entries, new Set());
  return encodeSafetensors(entries, { [STRUCTURE_KEY]: JSON.stringify(structure), format: 'pt' });
}

function tensorFromEntry(entry: SafetensorsEntry): Tensor {
  const dtype = entry.dtype as DType;
  const size = itemsize(dtype);
  const array = allocArray(dtype, entry.bytes.length / size);
  new Uint8Array(array.buffer).set(littleEndian(entry.bytes, size));
  return new Tensor(new Storage(dtype, array), entry.shape);
}

const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
]);

/** Rebuilds the saved value, validating every node of the (untrusted) structure entry. */
function rebuild(structure: unknown, tensors: Map<string, Tensor>, fileName: string, depth = 0): Saveable {
  const malformed = (): never => {
    throw new ValueError(`load(): '${fileName}' has a malformed ${STRUCTURE_KEY} entry`);
  };
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure) || depth > 1000)
    malformed();
  const node = structure as Record<string, unknown>;
  const keys = Object.keys(node);
  if (keys.length !== 1) malformed();
  const pairs = (list: unknown): [string, unknown][] => {
    if (!Array.isArray(list)) malformed();
    for (const pair of list as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') malformed();
    }
    return list as [string, unknown][];
  };
  switch (keys[0]) {
    case 't': {
      if (typeof node.t !== 'string') malformed();
      const t = tensors.get(node.t as string);
      if (t === undefined)
        throw new ValueError(`load(): '${fileName}' names tensor '${node.t}' but does not contain it`);
      return t;
    }
    case 's': {
      const parts = node.s;
      if (!Array.isArray(parts) || parts.length !== 4 || typeof parts[3] !== 'boolean') malformed();
      const [indicesName, valuesName, size, coalesced] = parts as unknown[];
      if (!Array.isArray(size) || !size.every((d) => Number.isInteger(d) && (d as number) >= 0)) malformed();
      const indices = rebuild({ t: indicesName }, tensors, fileName, depth + 1) as Tensor;
      const values = rebuild({ t: valuesName }, tensors, fileName, depth + 1) as Tensor;
      try {
        return sparseCooTensor(indices, values, size as number[], { isCoalesced: coalesced as boolean });
      } catch (error) {
        throw new ValueError(
          `load(): '${fileName}' holds an invalid sparse tensor: ${(error as Error).message}`,
        );
      }
    }
    case 'v': {
      const v = node.v;
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') malformed();
      return v as Saveable;
    }
    case 'n':
      if (typeof node.n !== 'string' || !SPECIAL_NUMBERS.has(node.n)) malformed();
      return SPECIAL_NUMBERS.get(node.n as string)!;
    case 'b':
      if (typeof node.b !== 'string' || !/^-?\d+$/.test(node.b)) malformed();
      return BigInt(node.b as string);
    case 'a':
      if (!Array.isArray(node.a)) malformed();
      return (node.a as unknown[]).map((s) => rebuild(s, tensors, fileName, depth + 1));
    case 'm':
      return new Map(pairs(node.m).map(([k, s]) => [k, rebuild(s, tensors, fileName, depth + 1)]));
    case 'o':
      // fromEntries defines own properties, so a key like "__proto__" stays plain data.
      return Object.fromEntries(pairs(node.o).map(([k, s]) => [k, rebuild(s, tensors, fileName, depth + 1)]));
    default:
      return malformed();
  }
}

/** Reads safetensors bytes back into the saved object (a flat `{ name: Tensor }` object for foreign files). */
export function deserialize(bytes: Uint8Array, fileName = '<bytes>'): Saveable {
  const { metadata, entries } = decodeSafetensors(bytes, { fileName });
  const tensors = new Map(entries.map((e) => [e.name, tensorFromEntry(e)]));
  const text = metadata?.[STRUCTURE_KEY];
  if (text === undefined) return Object.fromEntries(tensors);
  let structure: unknown;
  try {
    structure = JSON.parse(text);
  } catch {
    throw new ValueError(`load(): '${fileName}' has a corrupted ${STRUCTURE_KEY} entry (not JSON)`);
  }
  return rebuild(structure, tensors, fileName);
}

/**
 * `torch.save(obj, path)`: writes atomically (temporary file, fsync, rename), so a crash never destroys the
 * previous file.
 */
export function save(obj: Saveable, path: string): void {
  writeFileAtomicSync(path, serialize(obj));
}

/** Async `save`. */
export async function saveAsync(obj: Saveable, path: string): Promise<void> {
  await writeFileAtomic(path, serialize(obj));
}

/** Async `load`. */
export async function loadAsync(path: string): Promise<Saveable> {
  const { readFile } = await import('node:fs/promises');
  return deserialize(new Uint8Array(await readFile(path)), path);
}

/** `torch.load(path)`: validates the whole file before allocating tensors. */
export function load(path: string): Saveable {
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (getBuiltin === undefined)
    throw new Error('load() needs Node 20.16 or newer; use await loadAsync(path)');
  const fs = getBuiltin('node:fs') as typeof import('node:fs');
  return deserialize(new Uint8Array(fs.readFileSync(path)), path);
}
