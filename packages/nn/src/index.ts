/**
 * @proj/nn: PyTorch's `torch.nn` for TypeScript — `Module` with registration by field assignment, layers, losses,
 * `functional` (also exported as `F`), `init` and `utils`. Importing it installs autograd.
 *
 * ```ts
 * import * as torch from '@proj/tensor';
 * import { F, Linear, Module, ReLU, Sequential } from '@proj/nn';
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const loss = F.crossEntropy(model.call(torch.randn(3, 4)), torch.tensor([0, 1, 1]));
 * loss.backward();
 * ```
 */
import '@proj/autograd';
import './internal/im2col.js';

export { type MultiHeadAttentionOptions, multiHeadAttentionForward } from './functional/attention.js';
export * as F from './functional/index.js';
export * as functional from './functional/index.js';
export * as init from './init.js';
export {
  AttributeError,
  type BackwardHook,
  type BackwardPreHook,
  type ForwardHook,
  type ForwardPreHook,
  type IncompatibleKeys,
  KeyError,
  Module,
  type RemovableHandle,
  type StateDict,
} from './module.js';
export * from './modules/activation.js';
export * from './modules/attention.js';
export * from './modules/container.js';
export * from './modules/conv.js';
export * from './modules/ctc.js';
export * from './modules/dropout.js';
export * from './modules/lazy.js';
export * from './modules/linear.js';
export * from './modules/loss.js';
export * from './modules/normalization.js';
export * from './modules/pooling.js';
export * from './modules/rnn.js';
export * from './modules/shape.js';
export * from './modules/sparse.js';
export * from './modules/transformer.js';
export { Buffer, Parameter } from './parameter.js';
export * as utils from './utils/index.js';
