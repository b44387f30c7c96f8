/** `TransformerEncoderLayer` and `TransformerEncoder` (PyTorch's slow path, which is also its training path). */

import { noGrad } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { MultiheadAttention } from './attention.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import type { FactoryOptions } from './linear.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { AssertionError } from './rnn.js';

/** An activation given by name (`'relu'`, `'gelu'`), as a function, or as a module. */
export type TransformerActivation = 'relu' | 'gelu' | ((input: Tensor) => Tensor) | Module;

/** Options of `TransformerEncoderLayer` (PyTorch's keyword arguments). */
export interface TransformerEncoderLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Pre-norm (`x + sa(norm1(x))`) instead of post-norm (`norm1(x + sa(x))`). */
  normFirst?: boolean;
}

/** Options of the encoder layer's forward. */
export interface TransformerEncoderForwardOptions {
  /** Attention mask `(L, L)` or `(N·heads, L, L)`: `true` marks positions that may not attend. */
  srcMask?: Tensor | null;
  /** `(N, L)`: `true` marks padded positions. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * Deep copy of a module tree (Python's `copy.deepcopy`): parameters and buffers are cloned, shared members stay
 * shared within the copy, plain attributes are copied shallowly. Draws no random numbers.
 */
export function deepcopyModule<M extends Module>(module: M, memo = new Map<object, unknown>()): M {
  const seen = memo.get(module);
  if (seen !== undefined) return seen as M;
  // A fresh proxied Module, given the source's class afterwards: no constructor runs, so nothing is re-initialised.
  const copy = new Module();
  Object.setPrototypeOf(copy, Object.getPrototypeOf(module));
  memo.set(module, copy);
  const skip = new Set(['_parameters', '_buffers', '_modules', '_nonPersistentBuffers']);
  for (const name of Reflect.ownKeys(module)) {
    if (typeof name !== 'string' || skip.has(name)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(module, name);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    const value = descriptor.value as unknown;
    const copied =
      value instanceof Map ? new Map(value) : Array.isArray(value) ? structuredCloneArray(value) : value;
    Reflect.defineProperty(copy, name, { ...descriptor, value: copied });
  }
  noGrad(() => {
    for (const [name, param] of module._parameters) {
      let cloned: Parameter | null = null;
      if (param !== null) {
        cloned =
          (memo.get(param) as Parameter | undefined) ?? new Parameter(param.clone(), param.requiresGrad);
        memo.set(param, cloned);
      }
      copy._parameters.set(name, cloned);
    }
    for (const [name, buffer] of module._buffers) {
      let cloned: Tensor | null = null;
      if (buffer !== null) {
        cloned = (memo.get(buffer) as Tensor | undefined) ?? buffer.clone();
        memo.set(buffer, cloned);
      }
      copy._buffers.set(name, cloned);
    }
  });
  for (const name of module._nonPersistentBuffers) copy._nonPersistentBuffers.add(name);
  for (const [name, child] of module._modules) {
    copy._modules.set(name, child === null ? null : deepcopyModule(child, memo));
  }
  return copy as M;
}

function structuredCloneArray(values: unknown[]): unknown[] {
  return values.map((v) => (Array.isArray(v) ? structuredCloneArray(v) : v));
}

function activationFunction(name: string): (input: Tensor) => Tensor {
  if (name === 'relu') return (x) => F.relu(x);
  if (name === 'gelu') return (x) => F.gelu(x);
  throw new torch.RuntimeError(`activation should be relu/gelu, not ${name}`);
}

/**
 * One Transformer encoder block: self-attention and a feed-forward network, each with dropout, a residual
 * connection and layer norm (after, or before with `normFirst`). `forward(src, options?)`.
 *
 * ```ts
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 64, batchFirst: true });
 * const y = layer.call(x, { srcKeyPaddingMask });
 * ```
 */
export class TransformerEncoderLayer extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  /** The activation: a function (given by name or as one) or a registered module. */
  declare activation: ((input: Tensor) => Tensor) | Module;
  readonly normFirst: boolean;

  constructor(dModel: number, nhead: number, options?: TransformerEncoderLayerOptions) {
    super();
    const factory = { dtype: options?.dtype, device: options?.device };
    const dimFeedforward = options?.dimFeedforward ?? 2048;
    const dropout = options?.dropout ?? 0.1;
    const eps = options?.layerNormEps ?? 1e-5;
    let activation = options?.activation ?? 'relu';
    // Validated first: PyTorch resolves a name before creating any layer (no random draws on failure).
    if (typeof activation === 'string') activation = activationFunction(activation);
    this.self_attn = new MultiheadAttention(dModel, nhead, {
      ...factory,
      dropout,
      batchFirst: options?.batchFirst ?? false,
    });
    this.linear1 = new Linear(dModel, dimFeedforward, factory);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, factory);
    this.normFirst = options?.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { ...factory, eps });
    this.norm2 = new LayerNorm(dModel, { ...factory, eps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.activation = activation;
  }

  private applyActivation(x: Tensor): Tensor {
    const activation = this.activation;
    return activation instanceof Module ? (activation.call as (t: Tensor) => Tensor)(x) : activation(x);
  }

  private selfAttentionBlock(x: Tensor, attnMask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [out] = this.self_attn.call(x, x, x, { attnMask, keyPaddingMask, needWeights: false });
    return this.dropout1.call(out);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    const hidden = this.dropout.call(this.applyActivation(this.linear1.call(x)));
    return this.dropout2.call(this.linear2.call(hidden));
  }

  override forward(src: Tensor, options?: TransformerEncoderForwardOptions): Tensor {
    const mask = options?.srcMask ?? null;
    const keyPaddingMask = options?.srcKeyPaddingMask ?? null;
    if (keyPaddingMask !== null && keyPaddingMask.dtype !== 'bool' && !keyPaddingMask.isFloatingPoint()) {
      throw new AssertionError('only bool and floating types of src_key_padding_mask are supported');
    }
    let x = src;
    if (this.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.call(x), mask, keyPaddingMask));
      x = x.add(this.feedForwardBlock(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(this.selfAttentionBlock(x, mask, keyPaddingMask)));
      x = this.norm2.call(x.add(this.feedForwardBlock(x)));
    }
    return x;
  }
}

/** Options of `TransformerEncoder`. */
export interface TransformerEncoderOptions {
  /** A final layer norm (or any module) applied to the output. */
  norm?: Module | null;
  /** Accepted for PyTorch compatibility; this implementation always runs the padded (slow) path. */
  enableNestedTensor?: boolean;
}

/** Options of `TransformerEncoder.forward`. */
export interface TransformerEncoderStackForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * A stack of `numLayers` deep copies of `encoderLayer` (all starting from the same weights, as PyTorch's
 * `_get_clones`), then the optional `norm`.
 */
export class TransformerEncoder extends Module {
  declare layers: ModuleList;
  declare norm: Module | null;
  readonly numLayers: number;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options?: TransformerEncoderOptions) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepcopyModule(encoderLayer)));
    this.numLayers = numLayers;
    // A plain `null` attribute without a norm, as PyTorch's `self.norm = None` (not printed, not registered).
    this.norm = options?.norm ?? null;
  }

  override forward(src: Tensor, options?: TransformerEncoderStackForwardOptions): Tensor {
    let output = src;
    for (const layer of this.layers.children() as TransformerEncoderLayer[]) {
      output = layer.call(output, {
        srcMask: options?.mask ?? null,
        srcKeyPaddingMask: options?.srcKeyPaddingMask ?? null,
      });
    }
    const norm = this.norm;
    if (norm !== null) output = (norm.call as (t: Tensor) => Tensor)(output);
    return output;
  }
}
