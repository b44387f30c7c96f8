/** `Conv1d`, `Conv2d`, `ConvTranspose1d`, `ConvTranspose2d`. */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { expandSize, type PadMode, type SizeArg } from '../functional/conv.js';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { pyTuple } from '../internal/repr.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import type { FactoryOptions } from './linear.js';

/** Padding modes of convolution layers. */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/** Options of convolution layers. */
export interface ConvModuleOptions extends FactoryOptions {
  stride?: SizeArg;
  padding?: SizeArg | 'same' | 'valid';
  dilation?: SizeArg;
  groups?: number;
  bias?: boolean;
  paddingMode?: ConvPaddingMode;
}

/** Options of transposed convolution layers. */
export interface ConvTransposeModuleOptions extends FactoryOptions {
  stride?: SizeArg;
  padding?: SizeArg;
  outputPadding?: SizeArg;
  dilation?: SizeArg;
  groups?: number;
  bias?: boolean;
}

abstract class ConvNd extends Module {
  declare weight: Parameter;
  declare bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly outputPadding: number[];
  readonly groups: number;
  readonly transposed: boolean;
  readonly paddingMode: ConvPaddingMode;
  /** Padding for `F.pad` in non-zeros modes: per dim (left, right), last dim first. */
  protected readonly reversedPaddingRepeatedTwice: number[];

  constructor(
    spatial: number,
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    transposed: boolean,
    options: (ConvModuleOptions & { outputPadding?: SizeArg }) | undefined,
  ) {
    super();
    const groups = options?.groups ?? 1;
    if (groups <= 0) throw new torch.ValueError('groups must be a positive integer');
    if (inChannels % groups !== 0) throw new torch.ValueError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new torch.ValueError('out_channels must be divisible by groups');
    const paddingMode = options?.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new torch.ValueError(
        `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${paddingMode}'`,
      );
    }
    const stride = expandSize(options?.stride ?? 1, spatial);
    const dilation = expandSize(options?.dilation ?? 1, spatial);
    const kernel = expandSize(kernelSize, spatial);
    const paddingArg = options?.padding ?? 0;
    let padding: number[] | 'same' | 'valid';
    if (typeof paddingArg === 'string') {
      if (paddingArg !== 'same' && paddingArg !== 'valid') {
        throw new torch.ValueError(
          `Invalid padding string '${paddingArg}', should be one of ['valid', 'same']`,
        );
      }
      if (paddingArg === 'same' && stride.some((s) => s !== 1)) {
        throw new torch.ValueError("padding='same' is not supported for strided convolutions");
      }
      padding = paddingArg;
    } else {
      padding = expandSize(paddingArg, spatial);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.outputPadding = expandSize(options?.outputPadding ?? 0, spatial);
    this.groups = groups;
    this.transposed = transposed;
    this.paddingMode = paddingMode;
    const reversed: number[] = [];
    for (let d = spatial - 1; d >= 0; d--) {
      if (padding === 'valid') reversed.push(0, 0);
      else if (padding === 'same') {
        const total = dilation[d]! * (kernel[d]! - 1);
        const left = Math.floor(total / 2);
        reversed.push(left, total - left);
      } else reversed.push(padding[d]!, padding[d]!);
    }
    this.reversedPaddingRepeatedTwice = reversed;
    const factory = { dtype: options?.dtype, device: options?.device };
    const weightShape = transposed
      ? [inChannels, outChannels / groups, ...kernel]
      : [outChannels, inChannels / groups, ...kernel];
    this.weight = new Parameter(torch.empty(weightShape, factory));
    if (options?.bias ?? true) this.bias = new Parameter(torch.empty([outChannels], factory));
    else this.registerParameter('bias', null);
    this.resetParameters();
  }

  /** PyTorch's default initialisation: kaiming-uniform (a = √5) weight, bias from U(-1/√fanIn, 1/√fanIn). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        init.uniform_(this.bias, -bound, bound);
      }
    }
  }

  /** The input padded for a non-zeros padding mode, and the padding left for the convolution itself. */
  protected padded(input: Tensor): [Tensor, SizeArg | 'same' | 'valid'] {
    if (this.paddingMode === 'zeros') return [input, this.padding];
    const mode: PadMode = this.paddingMode;
    return [F.pad(input, this.reversedPaddingRepeatedTwice, mode), 0];
  }

  override extraRepr(): string {
    const n = this.kernelSize.length;
    let text = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') text += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) text += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) text += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) text += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) text += `, groups=${this.groups}`;
    if (this.bias === null) text += ', bias=False';
    if (this.paddingMode !== 'zeros') text += `, padding_mode=${this.paddingMode}`;
    void n;
    return text;
  }
}

/** 1-d convolution over `(N, C, L)` inputs. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, options?: ConvModuleOptions) {
    super(1, inChannels, outChannels, kernelSize, false, options);
  }

  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return F.conv1d(x, this.weight, this.bias, {
      stride: this.stride,
      padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/** 2-d convolution over `(N, C, H, W)` inputs. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeArg, options?: ConvModuleOptions) {
    super(2, inChannels, outChannels, kernelSize, false, options);
  }

  override forward(input: Tensor): Tensor {
    const [x, padding] = this.padded(input);
    return F.conv2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/** 1-d transposed convolution. */
export class ConvTranspose1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    options?: ConvTransposeModuleOptions,
  ) {
    super(1, inChannels, outChannels, kernelSize, true, options);
  }

  override forward(input: Tensor): Tensor {
    return F.convTranspose1d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/** 2-d transposed convolution. */
export class ConvTranspose2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    options?: ConvTransposeModuleOptions,
  ) {
    super(2, inChannels, outChannels, kernelSize, true, options);
  }

  override forward(input: Tensor): Tensor {
    return F.convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding as number[],
      outputPadding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}
