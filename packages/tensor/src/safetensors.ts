/**
 * The safetensors format (https://github.com/huggingface/safetensors), encoded and decoded exactly as
 * the reference Rust implementation does, plus crash-safe file writing.
 *
 * Layout: 8 bytes little-endian u64 `N`; `N` bytes of UTF-8 JSON header (starting with `{`, padded
 * with spaces to a multiple of 8 so every tensor's data is 8-byte aligned);
 * then the byte buffer, which the tensors must cover exactly (no gaps, no overlaps, no trailing bytes).
 * Header: `{"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}`,
 * offsets relative to the start of the byte buffer, data little-endian and row-major.
 *
 * This module is pure except for {@link writeFileAtomic}/{@link writeFileAtomicSync}, which reach
 * `node:fs` only when called, so the codec also loads in browsers.
 */
import type * as NodeFs from 'node:fs';

/** One tensor in a safetensors file. `dtype` is our dtype name ('float32', 'int64', 'bool', ...). */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Raw little-endian, row-major element bytes (a view into the file when decoded). */
  bytes: Uint8Array;
}

/** A safetensors file that cannot be read, or entries that cannot be written. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const DTYPE_TO_CODE: Readonly<Record<string, string>> = {
  float64: 'F64',
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
};

const CODE_TO_DTYPE: ReadonlyMap<string, string> = new Map(
  Object.entries(DTYPE_TO_CODE).map(([dtype, code]) => [code, dtype]),
);

const CODE_ITEM_SIZE: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/**
 * The reference's `Dtype` enum order ("increasing alignment"); it writes tensors in descending
 * order of this rank, then by name, so the largest alignments come first.
 */
const REFERENCE_DTYPE_RANK: Readonly<Record<string, number>> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  F8_E5M2: 3,
  F8_E4M3: 4,
  I16: 5,
  U16: 6,
  F16: 7,
  BF16: 8,
  I32: 9,
  U32: 10,
  F32: 11,
  F64: 12,
  I64: 13,
  U64: 14,
};

/** The reference implementation refuses headers above 100 MB; so do we, before reading them. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const SPACE = 0x20;
const OPEN_BRACE = 0x7b;

const utf8Encoder = new TextEncoder();

function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Element count, or null when it cannot be represented exactly (the reference's ValidationOverflow). */
function checkedNumel(shape: readonly number[]): number | null {
  let numel = 1;
  for (const size of shape) {
    if (size === 0) return 0;
  }
  for (const size of shape) {
    numel *= size;
    if (numel > Number.MAX_SAFE_INTEGER) return null;
  }
  return numel;
}

function isWellFormedString(text: string): boolean {
  // Lone surrogates cannot be encoded as UTF-8 and the reference's JSON parser rejects them.
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** Orders strings as Rust's `str::cmp` does: by UTF-8 bytes, which is code point order. */
function compareUtf8(left: string, right: string): number {
  const leftPoints = Array.from(left, (character) => character.codePointAt(0)!);
  const rightPoints = Array.from(right, (character) => character.codePointAt(0)!);
  const length = Math.min(leftPoints.length, rightPoints.length);
  for (let index = 0; index < length; index++) {
    const difference = leftPoints[index]! - rightPoints[index]!;
    if (difference !== 0) return difference;
  }
  return leftPoints.length - rightPoints.length;
}

/**
 * Serializes tensors to a safetensors file image, byte for byte as the reference implementation
 * (`safetensors.torch.save_file`) writes it: tensors ordered by descending dtype alignment then by
 * name, compact JSON with `__metadata__` first, header padded with spaces to a multiple of 8.
 * Metadata keys keep the order given (the reference uses a hash map, so any order is valid).
 *
 * @example
 * const file = encodeSafetensors([{ name: 'w', dtype: 'float32', shape: [2], bytes }], { format: 'pt' });
 */
export function encodeSafetensors(
  entries: SafetensorsEntry[],
  metadata?: Record<string, string>,
): Uint8Array {
  const names = new Set<string>();
  for (const entry of entries) {
    const code = DTYPE_TO_CODE[entry.dtype];
    if (code === undefined) {
      throw new SafetensorsError(
        `cannot save tensor '${entry.name}': dtype '${entry.dtype}' has no safetensors code ` +
          `(supported: ${Object.keys(DTYPE_TO_CODE).join(', ')})`,
      );
    }
    if (entry.name === METADATA_KEY) {
      throw new SafetensorsError(
        `cannot save a tensor named '${METADATA_KEY}': the name is reserved for metadata`,
      );
    }
    if (!isWellFormedString(entry.name)) {
      throw new SafetensorsError(
        `cannot save tensor ${JSON.stringify(entry.name)}: its name is not valid Unicode`,
      );
    }
    if (names.has(entry.name)) throw new SafetensorsError(`cannot save two tensors named '${entry.name}'`);
    names.add(entry.name);
    for (const size of entry.shape) {
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new SafetensorsError(
          `cannot save tensor '${entry.name}': invalid shape ${describeShape(entry.shape)}`,
        );
      }
    }
    const numel = checkedNumel(entry.shape);
    const expectedBytes = numel === null ? null : numel * CODE_ITEM_SIZE[code]!;
    if (expectedBytes !== entry.bytes.length) {
      throw new SafetensorsError(
        `cannot save tensor '${entry.name}': ${entry.bytes.length} bytes given but shape ` +
          `${describeShape(entry.shape)} of ${entry.dtype} needs ${expectedBytes ?? 'too many'}`,
      );
    }
  }
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new SafetensorsError(
          `cannot save metadata '${key}': values must be strings, got ${typeof value}`,
        );
      }
      if (!isWellFormedString(key) || !isWellFormedString(value)) {
        throw new SafetensorsError(`cannot save metadata ${JSON.stringify(key)}: it is not valid Unicode`);
      }
    }
  }

  const ordered = entries.slice().sort((left, right) => {
    const rankDifference =
      REFERENCE_DTYPE_RANK[DTYPE_TO_CODE[right.dtype]!]! - REFERENCE_DTYPE_RANK[DTYPE_TO_CODE[left.dtype]!]!;
    return rankDifference !== 0 ? rankDifference : compareUtf8(left.name, right.name);
  });

  // The JSON is assembled by hand because JSON.stringify moves integer-like keys ("0", "1") first.
  const members: string[] = [];
  if (metadata !== undefined) {
    const pairs = Object.entries(metadata).map(
      ([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`,
    );
    members.push(`"${METADATA_KEY}":{${pairs.join(',')}}`);
  }
  let dataLength = 0;
  for (const entry of ordered) {
    const begin = dataLength;
    dataLength += entry.bytes.length;
    members.push(
      `${JSON.stringify(entry.name)}:{"dtype":"${DTYPE_TO_CODE[entry.dtype]!}",` +
        `"shape":[${entry.shape.join(',')}],"data_offsets":[${begin},${dataLength}]}`,
    );
  }
  const headerText = utf8Encoder.encode(`{${members.join(',')}}`);
  const headerLength = headerText.length + ((8 - (headerText.length % 8)) % 8);

  const file = new Uint8Array(8 + headerLength + dataLength);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(headerText, 8);
  file.fill(SPACE, 8 + headerText.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const entry of ordered) {
    file.set(entry.bytes, position);
    position += entry.bytes.length;
  }
  return file;
}

interface ParsedTensorInfo {
  name: string;
  code: string;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and validates a safetensors file image. Every check (sizes, UTF-8, JSON, dtypes, shapes,
 * offsets, coverage of the data section) runs before anything is allocated for tensor data, and
 * the returned `bytes` are views into `buffer`, not copies. Entries come in data-offset order.
 * Errors name `options.fileName` when given and say what is wrong, e.g.
 * `safetensors file 'model.safetensors' is truncated: header says 1234 bytes but only 100 follow`.
 */
export function decodeSafetensors(
  buffer: Uint8Array,
  options: { fileName?: string } = {},
): { metadata: Record<string, string> | null; entries: SafetensorsEntry[] } {
  const subject =
    options.fileName !== undefined ? `safetensors file '${options.fileName}'` : 'safetensors data';
  const fail = (reason: string): never => {
    throw new SafetensorsError(`${subject} ${reason}`);
  };

  if (buffer.length < 8) {
    fail(`is too short: ${buffer.length} bytes, but the header length field alone takes 8`);
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const declaredHeaderLength = view.getBigUint64(0, true);
  if (declaredHeaderLength > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `is corrupted: header says ${declaredHeaderLength} bytes, more than the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  const headerLength = Number(declaredHeaderLength);
  const afterLength = buffer.length - 8;
  if (headerLength > afterLength) {
    fail(`is truncated: header says ${headerLength} bytes but only ${afterLength} follow`);
  }
  if (headerLength === 0 || buffer[8] !== OPEN_BRACE)
    fail(`is corrupted: the header does not start with '{'`);

  let headerText = '';
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(8, 8 + headerLength));
  } catch {
    fail('is corrupted: the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    fail(`is corrupted: the header is not valid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(header)) fail('is corrupted: the header is not a JSON object');
  const headerObject = header as Record<string, unknown>;

  let metadata: Record<string, string> | null = null;
  const infos: ParsedTensorInfo[] = [];
  for (const [name, value] of Object.entries(headerObject)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(value)) fail(`is corrupted: '${METADATA_KEY}' must be an object of strings`);
      const pairs = Object.entries(value as Record<string, unknown>);
      for (const [key, text] of pairs) {
        if (typeof text !== 'string') {
          fail(`is corrupted: metadata '${key}' must be a string, got ${JSON.stringify(text)}`);
        }
      }
      // fromEntries defines own properties, so a key like "__proto__" stays plain data.
      metadata = Object.fromEntries(pairs) as Record<string, string>;
      continue;
    }
    const where = `tensor '${name}'`;
    if (!isPlainObject(value)) fail(`is corrupted: the entry for ${where} is not an object`);
    const info = value as Record<string, unknown>;
    const code = info.dtype;
    if (typeof code !== 'string') fail(`is corrupted: ${where} has no dtype`);
    if (!CODE_TO_DTYPE.has(code as string)) {
      fail(
        `has ${where} with unsupported dtype ${JSON.stringify(code)} ` +
          `(supported: ${Object.keys(CODE_ITEM_SIZE).join(', ')})`,
      );
    }
    const shape = info.shape;
    if (
      !Array.isArray(shape) ||
      !shape.every((size) => Number.isSafeInteger(size) && (size as number) >= 0)
    ) {
      fail(
        `is corrupted: ${where} has an invalid shape ${JSON.stringify(shape)} (expected non-negative integers)`,
      );
    }
    const offsets = info.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((offset) => Number.isSafeInteger(offset) && (offset as number) >= 0)
    ) {
      fail(`is corrupted: ${where} has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin)
      fail(`is corrupted: ${where} has data_offsets [${begin}, ${end}] that end before they begin`);
    const numel = checkedNumel(shape as number[]);
    if (numel === null)
      fail(`is corrupted: ${where} has a shape ${JSON.stringify(shape)} too large to address`);
    const expectedBytes = (numel as number) * CODE_ITEM_SIZE[code as string]!;
    if (end - begin !== expectedBytes) {
      fail(
        `is corrupted: ${where} has data_offsets [${begin}, ${end}] (${end - begin} bytes) but ` +
          `dtype ${code as string} with shape ${describeShape(shape as number[])} needs ${expectedBytes} bytes`,
      );
    }
    infos.push({ name, code: code as string, shape: shape as number[], begin, end });
  }

  // The data section must be covered exactly, in offset order, as the reference validates it.
  infos.sort((left, right) => left.begin - right.begin || left.end - right.end);
  const dataStart = 8 + headerLength;
  const dataLength = buffer.length - dataStart;
  let covered = 0;
  let previous: ParsedTensorInfo | null = null;
  for (const info of infos) {
    if (info.begin < covered) {
      fail(
        `is corrupted: tensors '${previous!.name}' [${previous!.begin}, ${previous!.end}) and ` +
          `'${info.name}' [${info.begin}, ${info.end}) overlap`,
      );
    }
    if (info.begin > covered) {
      fail(
        `is corrupted: data bytes [${covered}, ${info.begin}) belong to no tensor (before '${info.name}')`,
      );
    }
    covered = info.end;
    previous = info;
  }
  if (covered > dataLength) {
    fail(
      `is truncated: tensor '${previous!.name}' needs data up to byte ${covered} but only ${dataLength} ` +
        `data bytes follow the header`,
    );
  }
  if (covered < dataLength) {
    fail(`is corrupted: ${dataLength - covered} trailing bytes after the last tensor's data`);
  }

  const entries = infos.map((info) => ({
    name: info.name,
    dtype: CODE_TO_DTYPE.get(info.code)!,
    shape: info.shape,
    bytes: buffer.subarray(dataStart + info.begin, dataStart + info.end),
  }));
  return { metadata, entries };
}

// ---------------------------------------------------------------------------------------------
// Crash-safe writing
// ---------------------------------------------------------------------------------------------

/** `node:fs`, looked up only when a file is written, so that the codec loads in browsers too. */
function nodeFs(): typeof NodeFs {
  const processObject = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const getBuiltinModule = processObject?.getBuiltinModule;
  if (getBuiltinModule === undefined) {
    throw new Error('writing files needs Node.js >= 20.16 (process.getBuiltinModule is missing)');
  }
  return getBuiltinModule.call(processObject, 'node:fs') as typeof NodeFs;
}

/** A fresh name beside `path`, so the final rename stays within one file system (and is atomic). */
function temporaryPathFor(path: string): string {
  const processObject = (globalThis as { process?: { pid?: number } }).process;
  return `${path}.${processObject?.pid ?? 0}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

function directoryOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (slash < 0) return '.';
  return slash === 0 ? path.slice(0, 1) : path.slice(0, slash);
}

/**
 * Writes `data` to `path` so that a crash or error never leaves a partial file: the bytes go to a
 * temporary file in the same directory, which is fsynced and then renamed over `path`. If anything
 * fails, the temporary file is removed and the previous `path` is untouched.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const fs = nodeFs();
  const temporaryPath = temporaryPathFor(path);
  try {
    const handle = await fs.promises.open(temporaryPath, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temporaryPath, path);
  } catch (error) {
    await fs.promises.rm(temporaryPath, { force: true });
    throw error;
  }
  // Persist the rename itself. Best effort: some platforms (Windows) cannot fsync a directory.
  try {
    const directory = await fs.promises.open(directoryOf(path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    // The data is already durable in the renamed file; only the directory entry may lag.
  }
}

/** Synchronous {@link writeFileAtomic}: same temporary file, fsync and rename, same guarantees. */
export function writeFileAtomicSync(path: string, data: Uint8Array): void {
  const fs = nodeFs();
  const temporaryPath = temporaryPathFor(path);
  try {
    const descriptor = fs.openSync(temporaryPath, 'wx');
    try {
      let written = 0;
      while (written < data.length) written += fs.writeSync(descriptor, data, written, data.length - written);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporaryPath, path);
  } catch (error) {
    fs.rmSync(temporaryPath, { force: true });
    throw error;
  }
  try {
    const directory = fs.openSync(directoryOf(path), 'r');
    try {
      fs.fsyncSync(directory);
    } finally {
      fs.closeSync(directory);
    }
  } catch {
    // See writeFileAtomic.
  }
}
