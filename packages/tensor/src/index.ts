/**
 * @proj/tensor: strided tensors with PyTorch semantics on a pluggable backend.
 *
 * ```ts
 * import * as torch from '@proj/tensor';
 * const x = torch.arange(6, { dtype: 'float32' }).view(2, 3);
 * console.log(x.t().matmul(x));
 * ```
 */
import { registerBackend } from './backend.js';
import { cpuBackend } from './backends/cpu/index.js';

registerBackend(cpuBackend);

export {
  type Backend,
  getBackend,
  isBackendRegistered,
  normalizeDevice,
  registerBackend,
} from './backend.js';
export { type AutogradHooks, dispatch, installAutogradHooks, type OpRecord } from './dispatch.js';
export {
  canCast,
  DTYPES,
  type DType,
  getDefaultDtype,
  isFloatingPoint,
  itemsize,
  parseDtype,
  promoteTypes,
  resultType,
  type Scalar,
  scalarTypeName,
  setDefaultDtype,
  type TypedArray,
} from './dtype.js';
export { IndexError, NotImplementedError, RuntimeError, ValueError } from './errors.js';
export { getPrintoptions, type PrintOptions, setPrintoptions } from './format.js';
export type { ArgReduceOpName, ElementwiseOpName, ReduceOpName, ScanOpName } from './kernel-names.js';
export { broadcastShapes, contiguousStrides } from './layout.js';
export type { RemovableHandle } from './ops/autograd-methods.js';
export * from './ops/compare.js';
export { copy_, type ToOptions, to, toTypedArray } from './ops/convert.js';
export * from './ops/creation.js';
export { einsum } from './ops/einsum.js';
export * from './ops/elementwise.js';
export { emptyTensor as _emptyTensor } from './ops/helpers.js';
export {
  argwhere,
  get,
  type IndexItem,
  type IndexPutOptions,
  indexPut,
  indexPut_,
  maskedFill,
  maskedFill_,
  maskedScatter,
  maskedScatter_,
  maskedSelect,
  type NestedIndexArray,
  type NonzeroOptions,
  nonzero,
  type Slice,
  set,
  slice,
  take,
  whereNonzero,
} from './ops/indexing.js';
export * from './ops/join.js';
export * as linalg from './ops/linalg.js';
export { det, inverse, legacySvd as svd, logdet, matrixPower, pinverse, slogdet } from './ops/linalg.js';
export * from './ops/matmul.js';
export { tensorToString } from './ops/print.js';
export * from './ops/random.js';
export * from './ops/reduce.js';
export * from './ops/scatter.js';
export {
  deserialize,
  load,
  loadAsync,
  type Saveable,
  save,
  saveAsync,
  serialize,
} from './ops/serialization.js';
export * from './ops/shape-ops.js';
export * from './ops/sort.js';
export {
  _sparseCooTensorUnsafe,
  coalesce,
  type SparseCooOptions,
  sparseCooTensor,
  sparseMask,
  toDense,
  toSparse,
} from './ops/sparse.js';
export * from './ops/views.js';
export {
  DEFAULT_RNG_SEED,
  defaultGenerator,
  Generator,
  getRngState,
  initialSeed,
  manualSeed,
  seed,
  setRngState,
} from './random/generator.js';
export { Storage } from './storage.js';
export {
  type AutogradMeta,
  type GradFnLike,
  type Layout,
  type SparseParts,
  Tensor,
  type TensorOrScalar,
} from './tensor.js';

import './ops/autograd-methods.js';
