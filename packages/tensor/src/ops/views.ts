/**
 * View ops: new layouts over the same storage. Writing through a view changes its base, as in PyTorch.
 * Also `contiguous`, `clone`, `detach` and `resize_`, which decide when storage is shared.
 */
import { dispatch } from '../dispatch.js';
import { legacyTypeName } from '../dtype.js';
import { IndexError, RuntimeError } from '../errors.js';
import {
  contiguousStrides,
  fmtShape,
  inferDenseStrides,
  inferShape,
  isContiguousLayout,
  isNonOverlappingAndDense,
  numelOf,
  shapeArgs,
  viewStrides,
  wrapDim,
  wrapDims,
} from '../layout.js';
import type { Storage } from '../storage.js';
import { Tensor } from '../tensor.js';
import { allocStorage, contiguousCopy, copyInto, makeView } from './helpers.js';
import { sparseClone, sparseDetach } from './sparse.js';

type ShapeArg = number | readonly number[];

function viewOp(
  name: string,
  x: Tensor,
  attrs: Record<string, unknown>,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  return dispatch(name, [x], attrs, () => makeView(x, shape, strides, offset), { isView: true });
}

/** `x.view(*shape)`: a view with a new shape; fails (with PyTorch's hint) when the layout does not allow it. */
export function view(x: Tensor, ...shape: ShapeArg[]): Tensor {
  const target = inferShape(shapeArgs(shape), x.numel());
  const strides = viewStrides(x._shape, x._strides, target);
  if (strides === null) {
    throw new RuntimeError(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return viewOp('view', x, { shape: target }, target, strides, x._offset);
}

/** `torch.reshape`: a view when possible, otherwise a contiguous copy. */
export function reshape(x: Tensor, ...shape: ShapeArg[]): Tensor {
  const target = inferShape(shapeArgs(shape), x.numel());
  const strides = viewStrides(x._shape, x._strides, target);
  if (strides !== null) return viewOp('reshapeAlias', x, { shape: target }, target, strides, x._offset);
  return dispatch('reshape', [x], { shape: target }, () => {
    const copy = contiguousCopy(x);
    return new Tensor(copy._storage, target);
  });
}

/** `torch.flatten(x, startDim=0, endDim=-1)`. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return reshape(x, [1]);
  const start = wrapDim(startDim, x.dim());
  const end = wrapDim(endDim, x.dim());
  if (start > end) throw new RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (start === end) return x;
  const shape = [
    ...x._shape.slice(0, start),
    numelOf(x._shape.slice(start, end + 1)),
    ...x._shape.slice(end + 1),
  ];
  return reshape(x, shape);
}

/** `x.unflatten(dim, sizes)`. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = wrapDim(dim, x.dim());
  if (sizes.length === 0) throw new RuntimeError('unflatten: sizes must be non-empty');
  let inferred: number[];
  try {
    inferred = inferShape(sizes, x._shape[d]!);
  } catch (error) {
    if (sizes.filter((s) => s === -1).length > 1) throw error;
    throw new RuntimeError(
      `unflatten: Provided sizes ${fmtShape(sizes)} don't multiply up to the size of dim ${d} (${x._shape[d]}) in the input tensor`,
    );
  }
  const shape = [...x._shape.slice(0, d), ...inferred, ...x._shape.slice(d + 1)];
  return view(x, shape);
}

/** `torch.squeeze(x, dim?)`: removes size-1 dims (all, one, or a list). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims =
    dim === undefined
      ? x._shape.map((_, i) => i)
      : typeof dim === 'number'
        ? [wrapDim(dim, x.dim())]
        : wrapDims(dim, x.dim());
  const shape: number[] = [];
  const strides: number[] = [];
  x._shape.forEach((size, i) => {
    if (size === 1 && dims.includes(i)) return;
    shape.push(size);
    strides.push(x._strides[i]!);
  });
  return viewOp('squeeze', x, { dim: dims }, shape, strides, x._offset);
}

/** `torch.unsqueeze(x, dim)`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = wrapDim(dim, x.dim() + 1);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  const stride = d >= x.dim() ? 1 : x._shape[d]! * x._strides[d]!;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return viewOp('unsqueeze', x, { dim: d }, shape, strides, x._offset);
}

/** `torch.transpose(x, dim0, dim1)`. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = wrapDim(dim0, x.dim());
  const b = wrapDim(dim1, x.dim());
  if (x.dim() === 0) return viewOp('transpose', x, { dim0: a, dim1: b }, [], [], x._offset);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return viewOp('transpose', x, { dim0: a, dim1: b }, shape, strides, x._offset);
}

/** `torch.t`: transposes a 2-d tensor; 0-d and 1-d tensors are returned as views of themselves. */
export function t(x: Tensor): Tensor {
  if (x.dim() > 2)
    throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  if (x.dim() < 2) return viewOp('t', x, {}, x._shape, x._strides, x._offset);
  return viewOp('t', x, {}, [x._shape[1]!, x._shape[0]!], [x._strides[1]!, x._strides[0]!], x._offset);
}

/** `torch.permute(x, dims)`. */
export function permute(x: Tensor, ...dims: ShapeArg[]): Tensor {
  const order = shapeArgs(dims);
  if (order.length !== x.dim()) {
    // PyTorch 1.13's wording, "sparse_coo" included.
    throw new RuntimeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to len(dims) = ${order.length}`,
    );
  }
  const wrapped = order.map((d) => wrapDim(d, x.dim()));
  if (new Set(wrapped).size !== wrapped.length)
    throw new RuntimeError('permute(): duplicate dims are not allowed.');
  const shape = wrapped.map((d) => x._shape[d]!);
  const strides = wrapped.map((d) => x._strides[d]!);
  return viewOp('permute', x, { dims: wrapped }, shape, strides, x._offset);
}

/** `torch.movedim(x, source, destination)`. */
export function movedim(
  x: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  const src = (typeof source === 'number' ? [source] : source).map((d) => wrapDim(d, x.dim()));
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) => wrapDim(d, x.dim()));
  if (src.length !== dst.length) {
    throw new RuntimeError(
      `movedim: Invalid source or destination dims: source (${fmtShape(src)} dims) should contain the same number of dims as destination (${fmtShape(dst)} dims)`,
    );
  }
  if (new Set(src).size !== src.length)
    throw new RuntimeError(`movedim: repeated dim in \`source\` (${fmtShape(src)})`);
  if (new Set(dst).size !== dst.length) {
    throw new RuntimeError(`movedim: repeated dim in \`destination\` (${fmtShape(dst)})`);
  }
  const order = new Array<number>(x.dim()).fill(-1);
  src.forEach((s, i) => {
    order[dst[i]!] = s;
  });
  const rest = x._shape.map((_, i) => i).filter((i) => !src.includes(i));
  let r = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[r++]!;
  return permute(x, order);
}

/** `x.expand(*sizes)`: broadcast view with zero strides; `-1` keeps a dim. */
export function expand(x: Tensor, ...sizes: ShapeArg[]): Tensor {
  const target = shapeArgs(sizes);
  if (target.length < x.dim()) {
    throw new RuntimeError(
      `expand(${legacyTypeName(x.dtype)}{[${x._shape.join(', ')}]}, size=[${target.join(', ')}]): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`,
    );
  }
  const shift = target.length - x.dim();
  const shape = new Array<number>(target.length);
  const strides = new Array<number>(target.length);
  // NOTE [Expand geometry]: as ATen's inferExpandGeometry, walk from the last dim; a new leading dim of size 1 gets
  // the stride it would have in a contiguous layout, any broadcast (size-changing) dim gets stride 0.
  for (let i = target.length - 1; i >= 0; i--) {
    const want = target[i]!;
    const existing = i >= shift;
    if (!existing && want < 0) {
      throw new RuntimeError(
        `The expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`,
      );
    }
    const have = existing ? x._shape[i - shift]! : 1;
    let stride = existing
      ? x._strides[i - shift]!
      : i === target.length - 1
        ? 1
        : shape[i + 1]! * strides[i + 1]!;
    const size = want === -1 ? have : want;
    if (have !== size) {
      if (have !== 1) {
        throw new RuntimeError(
          `The expanded size of the tensor (${size}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: [${target.join(', ')}].  Tensor sizes: [${x._shape.join(', ')}]`,
        );
      }
      stride = 0;
    }
    shape[i] = size;
    strides[i] = stride;
  }
  return viewOp('expand', x, { shape }, shape, strides, x._offset);
}

/** `torch.narrow(x, dim, start, length)`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.dim() === 0) throw new RuntimeError('narrow() cannot be applied to a 0-dim tensor.');
  const d = wrapDim(dim, x.dim());
  const size = x._shape[d]!;
  // PyTorch 1.13 wraps `start` like a dim (so its message speaks of a dimension); `start == size` is allowed.
  const s = start === size ? start : wrapDim(start, size);
  if (length < 0 || s + length > size) {
    throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  }
  const shape = x._shape.slice();
  shape[d] = length;
  return viewOp('narrow', x, { dim: d, start: s, length }, shape, x._strides, x._offset + s * x._strides[d]!);
}

/** `torch.select(x, dim, index)`: removes `dim`, picking one index. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new IndexError('select() cannot be applied to a 0-dim tensor.');
  const d = wrapDim(dim, x.dim());
  const size = x._shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(
      `select(): index ${index} out of range for tensor of size [${x._shape.join(', ')}] at dimension ${d}`,
    );
  }
  const i = index < 0 ? index + size : index;
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  shape.splice(d, 1);
  strides.splice(d, 1);
  return viewOp('select', x, { dim: d, index: i }, shape, strides, x._offset + i * x._strides[d]!);
}

/** `x.unfold(dimension, size, step)`: sliding windows as a new last dim. */
export function unfold(x: Tensor, dimension: number, size: number, step: number): Tensor {
  const d = wrapDim(dimension, x.dim());
  const dimSize = x.dim() === 0 ? 1 : x._shape[d]!;
  if (size > dimSize) {
    throw new RuntimeError(`maximum size for tensor at dimension ${d} is ${dimSize} but size is ${size}`);
  }
  if (step <= 0) throw new RuntimeError(`step is ${step} but must be > 0`);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  const dimStride = x.dim() === 0 ? 1 : x._strides[d]!;
  if (x.dim() > 0) {
    shape[d] = Math.floor((dimSize - size) / step) + 1;
    strides[d] = step * dimStride;
  }
  shape.push(size);
  strides.push(dimStride);
  return viewOp('unfold', x, { dimension: d, size, step }, shape, strides, x._offset);
}

/** `torch.diagonal(x, offset=0, dim1=0, dim2=1)`. */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const a = wrapDim(dim1, x.dim());
  const b = wrapDim(dim2, x.dim());
  if (a === b) throw new RuntimeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  let storageOffset = x._offset;
  let length: number;
  if (offset >= 0) {
    length = Math.max(Math.min(x._shape[a]!, x._shape[b]! - offset), 0);
    if (length > 0) storageOffset += offset * x._strides[b]!;
  } else {
    length = Math.max(Math.min(x._shape[a]! + offset, x._shape[b]!), 0);
    if (length > 0) storageOffset -= offset * x._strides[a]!;
  }
  const shape: number[] = [];
  const strides: number[] = [];
  x._shape.forEach((size, i) => {
    if (i === a || i === b) return;
    shape.push(size);
    strides.push(x._strides[i]!);
  });
  shape.push(length);
  strides.push(x._strides[a]! + x._strides[b]!);
  return viewOp('diagonal', x, { offset, dim1: a, dim2: b }, shape, strides, storageOffset);
}

/** `torch.as_strided(x, size, stride, storageOffset?)`: checked against the storage bounds. */
export function asStrided(
  x: Tensor,
  size: readonly number[],
  stride: readonly number[],
  storageOffset?: number,
): Tensor {
  if (size.length !== stride.length) {
    throw new RuntimeError(`mismatch in length of strides and shape`);
  }
  const offset = storageOffset ?? x._offset;
  if (offset < 0) throw new RuntimeError(`Tensor: invalid storage offset ${offset}`);
  let maxIndex = offset;
  for (let i = 0; i < size.length; i++) {
    if (size[i]! < 0)
      throw new RuntimeError(
        `Trying to create tensor with negative dimension ${size[i]}: [${size.join(', ')}]`,
      );
    if (stride[i]! < 0)
      throw new RuntimeError(
        `as_strided: Negative strides are not supported at the moment, got strides: ${fmtShape(stride)}`,
      );
    if (size[i] === 0) maxIndex = -Infinity;
    maxIndex += (size[i]! - 1) * stride[i]!;
  }
  if (maxIndex >= x._storage.length) {
    throw new RuntimeError(
      `setStorage: sizes [${size.join(', ')}], strides [${stride.join(', ')}], storage offset ${offset}, and itemsize ${x.elementSize()} requiring a storage size of ${(maxIndex + 1) * x.elementSize()} are out of bounds for storage of size ${x._storage.length * x.elementSize()}`,
    );
  }
  return viewOp('asStrided', x, { size, stride, storageOffset: offset }, size, stride, offset);
}

/** `x.contiguous()`: the tensor itself when already contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return dispatch('clone', [x], {}, () => contiguousCopy(x));
}

/**
 * `torch.clone`: a copy with its own storage, in PyTorch's preserve memory format: a dense input keeps its strides
 * (a transposed matrix clones as a transposed matrix); others get dense strides in the same dim order.
 */
export function clone(x: Tensor): Tensor {
  if (x._sparse !== null) return sparseClone(x);
  return dispatch('clone', [x], {}, () => {
    if (x.isContiguous()) return contiguousCopy(x);
    const strides = isNonOverlappingAndDense(x._shape, x._strides)
      ? x._strides
      : inferDenseStrides(x._shape, x._strides);
    const out = new Tensor(allocStorage(x.dtype, x.numel(), x.device), x._shape, strides, 0);
    copyInto(out, x);
    return out;
  });
}

/** `x.detach()`: shares storage, cut from the graph. */
export function detach(x: Tensor): Tensor {
  if (x._sparse !== null) return sparseDetach(x);
  const out = new Tensor(x._storage, x._shape, x._strides, x._offset);
  return out;
}

/** `x.resize_(*sizes)`: changes the shape in place, growing the storage when needed (contents kept). */
export function resize_(x: Tensor, ...sizes: ShapeArg[]): Tensor {
  if (x.requiresGrad) throw new RuntimeError('cannot resize variables that require grad');
  const shape = shapeArgs(sizes);
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new RuntimeError(`Trying to create tensor with negative dimension ${d}: [${shape.join(', ')}]`);
  const needed = x._offset + numelOf(shape);
  if (needed > x._storage.length) {
    const grown: Storage = allocStorage(x.dtype, needed, x.device);
    grown.data.set(x._storage.data as never);
    x._storage.data = grown.data;
  }
  x._shape = shape;
  x._strides = contiguousStrides(shape);
  return x;
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

declare module '../tensor.js' {
  interface Tensor {
    /** See {@link view}. */
    view(...shape: ShapeArg[]): Tensor;
    /** See {@link reshape}. */
    reshape(...shape: ShapeArg[]): Tensor;
    /** `view(other.shape)`. */
    viewAs(other: Tensor): Tensor;
    /** `reshape(other.shape)`. */
    reshapeAs(other: Tensor): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** Alias of `transpose`. */
    swapaxes(dim0: number, dim1: number): Tensor;
    /** Alias of `transpose`. */
    swapdims(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** All dims reversed (`x.T`). */
    readonly T: Tensor;
    /** Last two dims transposed (`x.mT`). */
    readonly mT: Tensor;
    permute(...dims: ShapeArg[]): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    /** Alias of `movedim`. */
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    expand(...sizes: ShapeArg[]): Tensor;
    expandAs(other: Tensor): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    unfold(dimension: number, size: number, step: number): Tensor;
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    resize_(...sizes: ShapeArg[]): Tensor;
    /** `resize_(other.shape)`. */
    resizeAs_(other: Tensor): Tensor;
  }
}

const proto = Tensor.prototype;
proto.view = function (...shape) {
  return view(this, ...shape);
};
proto.reshape = function (...shape) {
  return reshape(this, ...shape);
};
proto.viewAs = function (other) {
  return view(this, other._shape);
};
proto.reshapeAs = function (other) {
  return reshape(this, other._shape);
};
proto.flatten = function (startDim, endDim) {
  return flatten(this, startDim, endDim);
};
proto.unflatten = function (dim, sizes) {
  return unflatten(this, dim, sizes);
};
proto.squeeze = function (dim) {
  return squeeze(this, dim);
};
proto.unsqueeze = function (dim) {
  return unsqueeze(this, dim);
};
proto.transpose = function (dim0, dim1) {
  return transpose(this, dim0, dim1);
};
proto.swapaxes = proto.transpose;
proto.swapdims = proto.transpose;
proto.t = function () {
  return t(this);
};
Object.defineProperty(proto, 'T', {
  get(this: Tensor) {
    return permute(
      this,
      this._shape.map((_, i) => this._shape.length - 1 - i),
    );
  },
});
Object.defineProperty(proto, 'mT', {
  get(this: Tensor) {
    if (this.dim() < 2)
      throw new RuntimeError(
        'tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.',
      );
    return transpose(this, -2, -1);
  },
});
proto.permute = function (...dims) {
  return permute(this, ...dims);
};
proto.movedim = function (source, destination) {
  return movedim(this, source, destination);
};
proto.moveaxis = proto.movedim;
proto.expand = function (...sizes) {
  return expand(this, ...sizes);
};
proto.expandAs = function (other) {
  return expand(this, other._shape);
};
proto.narrow = function (dim, start, length) {
  return narrow(this, dim, start, length);
};
proto.select = function (dim, index) {
  return select(this, dim, index);
};
proto.unfold = function (dimension, size, step) {
  return unfold(this, dimension, size, step);
};
proto.diagonal = function (offset, dim1, dim2) {
  return diagonal(this, offset, dim1, dim2);
};
proto.asStrided = function (size, stride, storageOffset) {
  return asStrided(this, size, stride, storageOffset);
};
proto.contiguous = function () {
  return contiguous(this);
};
proto.clone = function () {
  return clone(this);
};
proto.detach = function () {
  return detach(this);
};
proto.resize_ = function (...sizes) {
  return resize_(this, ...sizes);
};
proto.resizeAs_ = function (other) {
  return resize_(this, other._shape);
};

/** Whether a layout is contiguous (re-exported for op files that test before copying). */
export { isContiguousLayout };
