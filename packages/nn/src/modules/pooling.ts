/** Pooling layers. */
import type { Tensor } from '@proj/tensor';
import { expandSize, type SizeArg } from '../functional/conv.js';
import * as F from '../functional/index.js';
import { pyBool, pyTuple } from '../internal/repr.js';
import { Module } from '../module.js';

function show(value: SizeArg | readonly (number | null)[]): string {
  return typeof value === 'number' ? String(value) : pyTuple(value);
}

/** Options of max pooling layers. */
export interface MaxPoolModuleOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  dilation?: SizeArg;
  returnIndices?: boolean;
  ceilMode?: boolean;
}

abstract class MaxPoolNd extends Module {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;
  readonly dilation: SizeArg;
  readonly returnIndices: boolean;
  readonly ceilMode: boolean;

  constructor(kernelSize: SizeArg, options?: MaxPoolModuleOptions) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options?.stride ?? kernelSize;
    this.padding = options?.padding ?? 0;
    this.dilation = options?.dilation ?? 1;
    this.returnIndices = options?.returnIndices ?? false;
    this.ceilMode = options?.ceilMode ?? false;
  }

  protected options() {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
      returnIndices: this.returnIndices,
    };
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** 1-d max pooling; with `returnIndices` the forward returns `[output, indices]`. */
export class MaxPool1d extends MaxPoolNd {
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return F.maxPool1d(input, this.kernelSize, this.options());
  }
}

/** 2-d max pooling; with `returnIndices` the forward returns `[output, indices]`. */
export class MaxPool2d extends MaxPoolNd {
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return F.maxPool2d(input, this.kernelSize, this.options());
  }
}

/** Options of average pooling layers. */
export interface AvgPoolModuleOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** 1-d average pooling. */
export class AvgPool1d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: SizeArg, options?: Omit<AvgPoolModuleOptions, 'divisorOverride'>) {
    super();
    this.kernelSize = expandSize(kernelSize, 1);
    this.stride = expandSize(options?.stride ?? kernelSize, 1);
    this.padding = expandSize(options?.padding ?? 0, 1);
    this.ceilMode = options?.ceilMode ?? false;
    this.countIncludePad = options?.countIncludePad ?? true;
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool1d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/** 2-d average pooling. */
export class AvgPool2d extends Module {
  readonly kernelSize: SizeArg;
  readonly stride: SizeArg;
  readonly padding: SizeArg;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: SizeArg, options?: AvgPoolModuleOptions) {
    super();
    this.kernelSize = kernelSize;
    this.stride = options?.stride ?? kernelSize;
    this.padding = options?.padding ?? 0;
    this.ceilMode = options?.ceilMode ?? false;
    this.countIncludePad = options?.countIncludePad ?? true;
    this.divisorOverride = options?.divisorOverride ?? null;
  }

  override forward(input: Tensor): Tensor {
    return F.avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** Adaptive 1-d average pooling to a fixed output length. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/** Adaptive 2-d average pooling to a fixed output size (`null` keeps a dim). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) {
    super();
  }
  override forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** Adaptive 1-d max pooling. */
export class AdaptiveMaxPool1d extends Module {
  constructor(
    readonly outputSize: number,
    readonly returnIndices = false,
  ) {
    super();
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return this.returnIndices
      ? F.adaptiveMaxPool1d(input, this.outputSize, true)
      : F.adaptiveMaxPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/** Adaptive 2-d max pooling. */
export class AdaptiveMaxPool2d extends Module {
  constructor(
    readonly outputSize: number | readonly (number | null)[],
    readonly returnIndices = false,
  ) {
    super();
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return this.returnIndices
      ? F.adaptiveMaxPool2d(input, this.outputSize, true)
      : F.adaptiveMaxPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** Inverse of `MaxPool2d` given its indices. */
export class MaxUnpool2d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];

  constructor(kernelSize: SizeArg, options?: { stride?: SizeArg | null; padding?: SizeArg }) {
    super();
    this.kernelSize = expandSize(kernelSize, 2);
    this.stride = expandSize(options?.stride ?? kernelSize, 2);
    this.padding = expandSize(options?.padding ?? 0, 2);
  }

  override forward(input: Tensor, indices: Tensor, outputSize?: readonly number[] | null): Tensor {
    return F.maxUnpool2d(input, indices, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      outputSize: outputSize ?? null,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}
