/** `Identity`, `Linear`, `Bilinear`. */

import type { DType, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { pyBool } from '../internal/repr.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** Factory options of layers with parameters: where and in what dtype they are created. */
export interface FactoryOptions {
  dtype?: DType;
  device?: string;
}

/** Returns its input unchanged (any constructor arguments are ignored, as in PyTorch). */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * `y = x Wᵀ + b` over the last dim. Initialised as PyTorch's: `W ~ U(-1/√in, 1/√in)` (kaiming-uniform with
 * a = √5) and the same bound for `b`.
 */
export class Linear extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, options?: FactoryOptions & { bias?: boolean }) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(torch.empty([outFeatures, inFeatures], options));
    if (options?.bias ?? true) this.bias = new Parameter(torch.empty([outFeatures], options));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** `y = x1ᵀ A x2 + b` with `A` of shape `[out, in1, in2]`, initialised from `U(-1/√in1, 1/√in1)`. */
export class Bilinear extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;

  constructor(
    in1Features: number,
    in2Features: number,
    outFeatures: number,
    options?: FactoryOptions & { bias?: boolean },
  ) {
    super();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(torch.empty([outFeatures, in1Features, in2Features], options));
    if (options?.bias ?? true) this.bias = new Parameter(torch.empty([outFeatures], options));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.size(1));
    init.uniform_(this.weight, -bound, bound);
    if (this.bias !== null) init.uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
