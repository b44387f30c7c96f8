/**
 * The `Optimizer` base class: parameter groups over defaults, per-parameter state, `zeroGrad`, `step` with hooks,
 * and `stateDict`/`loadStateDict` that reference parameters by position, as `torch.optim.Optimizer` does.
 *
 * A subclass passes its defaults to `super`, validates its hyper-parameters before that (with PyTorch's messages),
 * and implements `_step()`; see `sgd.ts` for the smallest example.
 */
import { enableGrad, noGrad } from '@proj/autograd';
import { RuntimeError, Tensor, ValueError } from '@proj/tensor';
import { deepCopy, pyStr, warn } from './internal/python.js';

/** Marks a hyper-parameter without a default (SGD's `lr`), like `torch.optim.optimizer.required`. */
export const required: unique symbol = Symbol('required');

/** A closure that re-evaluates the model and returns the loss (`LBFGS` calls it several times per step). */
export type Closure = () => Tensor | number;

/** The per-parameter state of an optimizer (`expAvg`, `step`, `momentumBuffer`, ...). */
export type ParamState = Record<string, any>;

/** One parameter group: its parameters and its options (the optimizer's defaults fill what it does not set). */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: any;
}

/** A parameter group as passed to a constructor or `addParamGroup`: any option may be left out. */
export type ParamGroupInput<Options> = { params: Tensor | Iterable<Tensor> } & Partial<Options> & {
    [option: string]: unknown;
  };

/** What optimizers accept: parameters, or parameter groups with per-group options. */
export type ParamsInput<Options> = Iterable<Tensor> | Iterable<ParamGroupInput<Options>>;

/** `optimizer.stateDict()`: state keyed by parameter position, and the groups with positions instead of tensors. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Array<{ params: number[]; [option: string]: any }>;
}

/** A hook run before or after `optimizer.step()`. */
export type StepHook<O> = (optimizer: O, closure: Closure | undefined) => void;

/** Returned by hook registrations; `remove()` unregisters. */
export interface RemovableHandle {
  remove(): void;
}

/** How `loadStateDict` checks the state it loads: the keys this optimizer writes, and which are shaped like the parameter. */
export interface StateSpec {
  keys: readonly string[];
  paramShaped: readonly string[];
}

/** Python's `torch.typename` for the values our type errors name. */
function typeName(value: unknown): string {
  if (value instanceof Tensor) return value.typeName();
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'list';
  return (value as object).constructor?.name ?? typeof value;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.iterator in value;
}

/**
 * Base class of all optimizers (`torch.optim.Optimizer`).
 *
 * ```ts
 * const opt = new SGD([{ params: model.base.parameters() }, { params: model.head.parameters(), lr: 1e-3 }], {
 *   lr: 1e-2, momentum: 0.9,
 * });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export abstract class Optimizer<Options extends object = Record<string, unknown>> {
  /** The options every group falls back to. */
  readonly defaults: Options;
  /** Per-parameter state, created lazily by `step()` (or eagerly, for `Adagrad`). */
  state: Map<Tensor, ParamState> = new Map();
  /** The parameter groups, each with its options filled in. */
  paramGroups: Array<ParamGroup & Options> = [];
  /** Steps taken since a scheduler last reset it (schedulers use it for their call-order warning). */
  _stepCount = 0;

  // typed loosely so that Optimizer<Options> stays assignable to Optimizer<any> (a `this`-typed field would not)
  private readonly stepPreHooks = new Map<number, StepHook<unknown>>();
  private readonly stepPostHooks = new Map<number, StepHook<unknown>>();
  private nextHookId = 0;

  constructor(params: ParamsInput<Options>, defaults: Options) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new TypeError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${params.typeName()}`,
      );
    }
    if (!isIterable(params)) {
      throw new TypeError(
        `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${typeName(params)}`,
      );
    }
    let groups = [...(params as Iterable<unknown>)];
    if (groups.length === 0) throw new ValueError('optimizer got an empty parameter list');
    if (groups[0] instanceof Tensor || !isPlainGroup(groups[0])) groups = [{ params: groups }];
    for (const group of groups) this.addParamGroup(group as ParamGroupInput<Options>);
    // NOTE [Step wrapper]: PyTorch wraps `step` for profiling and hooks; we wrap the instance's own step once so
    // every subclass gets hooks, grad mode and the closure contract without repeating them.
    const implementation = this.step;
    const wrapped = (closure?: Closure): Tensor | number | null => {
      for (const hook of [...this.stepPreHooks.values()]) hook(this, closure);
      const differentiable = (this.defaults as { differentiable?: boolean }).differentiable === true;
      const result = differentiable
        ? implementation.call(this, closure)
        : noGrad(() => implementation.call(this, closure));
      for (const hook of [...this.stepPostHooks.values()]) hook(this, closure);
      return result;
    };
    this.step = wrapped;
  }

  /**
   * Performs one optimization step. `closure` re-evaluates the model and returns the loss; it runs with grad mode
   * enabled, and its loss is returned. Required by `LBFGS`, optional elsewhere.
   */
  step(closure?: Closure): Tensor | number | null {
    const loss = this._evaluateClosure(closure);
    this._checkGradLayouts();
    this._step();
    return loss;
  }

  /** The update of one step over all groups (grad mode is already off unless `differentiable`). */
  protected abstract _step(): void;

  /**
   * PyTorch's error for a sparse gradient (`Embedding({ sparse: true })`), or null for optimizers that take them
   * (SGD, Adagrad, SparseAdam, LBFGS).
   */
  protected _sparseGradError(): string | null {
    return `${this.constructor.name} does not support sparse gradients`;
  }

  /** Fails before any parameter or state changes when a gradient has a layout this optimizer rejects. */
  protected _checkGradLayouts(): void {
    const message = this._sparseGradError();
    if (message === null) return;
    for (const group of this.paramGroups) {
      for (const param of group.params) if (param.grad?.isSparse) throw new RuntimeError(message);
    }
  }

  /** Runs the closure with grad mode on, as PyTorch's `with torch.enable_grad(): loss = closure()`. */
  protected _evaluateClosure(closure: Closure | undefined): Tensor | number | null {
    if (closure === undefined) return null;
    return enableGrad(() => closure());
  }

  /** The state of `param`, created empty on first use (PyTorch's `defaultdict(dict)`). */
  protected _stateOf(param: Tensor): ParamState {
    let state = this.state.get(param);
    if (state === undefined) {
      state = {};
      this.state.set(param, state);
    }
    return state;
  }

  /** The state keys this optimizer writes, for `loadStateDict`'s checks; `null` accepts anything. */
  protected _stateSpec(): StateSpec | null {
    return null;
  }

  /**
   * Adds a parameter group (e.g. to train frozen layers later), filling its options from the defaults.
   * A parameter may belong to only one group.
   */
  addParamGroup(paramGroup: ParamGroupInput<Options>): void {
    if (paramGroup === null || typeof paramGroup !== 'object' || paramGroup instanceof Tensor) {
      throw new TypeError('param group must be a dict');
    }
    const group = { ...paramGroup } as Record<string, unknown>;
    const params = group.params;
    let list: unknown[];
    if (params instanceof Tensor) list = [params];
    else if (isIterable(params)) list = [...params];
    else {
      throw new TypeError(
        `optimizer can only optimize Tensors, but one of the params is ${typeName(params)}`,
      );
    }
    for (const param of list) {
      if (!(param instanceof Tensor)) {
        throw new TypeError(
          `optimizer can only optimize Tensors, but one of the params is ${typeName(param)}`,
        );
      }
      const differentiable = (this.defaults as { differentiable?: boolean }).differentiable === true;
      if (!differentiable && !(param.isLeaf || param.retainsGrad)) {
        throw new ValueError("can't optimize a non-leaf Tensor");
      }
    }
    group.params = list;
    for (const [name, value] of Object.entries(this.defaults)) {
      if (value === required && group[name] === undefined) {
        throw new ValueError(
          `parameter group didn't specify a value of required optimization parameter ${name}`,
        );
      }
      if (group[name] === undefined) group[name] = Array.isArray(value) ? [...value] : value;
    }
    const tensors = list as Tensor[];
    if (new Set(tensors).size !== tensors.length) {
      warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
      );
    }
    const existing = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) existing.add(p);
    if (tensors.some((p) => existing.has(p))) {
      throw new ValueError('some parameters appear in more than one parameter group');
    }
    this.paramGroups.push(group as unknown as ParamGroup & Options);
  }

  /**
   * Resets the gradients of all optimized parameters: to `null` (the default, as PyTorch 2.0) or, with
   * `{ setToNone: false }`, to zeros in place.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (setToNone) {
          p.grad = null;
          continue;
        }
        if (grad.gradFn !== null) grad.detach_();
        else grad.requiresGrad_(false);
        grad.zero_();
      }
    }
  }

  /** Registers `hook(optimizer, closure)` to run before each `step()`. */
  registerStepPreHook(hook: StepHook<this>): RemovableHandle {
    return this.addHook(this.stepPreHooks, hook);
  }

  /** Registers `hook(optimizer, closure)` to run after each `step()`. */
  registerStepPostHook(hook: StepHook<this>): RemovableHandle {
    return this.addHook(this.stepPostHooks, hook);
  }

  private addHook(hooks: Map<number, StepHook<unknown>>, hook: StepHook<this>): RemovableHandle {
    const id = this.nextHookId++;
    hooks.set(id, hook as StepHook<unknown>);
    return { remove: () => void hooks.delete(id) };
  }

  /**
   * The optimizer's state: `{ state, paramGroups }` with parameters replaced by their position across groups.
   * Like PyTorch, the state tensors are the live ones (not copies): save or clone the dict before stepping again.
   */
  stateDict(): OptimizerStateDict {
    const positions = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') packed[key] = Array.isArray(value) ? [...value] : value;
      }
      group.params.forEach((p, i) => {
        if (!positions.has(p)) positions.set(p, start + i);
      });
      packed.params = group.params.map((p) => positions.get(p)!);
      start += group.params.length;
      return packed as OptimizerStateDict['paramGroups'][number];
    });
    const state: Record<number, ParamState> = {};
    for (const [param, value] of this.state) {
      const position = positions.get(param);
      if (position !== undefined) state[position] = value;
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (deep-copied, floating tensors cast to their parameter's dtype except
   * `step`). Everything is checked before anything changes: a dict with a different number or size of groups,
   * from another optimizer, or with state that does not fit the parameters is rejected and the optimizer is left
   * as it was.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (stateDict === null || typeof stateDict !== 'object' || !Array.isArray(stateDict.paramGroups)) {
      throw new ValueError(`loaded state dict is not an optimizer state dict (it has no paramGroups list)`);
    }
    const groups = this.paramGroups;
    const savedGroups = stateDict.paramGroups;
    if (groups.length !== savedGroups.length) {
      throw new ValueError('loaded state dict has a different number of parameter groups');
    }
    if (groups.some((g, i) => g.params.length !== savedGroups[i]!.params?.length)) {
      throw new ValueError(
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
      );
    }
    for (const saved of savedGroups) {
      const missing = Object.keys(this.defaults).filter((key) => !(key in saved));
      if (missing.length > 0) {
        throw new ValueError(
          `loaded state dict is not a ${name} state dict: its parameter groups lack the option(s) ${missing.join(', ')}`,
        );
      }
    }
    const idMap = new Map<number, Tensor>();
    const currentParams = groups.flatMap((g) => g.params);
    savedGroups
      .flatMap((g) => g.params)
      .forEach((id, i) => {
        idMap.set(Number(id), currentParams[i]!);
      });
    const spec = this._stateSpec();
    const savedState = stateDict.state ?? {};
    const entries = savedState instanceof Map ? [...savedState] : Object.entries(savedState);
    for (const [key, value] of entries) {
      const param = idMap.get(Number(key));
      if (param === undefined) {
        throw new ValueError(
          `loaded state dict has state for parameter ${key}, which is not in its parameter groups`,
        );
      }
      if (spec === null) continue;
      for (const [stateKey, stateValue] of Object.entries(value as ParamState)) {
        if (!spec.keys.includes(stateKey)) {
          throw new ValueError(
            `loaded state dict is not a ${name} state dict: parameter ${key} has unexpected state '${stateKey}'`,
          );
        }
        if (spec.paramShaped.includes(stateKey)) {
          const shapeOk =
            stateValue instanceof Tensor && stateValue.shape.join(',') === param.shape.join(',');
          if (!shapeOk) {
            const got =
              stateValue instanceof Tensor ? `[${stateValue.shape.join(', ')}]` : typeName(stateValue);
            throw new ValueError(
              `loaded state dict has state '${stateKey}' of shape ${got} for parameter ${key} of shape [${param.shape.join(', ')}]`,
            );
          }
        }
      }
    }
    // Validation passed: build the new state and groups, then swap them in.
    const state = new Map<Tensor, ParamState>();
    for (const [key, value] of entries) {
      const param = idMap.get(Number(key))!;
      const copied: ParamState = {};
      for (const [stateKey, stateValue] of Object.entries(value as ParamState)) {
        copied[stateKey] = deepCopy(stateValue, (t) => {
          if (stateKey === 'step') return t.clone();
          const cast = param.isFloatingPoint() ? t.to(param.dtype) : t;
          const moved = cast.to(param.device);
          return moved === t ? t.clone() : moved;
        });
      }
      state.set(param, copied);
    }
    const paramGroups = savedGroups.map((saved, i) => {
      const copied = deepCopy({ ...saved, params: [] as number[] }, (t) => t.clone()) as Record<
        string,
        unknown
      >;
      copied.params = groups[i]!.params;
      return copied as unknown as ParamGroup & Options;
    });
    this.state = state;
    this.paramGroups = paramGroups;
  }

  /** PyTorch's `repr(optimizer)`: the class name and each group's options, sorted. */
  toString(): string {
    let text = `${this.constructor.name} (`;
    this.paramGroups.forEach((group, i) => {
      text += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(group).sort()) {
        if (key !== 'params') text += `    ${key}: ${pyStr(group[key])}\n`;
      }
    });
    return `${text})`;
  }
}

function isPlainGroup(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !(value instanceof Tensor) && 'params' in value;
}

/** The gradient a step uses: `-grad` when maximizing (a new tensor, as PyTorch's `-grads[i]`). */
export function directedGrad(grad: Tensor, maximize: boolean): Tensor {
  return maximize ? grad.neg() : grad;
}
