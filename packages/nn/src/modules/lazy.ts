/**
 * Lazy layers: parameters whose shape is inferred from the first input (`LazyLinear`), PyTorch's
 * `LazyModuleMixin` + `UninitializedParameter`.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import type { RemovableHandle, StateDict } from '../module.js';
import { Parameter, setData } from '../parameter.js';
import { type FactoryOptions, Linear } from './linear.js';

/**
 * A parameter with no shape yet (it holds an empty tensor of the final dtype and device). `materialize(shape)` gives
 * it storage and turns it into a plain `Parameter`, keeping its identity (optimizers may already hold it).
 */
export class UninitializedParameter extends Parameter {
  constructor(requiresGrad = true, options?: FactoryOptions) {
    super(torch.empty([0], options), requiresGrad);
  }

  /** Allocates the data with `shape` (uninitialised values) and becomes a `Parameter`. */
  materialize(shape: readonly number[]): void {
    setData(this, torch.empty(shape, { dtype: this.dtype, device: this.device }));
    Object.setPrototypeOf(this, Parameter.prototype);
  }

  override toString(): string {
    return '<UninitializedParameter>';
  }
}

/** Whether `t` is a parameter still waiting for its shape. */
export function isUninitializedParameter(t: unknown): t is UninitializedParameter {
  return t instanceof UninitializedParameter;
}

/**
 * A `Linear` whose `inFeatures` is taken from the last dim of the first input; the weights are then drawn with
 * `Linear`'s default initialisation, so a seeded run gives PyTorch's numbers. After that first call the module is a
 * plain `Linear` (class and printed name), as PyTorch's `cls_to_become`.
 *
 * ```ts
 * const layer = new LazyLinear(10);
 * layer.call(torch.randn(4, 3)); // weight becomes [10, 3]
 * ```
 */
export class LazyLinear extends Linear {
  /** The forward pre-hook that materialises the parameters on the first call. */
  private initializeHook: RemovableHandle | null = null;

  constructor(outFeatures: number, options?: FactoryOptions & { bias?: boolean }) {
    super(0, outFeatures, options);
    (this as { inFeatures: number }).inFeatures = 0;
    this.weight = new UninitializedParameter(true, options);
    if (this.bias !== null) this.bias = new UninitializedParameter(true, options);
    this.initializeHook = this.registerForwardPreHook((module, args) => {
      (module as LazyLinear).initializeParameters(args[0] as Tensor);
      return undefined;
    });
  }

  /** Whether some parameter still has no shape. */
  hasUninitializedParams(): boolean {
    return this.parameters().some(isUninitializedParameter);
  }

  /** Skips drawing while the shapes are unknown (PyTorch's lazy `reset_parameters`). */
  override resetParameters(): void {
    // Called by `Linear`'s constructor before the lazy parameters exist: nothing to draw for an empty weight.
    if (this.inFeatures === 0 || this.hasUninitializedParams()) return;
    super.resetParameters();
  }

  /** Infers `inFeatures` from `input`, materialises the parameters, initialises them, becomes a `Linear`. */
  initializeParameters(input: Tensor): void {
    if (!this.hasUninitializedParams()) return;
    (this as { inFeatures: number }).inFeatures = input.size(-1);
    (this.weight as UninitializedParameter).materialize([this.outFeatures, this.inFeatures]);
    if (this.bias !== null) (this.bias as UninitializedParameter).materialize([this.outFeatures]);
    this.resetParameters();
    this.initializeHook?.remove();
    Object.setPrototypeOf(this, Linear.prototype);
  }

  /**
   * Loads like `Linear`, materialising uninitialised parameters with the shapes found in `stateDict` first
   * (PyTorch's `_lazy_load_hook`). Applies when the lazy module is the one being loaded; see the package README.
   */
  override loadStateDict(
    stateDict: StateDict | Map<string, Tensor>,
    options?: { strict?: boolean },
  ): ReturnType<Linear['loadStateDict']> {
    const entries = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const weight = entries.get('weight');
    if (this.hasUninitializedParams() && weight !== undefined) {
      (this as { inFeatures: number }).inFeatures = weight.size(1);
      (this.weight as UninitializedParameter).materialize(weight.shape);
      const bias = entries.get('bias');
      if (this.bias !== null && bias !== undefined)
        (this.bias as UninitializedParameter).materialize(bias.shape);
      this.initializeHook?.remove();
      Object.setPrototypeOf(this, Linear.prototype);
    }
    return super.loadStateDict(stateDict, options);
  }
}
