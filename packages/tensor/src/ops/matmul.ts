/**
 * Matrix products: `dot`, `mv`, `mm`, `bmm`, `matmul` (every PyTorch broadcasting case), `addmm`, `baddbmm`,
 * `addmv`, `outer`. All reach the backend's batched `matmul` kernel.
 */
import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { type DType, isFloatingPoint, scalarTypeName } from '../dtype.js';
import { RuntimeError } from '../errors.js';
import { broadcastShapes } from '../layout.js';
import { Tensor } from '../tensor.js';
import { zerosLike } from './creation.js';
import { add, mul } from './elementwise.js';
import { checkSameDevice, emptyTensor, expandTo } from './helpers.js';
import { expand } from './views.js';

/** PyTorch's kernel name per op in its "not implemented for 'Bool'" message. */
const KERNEL_NAMES: Record<string, string> = {
  mm: 'addmm_impl_cpu_',
  mv: 'addmv_impl_cpu',
  bmm: 'bmm',
  dot: 'dot',
};

function checkDtypes(op: string, a: Tensor, b: Tensor): DType {
  if (a.dtype !== b.dtype) {
    if (op === 'dot') {
      throw new RuntimeError(
        `dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`,
      );
    }
    throw new RuntimeError(
      `expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`,
    );
  }
  if (a.dtype === 'bool') throw new RuntimeError(`"${KERNEL_NAMES[op] ?? op}" not implemented for 'Bool'`);
  return a.dtype;
}

/** Runs the backend kernel on 3-d operands (B×M×K and B×K×N). */
function batched(a3: Tensor, b3: Tensor, dtype: DType): Tensor {
  const [batch, m] = a3._shape as [number, number, number];
  const n = b3._shape[2]!;
  const out = emptyTensor([batch, m, n], dtype, a3.device);
  if (out.numel() > 0) getBackend(a3.device).matmul(out, a3, b3);
  return out;
}

/** `torch.mm(a, b)`: (n×m) @ (m×p). */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkSameDevice('mm', [a, b]);
  if (a.dim() !== 2) throw new RuntimeError(`self must be a matrix`);
  if (b.dim() !== 2) throw new RuntimeError(`mat2 must be a matrix`);
  if (a._shape[1] !== b._shape[0]) {
    throw new RuntimeError(
      `mat1 and mat2 shapes cannot be multiplied (${a._shape[0]}x${a._shape[1]} and ${b._shape[0]}x${b._shape[1]})`,
    );
  }
  const dtype = checkDtypes('mm', a, b);
  return dispatch('mm', [a, b], {}, () =>
    batched(a.unsqueeze(0), b.unsqueeze(0), dtype).squeeze(0).contiguous(),
  );
}

/** `torch.bmm(a, b)`: batches of matrices, same batch size. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkSameDevice('bmm', [a, b]);
  if (a.dim() !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  if (b.dim() !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
  if (a._shape[0] !== b._shape[0] || a._shape[2] !== b._shape[1]) {
    throw new RuntimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] but got: [${b._shape[0]}, ${b._shape[1]}].`,
    );
  }
  const dtype = checkDtypes('bmm', a, b);
  return dispatch('bmm', [a, b], {}, () => batched(a, b, dtype));
}

/** `torch.dot(a, b)`: 1-d inner product. */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkSameDevice('dot', [a, b]);
  if (a.dim() !== 1 || b.dim() !== 1) {
    throw new RuntimeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  }
  if (a._shape[0] !== b._shape[0]) {
    throw new RuntimeError(
      `inconsistent tensor size, expected tensor [${a._shape[0]}] and src [${b._shape[0]}] to have the same number of elements, but got ${a._shape[0]} and ${b._shape[0]} elements respectively`,
    );
  }
  const dtype = checkDtypes('dot', a, b);
  return dispatch('dot', [a, b], {}, () => batched(a.view(1, 1, -1), b.view(1, -1, 1), dtype).reshape([]));
}

/** `torch.mv(m, v)`: matrix-vector product. */
export function mv(m: Tensor, v: Tensor): Tensor {
  checkSameDevice('mv', [m, v]);
  if (m.dim() !== 2 || v.dim() !== 1) {
    throw new RuntimeError(`vector + matrix @ vector expected, got 1, ${m.dim()}, ${v.dim()}`);
  }
  if (m._shape[1] !== v._shape[0]) {
    throw new RuntimeError(`size mismatch, got ${m._shape[0]}, ${m._shape[0]}x${m._shape[1]},${v._shape[0]}`);
  }
  const dtype = checkDtypes('mv', m, v);
  return dispatch('mv', [m, v], {}, () => batched(m.unsqueeze(0), v.view(1, -1, 1), dtype).reshape(-1));
}

/**
 * `torch.matmul(a, b)` with PyTorch's rules: 1-d·1-d is `dot`, 2-d·2-d is `mm`, 1-d operands gain and lose a dim,
 * and batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const da = a.dim();
  const db = b.dim();
  if (da === 0 || db === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  }
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 1) return mv(a, b);
  if (da === 1 && db === 2) return mm(a.unsqueeze(0), b).squeeze(0);
  if (da === 2 && db === 2) return mm(a, b);
  checkSameDevice('matmul', [a, b]);
  const dtype = checkDtypes('bmm', a, b);
  const a2 = da === 1 ? a.unsqueeze(0) : a;
  const b2 = db === 1 ? b.unsqueeze(1) : b;
  const m = a2._shape[a2.dim() - 2]!;
  const k = a2._shape[a2.dim() - 1]!;
  const k2 = b2._shape[b2.dim() - 2]!;
  const n = b2._shape[b2.dim() - 1]!;
  if (k !== k2) {
    throw new RuntimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${a2._shape.slice(0, -2).reduce((x, y) => x * y, 1)}, ${k}] but got: [${b2._shape.slice(0, -2).reduce((x, y) => x * y, 1)}, ${k2}].`,
    );
  }
  const batchShape = broadcastShapes(a2._shape.slice(0, -2), b2._shape.slice(0, -2));
  const batch = batchShape.reduce((x, y) => x * y, 1);
  return dispatch('matmul', [a, b], {}, () => {
    const a3 = expandTo(a2, [...batchShape, m, k]).reshape(batch, m, k);
    const b3 = expandTo(b2, [...batchShape, k, n]).reshape(batch, k, n);
    let out = batched(a3, b3, dtype).view([...batchShape, m, n]);
    if (da === 1) out = out.squeeze(-2);
    if (db === 1) out = out.squeeze(-1);
    return out;
  });
}

/** `torch.outer(a, b)` (alias `ger`). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1) throw new RuntimeError(`outer: Expected 1-D argument self, but got ${a.dim()}-D`);
  if (b.dim() !== 1) throw new RuntimeError(`outer: Expected 1-D argument vec2, but got ${b.dim()}-D`);
  return mul(a.unsqueeze(1), b.unsqueeze(0));
}

interface AddProductOptions {
  beta?: number;
  alpha?: number;
}

/**
 * `beta * input + alpha * product`, with `input` broadcast to the product's shape (PyTorch's expand error
 * otherwise). Integer products take integer scalars (PyTorch truncates beta and alpha).
 */
function scaledSum(input: Tensor, product: Tensor, options?: AddProductOptions): Tensor {
  const integral = !isFloatingPoint(product.dtype);
  const beta = integral ? Math.trunc(options?.beta ?? 1) : (options?.beta ?? 1);
  const alpha = integral ? Math.trunc(options?.alpha ?? 1) : (options?.alpha ?? 1);
  const expanded = expand(input, product._shape);
  const scaledProduct = alpha === 1 ? product : mul(product, alpha);
  // NOTE [beta = 0]: PyTorch ignores `input` entirely when beta is 0, so NaN and inf in it do not propagate.
  if (beta === 0) return add(zerosLike(expanded), scaledProduct);
  return add(beta === 1 ? expanded : mul(expanded, beta), scaledProduct);
}

function checkInputDtype(input: Tensor, mat: Tensor): void {
  if (input.dtype !== mat.dtype) throw new RuntimeError('self and mat2 must have the same dtype');
}

/** `torch.addmm(input, m1, m2, { beta, alpha })`: beta*input + alpha*(m1 @ m2). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: AddProductOptions): Tensor {
  if (mat1.dtype !== mat2.dtype && mat1.dim() === 2 && mat2.dim() === 2) {
    throw new RuntimeError('mat1 and mat2 must have the same dtype');
  }
  const product = mm(mat1, mat2);
  checkInputDtype(input, mat2);
  return dispatch('addmm', [input, mat1, mat2], { ...options }, () => scaledSum(input, product, options));
}

/** `torch.addmv(input, mat, vec, { beta, alpha })`. */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, options?: AddProductOptions): Tensor {
  if (input.dim() > 1 || mat.dim() !== 2 || vec.dim() !== 1) {
    throw new RuntimeError(
      `vector + matrix @ vector expected, got ${input.dim()}, ${mat.dim()}, ${vec.dim()}`,
    );
  }
  const rows = input.dim() === 1 && input._shape[0] !== 1 ? input._shape[0]! : mat._shape[0]!;
  if (rows !== mat._shape[0] || mat._shape[1] !== vec._shape[0]) {
    throw new RuntimeError(`size mismatch, got ${rows}, ${mat._shape[0]}x${mat._shape[1]},${vec._shape[0]}`);
  }
  const product = mv(mat, vec);
  checkInputDtype(input, mat);
  return dispatch('addmv', [input, mat, vec], { ...options }, () => scaledSum(input, product, options));
}

/** `torch.baddbmm(input, b1, b2, { beta, alpha })`. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: AddProductOptions): Tensor {
  const product = bmm(batch1, batch2);
  checkInputDtype(input, batch2);
  return dispatch('baddbmm', [input, batch1, batch2], { ...options }, () =>
    scaledSum(input, product, options),
  );
}

/** `torch.addbmm`: sums the batch of products. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: AddProductOptions): Tensor {
  const product = bmm(batch1, batch2).sum(0);
  return scaledSum(input, product, options);
}

declare module '../tensor.js' {
  interface Tensor {
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    matmul(other: Tensor): Tensor;
    outer(other: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, options?: AddProductOptions): Tensor;
    addmv(mat: Tensor, vec: Tensor, options?: AddProductOptions): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, options?: AddProductOptions): Tensor;
  }
}

const proto = Tensor.prototype;
proto.mm = function (other) {
  return mm(this, other);
};
proto.bmm = function (other) {
  return bmm(this, other);
};
proto.dot = function (other) {
  return dot(this, other);
};
proto.mv = function (vec) {
  return mv(this, vec);
};
proto.matmul = function (other) {
  return matmul(this, other);
};
proto.outer = function (other) {
  return outer(this, other);
};
proto.addmm = function (mat1, mat2, options) {
  return addmm(this, mat1, mat2, options);
};
proto.addmv = function (mat, vec, options) {
  return addmv(this, mat, vec, options);
};
proto.baddbmm = function (batch1, batch2, options) {
  return baddbmm(this, batch1, batch2, options);
};
