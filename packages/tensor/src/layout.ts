/**
 * Shape and stride arithmetic shared by every op: contiguity, broadcasting, dim wrapping, view geometry.
 * Strides are in elements, as PyTorch reports them.
 */
import { IndexError, RuntimeError } from './errors.js';

/** Row-major strides for a shape (PyTorch gives size-1 dims the stride they would have anyway). */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i]!, 1);
  }
  return strides;
}

/** Product of the dims. */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** PyTorch's `is_contiguous`: size-1 dims may have any stride; empty tensors are contiguous. */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  // Any empty tensor is contiguous, whatever the strides of its other dims (checked before them, as PyTorch does).
  for (const size of shape) if (size === 0) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i]!;
    if (size !== 1) {
      if (strides[i] !== expected) return false;
      expected *= size;
    }
  }
  return true;
}

/** PyTorch's `is_non_overlapping_and_dense`: the elements fill a contiguous block exactly once, in some dim order. */
export function isNonOverlappingAndDense(shape: readonly number[], strides: readonly number[]): boolean {
  const ndim = shape.length;
  if (ndim === 0) return true;
  if (ndim === 1) return shape[0]! < 2 || strides[0] === 1;
  const order = shape.map((_, i) => i);
  order.sort((a, b) => {
    if (shape[a]! < 2) return shape[b]! < 2 ? 0 : 1;
    if (shape[b]! < 2) return -1;
    return strides[a]! - strides[b]!;
  });
  let required = 1;
  for (const d of order) {
    if (shape[d]! < 2) return true;
    if (strides[d] !== required) return false;
    required *= shape[d]!;
  }
  return true;
}

/**
 * PyTorch's `infer_dense_strides`: dense strides that keep the input's dim order (by stride, smallest innermost),
 * used by `clone`/`empty_like` with the preserve memory format. Zero strides keep the contiguous order.
 */
export function inferDenseStrides(shape: readonly number[], strides: readonly number[]): number[] {
  const ndim = shape.length;
  const order: number[] = [];
  for (let d = ndim - 1; d >= 0; d--) order.push(d);
  const compare = (a: number, b: number): number => {
    const sa = strides[a]!;
    const sb = strides[b]!;
    if (sa === 0 || sb === 0) return 0;
    if (sa < sb) return -1;
    if (sa > sb) return 1;
    return shape[a]! > shape[b]! ? 1 : 0;
  };
  // Insertion sort that stops at ambiguous comparisons, exactly as PyTorch does.
  for (let i = 1; i < ndim; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const comparison = compare(order[dim0]!, order[dim1]!);
      if (comparison > 0) {
        [order[dim0], order[dim1]] = [order[dim1]!, order[dim0]!];
        dim1 = dim0;
      } else if (comparison < 0) break;
    }
  }
  const out = new Array<number>(ndim);
  let current = 1;
  for (const d of order) {
    out[d] = current;
    if (shape[d]! > 1) current *= shape[d]!;
  }
  return out;
}

/** Wraps a possibly negative dim into [0, ndim) with PyTorch's IndexError otherwise. */
export function wrapDim(dim: number, ndim: number, scalarOk = true): number {
  const effective = ndim === 0 && scalarOk ? 1 : ndim;
  if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${dim}`);
  if (dim < -effective || dim >= effective) {
    throw new IndexError(
      `Dimension out of range (expected to be in range of [${-effective}, ${effective - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + effective : dim;
}

/** Wraps a list of dims, rejecting repeats as PyTorch does. */
export function wrapDims(dims: readonly number[], ndim: number): number[] {
  const seen = new Set<number>();
  return dims.map((d) => {
    const w = ndim === 0 ? (wrapDim(d, 0), 0) : wrapDim(d, ndim);
    if (seen.has(w)) throw new RuntimeError(`dim ${w} appears multiple times in the list of dims`);
    seen.add(w);
    return w;
  });
}

/** `torch.broadcast_shapes`, with PyTorch's error for incompatible shapes. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const shape of shapes) {
    const shift = ndim - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const size = shape[i]!;
      const current = out[shift + i]!;
      if (current === size || size === 1) continue;
      if (current === 1) out[shift + i] = size;
      else {
        throw new RuntimeError(
          `The size of tensor a (${current}) must match the size of tensor b (${size}) at non-singleton dimension ${shift + i}`,
        );
      }
    }
  }
  return out;
}

/** Strides that view a tensor of `shape`/`strides` as the broadcast `target` shape (zero strides where expanded). */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] {
  const shift = target.length - shape.length;
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    out[shift + i] = shape[i] === 1 && target[shift + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/** Validates a requested shape (`-1` inferred once) against a numel, with PyTorch's messages. */
export function inferShape(shape: readonly number[], numel: number): number[] {
  let inferIndex = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (inferIndex >= 0) throw new RuntimeError('only one dimension can be inferred');
      inferIndex = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RuntimeError(`invalid shape dimension ${d}`);
    } else known *= d;
  }
  const out = shape.slice();
  // PyTorch's infer_size: a -1 next to a 0 is ambiguous for an empty input, and invalid otherwise.
  if (numel === known || (inferIndex >= 0 && known > 0 && numel % known === 0)) {
    if (inferIndex >= 0) {
      if (known === 0) {
        throw new RuntimeError(
          `cannot reshape tensor of 0 elements into shape [${shape.join(', ')}] because the unspecified dimension size -1 can be any value and is ambiguous`,
        );
      }
      out[inferIndex] = numel / known;
    }
    return out;
  }
  throw new RuntimeError(`shape '[${shape.join(', ')}]' is invalid for input of size ${numel}`);
}

/**
 * Strides for viewing (`oldShape`, `oldStrides`) as `newShape` without copying, or null when impossible
 * (PyTorch's `computeStride`: dims may be split or merged only within contiguous chunks).
 */
export function viewStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  const numel = numelOf(oldShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  // Strides are arbitrary for empty tensors: PyTorch keeps the old ones when the shape is unchanged and uses
  // contiguous ones otherwise. A 0-d tensor views as any all-ones shape.
  if (numel === 0) {
    if (numelOf(newShape) !== 0) return null;
    return sameDims(oldShape, newShape) ? oldStrides.slice() : contiguousStrides(newShape);
  }
  if (oldShape.length === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides.length > 0 ? oldStrides[oldStrides.length - 1]! : 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD]!;
    if (
      tensorD === 0 ||
      (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)
    ) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

/** Parses shape arguments given as varargs or one array: `view(2, 3)` and `view([2, 3])`. */
export function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as readonly number[]).slice();
  const out: number[] = [];
  for (const a of args) {
    if (typeof a !== 'number')
      throw new TypeError('shape must be given as numbers or a single array of numbers');
    out.push(a);
  }
  return out;
}

/** Checks a size list for creation ops. */
export function checkShape(shape: readonly number[], op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d)) throw new TypeError(`${op}(): size must be a list of integers, got ${d}`);
    if (d < 0)
      throw new RuntimeError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
  }
}

/** Formats a shape the way PyTorch's error messages do: `[2, 3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
