/**
 * IDX, the format of the MNIST files: two zero bytes, a type code, the number of dimensions, each dimension as a
 * big-endian uint32, then the values, big-endian, row-major. Gzipped files (`.gz`, as MNIST is distributed) are
 * recognised by their magic bytes.
 *
 * Files are validated before anything is allocated: a wrong magic number, an unknown type code, or a size that does
 * not match the header (truncated or with trailing bytes) is a `DataFileError` naming the file and the byte offsets.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type DType, fromTypedArray, type Tensor, type TypedArray } from '@proj/tensor';
import { Dataset } from '../dataset.js';
import type { WorkerSource } from '../internal/module-ref.js';
import { markTransferable } from '../internal/transfer.js';
import { DataFileError } from './errors.js';

const IDX_TYPES: Record<number, { dtype: DType; size: number; name: string }> = {
  8: { dtype: 'uint8', size: 1, name: 'unsigned byte' },
  9: { dtype: 'int8', size: 1, name: 'signed byte' },
  11: { dtype: 'int16', size: 2, name: 'short' },
  12: { dtype: 'int32', size: 4, name: 'int' },
  13: { dtype: 'float32', size: 4, name: 'float' },
  14: { dtype: 'float64', size: 8, name: 'double' },
};

/** The header of an IDX file. */
export interface IdxHeader {
  dtype: DType;
  shape: number[];
  /** Bytes per value. */
  itemSize: number;
  /** Offset of the first value. */
  dataOffset: number;
}

/** Parses and validates an IDX header; `totalBytes` is the file's size, checked against the header. */
export function parseIdxHeader(bytes: Uint8Array, file: string, totalBytes: number): IdxHeader {
  if (bytes.length < 4)
    throw new DataFileError(file, null, `too short for an IDX header (${totalBytes} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFileError(
      file,
      null,
      `not an IDX file: bytes 0-1 are 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}, expected 0x00 0x00`,
    );
  }
  const type = IDX_TYPES[bytes[2]!];
  if (type === undefined)
    throw new DataFileError(file, null, `unknown IDX type code 0x${hex(bytes[2]!)} at byte 2`);
  const ndim = bytes[3]!;
  const dataOffset = 4 + 4 * ndim;
  if (totalBytes < dataOffset) {
    throw new DataFileError(
      file,
      null,
      `truncated header: ${ndim} dimensions need ${dataOffset} bytes, the file has ${totalBytes}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let numel = 1;
  for (let d = 0; d < ndim; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    numel *= size;
  }
  const expected = dataOffset + numel * type.size;
  if (totalBytes < expected) {
    throw new DataFileError(
      file,
      null,
      `truncated: the header promises shape [${shape.join(', ')}] of ${type.name} (${expected} bytes in all), but the file has ${totalBytes} bytes`,
    );
  }
  if (totalBytes > expected) {
    throw new DataFileError(
      file,
      null,
      `${totalBytes - expected} unexpected bytes after the data, which ends at byte ${expected}`,
    );
  }
  return { dtype: type.dtype, shape, itemSize: type.size, dataOffset };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** Big-endian values → a native typed array of the dtype. */
function decodeValues(bytes: Uint8Array, dtype: DType, count: number): TypedArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(bytes.subarray(0, count));
    case 'int8':
      return new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    default: {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes the bytes of an IDX file (gzipped or not) into a tensor. */
export function parseIdx(bytes: Uint8Array, file = '<buffer>'): Tensor {
  let raw = bytes;
  if (isGzip(raw)) {
    try {
      raw = gunzipSync(raw);
    } catch (error) {
      throw new DataFileError(file, null, `corrupt gzip data: ${(error as Error).message}`);
    }
  }
  const header = parseIdxHeader(raw, file, raw.length);
  const count = header.shape.reduce((a, b) => a * b, 1);
  return fromTypedArray(decodeValues(raw.subarray(header.dataOffset), header.dtype, count), header.shape);
}

/** Reads an IDX file (e.g. `train-images-idx3-ubyte[.gz]`) into a tensor of its dtype and shape. */
export async function readIdx(file: string): Promise<Tensor> {
  return parseIdx(await readFile(file), file);
}

/** `readIdx`, synchronously. */
export function readIdxSync(file: string): Tensor {
  return parseIdx(readFileSync(file), file);
}

/**
 * A map-style dataset over the first dimension of an IDX file: item `i` is a tensor of the remaining dimensions
 * (a 28×28 uint8 image for MNIST images, a 0-d uint8 label for labels). Uncompressed files are read item by item
 * from disk (only the header is read up front); gzipped ones are decompressed into memory once.
 */
export class IdxDataset extends Dataset<Tensor> {
  /** The file. */
  readonly file: string;
  /** Header of the file. */
  readonly header: IdxHeader;
  private fd: number | null = null;
  private readonly whole: Tensor | null = null;
  private readonly itemShape: number[];
  private readonly itemBytes: number;

  constructor(file: string) {
    super();
    this.file = file;
    const fd = openSync(file, 'r');
    let keepOpen = false;
    try {
      const size = fstatSync(fd).size;
      const head = new Uint8Array(Math.min(size, 4 + 4 * 255));
      readSync(fd, head, 0, head.length, 0);
      if (isGzip(head)) {
        this.whole = parseIdx(readFileSync(file), file);
        this.header = { dtype: this.whole.dtype, shape: this.whole.shape, itemSize: 0, dataOffset: 0 };
      } else {
        this.header = parseIdxHeader(head, file, size);
        keepOpen = true;
      }
    } finally {
      if (keepOpen) this.fd = fd;
      else closeSync(fd);
    }
    if (this.header.shape.length === 0)
      throw new DataFileError(file, null, 'a 0-dimensional IDX file has no items');
    this.itemShape = this.header.shape.slice(1);
    this.itemBytes = this.itemShape.reduce((a, b) => a * b, 1) * this.header.itemSize;
  }

  get length(): number {
    return this.header.shape[0]!;
  }

  getItem(index: number): Tensor {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new RangeError(`index ${index} is out of range for ${n} items`);
    if (this.whole !== null) return this.whole.select(0, i);
    if (this.fd === null) throw new Error(`IdxDataset(${this.file}) is closed`);
    const bytes = new Uint8Array(this.itemBytes);
    readSync(this.fd, bytes, 0, this.itemBytes, this.header.dataOffset + i * this.itemBytes);
    const count = this.itemBytes / this.header.itemSize;
    return markTransferable(fromTypedArray(decodeValues(bytes, this.header.dtype, count), this.itemShape));
  }

  /** Closes the file (uncompressed files stay open for reading items). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  override workerSource(): WorkerSource {
    return { module: import.meta.url, exportName: 'IdxDataset', args: [this.file] };
  }
}
