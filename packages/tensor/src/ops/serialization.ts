/**
 * `save(obj, path)` / `load(path)`: tensors and nested objects/arrays of tensors in the safetensors format. Tensors
 * are stored under their dotted path (`layer.0.weight`); the nesting and any plain values are kept in the header's
 * `__metadata__` under `proj.structure`, so the file opens in any safetensors reader.
 */
import { type DType, itemsize } from '../dtype.js';
import { ValueError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry, writeFileAtomic, writeFileAtomicSync } from '../safetensors.js';
import { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { allocArray } from '../dtype.js';
import { toTypedArray } from './convert.js';

/** What `save` accepts: tensors, plain values, and arrays/objects/Maps of them. */
export type Saveable = Tensor | number | string | boolean | null | bigint | readonly Saveable[] | { [key: string]: Saveable } | Map<string, Saveable>;

const STRUCTURE_KEY = 'proj.structure';

type Structure =
  | { t: string }
  | { v: unknown }
  | { b: string }
  | { a: Structure[] }
  | { o: [string, Structure][] }
  | { m: [string, Structure][] };

function describe(value: Saveable, path: string, entries: SafetensorsEntry[], seen: Set<string>): Structure {
  if (value instanceof Tensor) {
    const name = path === '' ? 'tensor' : path;
    if (seen.has(name)) throw new ValueError(`save(): two values map to the key '${name}'`);
    seen.add(name);
    const data = toTypedArray(value);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    entries.push({ name, dtype: value.dtype, shape: value.shape, bytes: littleEndian(bytes, itemsize(value.dtype)) });
    return { t: name };
  }
  const child = (key: string) => (path === '' ? key : `${path}.${key}`);
  if (Array.isArray(value)) return { a: value.map((v, i) => describe(v as Saveable, child(String(i)), entries, seen)) };
  if (value instanceof Map) {
    return { m: [...value.entries()].map(([k, v]) => [k, describe(v, child(k), entries, seen)] as [string, Structure]) };
  }
  if (typeof value === 'bigint') return { b: value.toString() };
  if (value !== null && typeof value === 'object') {
    return { o: Object.entries(value).map(([k, v]) => [k, describe(v as Saveable, child(k), entries, seen)] as [string, Structure]) };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { v: String(value) };
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return { v: value };
  throw new ValueError(`save(): cannot serialise a value of type ${typeof value}`);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(bytes: Uint8Array, size: number): Uint8Array {
  if (LITTLE_ENDIAN || size === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!;
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

function rebuild(structure: Structure, tensors: Map<string, Tensor>, fileName: string): Saveable {
  if ('t' in structure) {
    const t = tensors.get(structure.t);
    if (t === undefined) throw new ValueError(`load(): '${fileName}' names tensor '${structure.t}' but does not contain it`);
    return t;
  }
  if ('v' in structure) {
    const v = structure.v;
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    return v as Saveable;
  }
  if ('b' in structure) return BigInt(structure.b);
  if ('a' in structure) return structure.a.map((s) => rebuild(s, tensors, fileName));
  if ('m' in structure) return new Map(structure.m.map(([k, s]) => [k, rebuild(s, tensors, fileName)]));
  if ('o' in structure) return Object.fromEntries(structure.o.map(([k, s]) => [k, rebuild(s, tensors, fileName)]));
  throw new ValueError(`load(): '${fileName}' has a malformed ${STRUCTURE_KEY} entry`);
}

/** Reads safetensors bytes back into the saved object (a flat `{ name: Tensor }` object for foreign files). */
export function deserialize(bytes: Uint8Array, fileName = '<bytes>'): Saveable {
  const { metadata, entries } = decodeSafetensors(bytes, { fileName });
  const tensors = new Map(entries.map((e) => [e.name, tensorFromEntry(e)]));
  const text = metadata?.[STRUCTURE_KEY];
  if (text === undefined) return Object.fromEntries(tensors);
  let structure: Structure;
  try {
    structure = JSON.parse(text) as Structure;
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
  if (getBuiltin === undefined) throw new Error('load() needs Node 20.16 or newer; use await loadAsync(path)');
  const fs = getBuiltin('node:fs') as typeof import('node:fs');
  return deserialize(new Uint8Array(fs.readFileSync(path)), path);
}
