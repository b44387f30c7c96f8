/**
 * `Module`: the base class of every layer and model (PyTorch's `torch.nn.Module`).
 *
 * Parameters, buffers and submodules register themselves when assigned to a field, in assignment order, because the
 * constructor returns a Proxy around the instance whose `set` trap routes `Parameter`s, `Buffer`s and `Module`s into
 * ordered maps (PyTorch's `__setattr__`). Subclasses declare such fields with `declare` so that TypeScript emits no
 * field initialiser:
 *
 * ```ts
 * class Net extends Module {
 *   declare fc1: Linear;
 *   declare fc2: Linear;
 *   constructor() {
 *     super();
 *     this.fc1 = new Linear(4, 8);
 *     this.fc2 = new Linear(8, 2);
 *   }
 *   override forward(x: Tensor): Tensor {
 *     return this.fc2.call(F.relu(this.fc1.call(x)));
 *   }
 * }
 * ```
 */
import { Function as AutogradFunction, type FunctionCtx, noGrad } from '@proj/autograd';
import {
  DTYPES,
  type DType,
  isFloatingPoint,
  NotImplementedError,
  RuntimeError,
  Tensor,
  ValueError,
} from '@proj/tensor';
import { Buffer, Parameter, setData } from './parameter.js';

/** Python's `AttributeError`, raised by attribute-path lookups such as `getSubmodule`. */
export class AttributeError extends Error {
  override name = 'AttributeError';
}

/** Python's `KeyError`, raised by invalid registration names. */
export class KeyError extends Error {
  override name = 'KeyError';
}

/** A handle returned by hook registration; `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

/** A forward pre-hook: may return replacement arguments (an array, or a single value for one argument). */
export type ForwardPreHook = (module: Module, args: any[]) => unknown;
/** A forward hook: may return a replacement output. */
export type ForwardHook = (module: Module, args: any[], output: any) => unknown;
/** A full backward hook: gets the gradients w.r.t. the inputs and outputs; may return replacement input grads. */
export type BackwardHook = (
  module: Module,
  gradInput: (Tensor | null)[],
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | undefined | null | undefined;
/** A full backward pre-hook: gets the gradients w.r.t. the outputs; may return replacements. */
export type BackwardPreHook = (
  module: Module,
  gradOutput: (Tensor | null)[],
) => (Tensor | null)[] | undefined | null | undefined;

/** What a state dict holds: dotted names to tensors, in PyTorch's order. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` returns (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Python's type name of a value, for the messages of failed assignments. */
function pythonTypeName(value: unknown): string {
  if (value instanceof Tensor) return value.typeName();
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  return (value as object).constructor?.name ?? 'object';
}

/** Inserts `numSpaces` spaces after every newline of `text` (PyTorch's `_addindent`). */
function addIndent(text: string, numSpaces: number): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const pad = ' '.repeat(numSpaces);
  return [lines[0], ...lines.slice(1).map((line) => pad + line)].join('\n');
}

let nextHookId = 0;

/** Shared state of one forward call with full backward hooks: gradients seen on the output side. */
interface BackwardHookState {
  module: Module;
  numInputs: number;
  /** Positions of the arguments that are tensors requiring grad. */
  inputIndices: number[];
  gradOutputs: (Tensor | null)[] | null;
}

/**
 * Identity function placed on the tensors a module receives (input side) or returns (output side), so the module's
 * backward hooks see the gradients flowing through them (PyTorch's `BackwardHookFunction`).
 */
class BackwardHookFunction extends AutogradFunction {
  static override forward(
    ctx: FunctionCtx,
    state: BackwardHookState,
    side: string,
    ...tensors: Tensor[]
  ): Tensor[] {
    ctx.state = state;
    ctx.side = side;
    ctx.materializeGrads = false;
    return tensors;
  }

  static override backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): (Tensor | null)[] {
    const state = ctx.state as BackwardHookState;
    const module = state.module;
    let result = grads;
    if (ctx.side === 'output') {
      for (const hook of module._backwardPreHooks.values()) {
        const replaced = hook(module, result);
        if (replaced !== undefined && replaced !== null) result = replaced;
      }
      state.gradOutputs = result;
      if (state.inputIndices.length === 0) {
        // No input requires grad: the hooks run now, with no input gradients.
        const gradInputs = new Array<Tensor | null>(state.numInputs).fill(null);
        for (const hook of module._backwardHooks.values()) {
          const replaced = hook(module, gradInputs, result);
          if (replaced?.some((g) => g !== null)) {
            throw new RuntimeError(
              'Backward hook for Modules where no input requires gradient should always return None or None for all gradients.',
            );
          }
        }
      }
    } else {
      let gradInputs = new Array<Tensor | null>(state.numInputs).fill(null);
      state.inputIndices.forEach((position, i) => {
        gradInputs[position] = grads[i] ?? null;
      });
      for (const hook of module._backwardHooks.values()) {
        const replaced = hook(module, gradInputs, state.gradOutputs ?? []);
        if (replaced !== undefined && replaced !== null) {
          if (replaced.length !== gradInputs.length) {
            throw new RuntimeError(
              `Backward hook returned an invalid number of grad_input, got ${replaced.length}, but expected ${gradInputs.length}`,
            );
          }
          gradInputs = replaced;
        }
      }
      result = state.inputIndices.map((position) => gradInputs[position] ?? null);
    }
    return [null, null, ...result];
  }
}

/** Applies the identity hook function to the tensors requiring grad among `values`; returns the new values. */
function wrapForBackwardHooks(state: BackwardHookState, side: string, values: unknown[]): unknown[] {
  const positions: number[] = [];
  const tensors: Tensor[] = [];
  values.forEach((value, i) => {
    if (value instanceof Tensor && value.requiresGrad) {
      positions.push(i);
      tensors.push(value);
    }
  });
  if (side === 'input') state.inputIndices = positions;
  if (tensors.length === 0) return values;
  const wrapped = BackwardHookFunction.apply(state, side, ...tensors) as unknown as Tensor[];
  const result = values.slice();
  positions.forEach((position, i) => {
    result[position] = wrapped[i];
  });
  return result;
}

const proxyHandler: ProxyHandler<Module> = {
  get(target, property, receiver) {
    if (typeof property === 'string') {
      const parameters = target._parameters;
      if (parameters.has(property)) return parameters.get(property);
      const buffers = target._buffers;
      if (buffers.has(property)) return buffers.get(property);
      const modules = target._modules;
      if (modules.has(property)) return modules.get(property);
    }
    return Reflect.get(target, property, receiver);
  },
  set(target, property, value, receiver) {
    if (typeof property === 'string' && target._assign(property, value, false)) return true;
    return Reflect.set(target, property, value, receiver);
  },
  defineProperty(target, property, descriptor) {
    // Reached by class field initialisers and by `Reflect.set` on plain attributes.
    if (typeof property === 'string' && 'value' in descriptor) {
      if (target._assign(property, descriptor.value, true)) return true;
    }
    return Reflect.defineProperty(target, property, descriptor);
  },
  deleteProperty(target, property) {
    if (typeof property === 'string') {
      if (target._parameters.delete(property)) return true;
      if (target._buffers.delete(property)) {
        target._nonPersistentBuffers.delete(property);
        return true;
      }
      if (target._modules.delete(property)) return true;
    }
    return Reflect.deleteProperty(target, property);
  },
  has(target, property) {
    if (typeof property === 'string') {
      if (
        target._parameters.has(property) ||
        target._buffers.has(property) ||
        target._modules.has(property)
      ) {
        return true;
      }
    }
    return Reflect.has(target, property);
  },
};

/**
 * Base class of all layers and models. See the file comment for how fields register; `call(...)` runs the forward
 * hooks around `forward(...)`.
 */
export class Module {
  /** Whether the module is in training mode (`train()` / `eval()`). */
  training = true;
  /** @internal Registered parameters (null entries are PyTorch's `None` parameters). */
  _parameters = new Map<string, Parameter | null>();
  /** @internal Registered buffers. */
  _buffers = new Map<string, Tensor | null>();
  /** @internal Names of buffers left out of the state dict. */
  _nonPersistentBuffers = new Set<string>();
  /** @internal Registered submodules. */
  _modules = new Map<string, Module | null>();
  /** @internal */
  _forwardPreHooks = new Map<number, ForwardPreHook>();
  /** @internal */
  _forwardHooks = new Map<number, ForwardHook>();
  /** @internal */
  _backwardHooks = new Map<number, BackwardHook>();
  /** @internal */
  _backwardPreHooks = new Map<number, BackwardPreHook>();

  constructor() {
    // biome-ignore lint/correctness/noConstructorReturn: the proxy is what makes field assignment register members
    return new Proxy(this, proxyHandler);
  }

  /**
   * @internal Registers `value` under `name` when it is a parameter, buffer or module, or replaces a registered
   * member; returns false for plain attributes. `fromDefine` marks a class-field definition, whose `undefined`
   * initial value must not clear a member registered by a base-class constructor.
   */
  _assign(name: string, value: unknown, fromDefine: boolean): boolean {
    const parameters = this._parameters;
    const buffers = this._buffers;
    const modules = this._modules;
    if (
      fromDefine &&
      value === undefined &&
      (parameters.has(name) || buffers.has(name) || modules.has(name))
    ) {
      return true;
    }
    if (value instanceof Parameter) {
      Reflect.deleteProperty(this, name);
      buffers.delete(name);
      this._nonPersistentBuffers.delete(name);
      modules.delete(name);
      this.registerParameter(name, value);
      return true;
    }
    if (parameters.has(name)) {
      if (value !== null && value !== undefined) {
        throw new TypeError(
          `cannot assign '${pythonTypeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`,
        );
      }
      this.registerParameter(name, null);
      return true;
    }
    if (value instanceof Module) {
      Reflect.deleteProperty(this, name);
      parameters.delete(name);
      buffers.delete(name);
      this._nonPersistentBuffers.delete(name);
      modules.set(name, value);
      return true;
    }
    if (modules.has(name)) {
      if (value !== null && value !== undefined) {
        throw new TypeError(
          `cannot assign '${pythonTypeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`,
        );
      }
      modules.set(name, null);
      return true;
    }
    if (value instanceof Buffer) {
      Reflect.deleteProperty(this, name);
      this.registerBuffer(name, value, { persistent: value.persistent });
      return true;
    }
    if (buffers.has(name)) {
      if (value !== null && value !== undefined && !(value instanceof Tensor)) {
        throw new TypeError(
          `cannot assign '${pythonTypeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`,
        );
      }
      buffers.set(name, (value as Tensor | null | undefined) ?? null);
      return true;
    }
    return false;
  }

  private checkMemberName(kind: string, name: string, registry: Map<string, unknown>): void {
    if (typeof name !== 'string') {
      throw new TypeError(`${kind} name should be a string. Got ${pythonTypeName(name)}`);
    }
    if (name.includes('.')) throw new KeyError(`${kind} name can't contain "."`);
    if (name === '') throw new KeyError(`${kind} name can't be empty string ""`);
    if (Reflect.has(this, name) && !registry.has(name))
      throw new KeyError(`attribute '${name}' already exists`);
  }

  /** `register_parameter(name, param)`: adds a parameter (or a `null` placeholder) under `name`. */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkMemberName('parameter', name, this._parameters);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `cannot assign '${pythonTypeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`,
      );
    }
    if (param !== null && !param.isLeaf) {
      throw new ValueError(
        `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    }
    this._parameters.set(name, param);
  }

  /**
   * `register_buffer(name, tensor, persistent=True)`: adds a buffer, a tensor that is part of the module's state
   * but not a parameter (e.g. BatchNorm's running mean). Non-persistent buffers are left out of `stateDict()`.
   */
  registerBuffer(name: string, tensor: Tensor | null, options?: { persistent?: boolean }): void {
    if (name.includes('.')) throw new KeyError('buffer name can\'t contain "."');
    if (name === '') throw new KeyError('buffer name can\'t be empty string ""');
    if (Reflect.has(this, name) && !this._buffers.has(name))
      throw new KeyError(`attribute '${name}' already exists`);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(
        `cannot assign '${pythonTypeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`,
      );
    }
    // A `Buffer` wrapper is stored as the plain tensor it wraps, as PyTorch does.
    const stored =
      tensor instanceof Buffer
        ? new Tensor(tensor._storage, tensor._shape, tensor._strides, tensor._offset)
        : tensor;
    this._buffers.set(name, stored);
    if (options?.persistent ?? true) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
  }

  /** `add_module(name, module)`: adds a submodule (or a `null` placeholder). */
  addModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`${pythonTypeName(module)} is not a Module subclass`);
    }
    this.checkMemberName('module', name, this._modules);
    this._modules.set(name, module);
  }

  /** Alias of `addModule`. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  /** The computation; subclasses override it. Call a module with `call(...)` so that its hooks run. */
  forward(..._args: any[]): any {
    throw new NotImplementedError(`Module [${this._getName()}] is missing the required "forward" function`);
  }

  /** Runs `forward` with the registered hooks (PyTorch's `module(*args)`). */
  call(...args: Parameters<this['forward']>): ReturnType<this['forward']> {
    if (
      this._forwardPreHooks.size === 0 &&
      this._forwardHooks.size === 0 &&
      this._backwardHooks.size === 0 &&
      this._backwardPreHooks.size === 0
    ) {
      return this.forward(...args);
    }
    let inputs: unknown[] = args;
    for (const hook of this._forwardPreHooks.values()) {
      const result = hook(this, inputs);
      if (result !== undefined && result !== null) inputs = Array.isArray(result) ? result : [result];
    }
    const withBackwardHooks = this._backwardHooks.size > 0 || this._backwardPreHooks.size > 0;
    let state: BackwardHookState | null = null;
    if (withBackwardHooks) {
      state = { module: this, numInputs: inputs.length, inputIndices: [], gradOutputs: null };
      inputs = wrapForBackwardHooks(state, 'input', inputs);
    }
    let output: unknown = this.forward(...inputs);
    for (const hook of this._forwardHooks.values()) {
      const result = hook(this, inputs, output);
      if (result !== undefined && result !== null) output = result;
    }
    if (state !== null) {
      if (output instanceof Tensor) output = wrapForBackwardHooks(state, 'output', [output])[0];
      else if (Array.isArray(output)) output = wrapForBackwardHooks(state, 'output', output);
    }
    return output as ReturnType<this['forward']>;
  }

  private addHook<H>(registry: Map<number, H>, hook: H, prepend: boolean | undefined): RemovableHandle {
    const id = nextHookId++;
    if (prepend) {
      const entries = [...registry.entries()];
      registry.clear();
      registry.set(id, hook);
      for (const [key, value] of entries) registry.set(key, value);
    } else {
      registry.set(id, hook);
    }
    return { remove: () => void registry.delete(id) };
  }

  /** Registers a hook run before `forward`; it may return replacement arguments. */
  registerForwardPreHook(hook: ForwardPreHook, options?: { prepend?: boolean }): RemovableHandle {
    return this.addHook(this._forwardPreHooks, hook, options?.prepend);
  }

  /** Registers a hook run after `forward`; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook, options?: { prepend?: boolean }): RemovableHandle {
    return this.addHook(this._forwardHooks, hook, options?.prepend);
  }

  /**
   * Registers a hook called with the gradients w.r.t. the module's inputs and outputs during backward; it may return
   * replacement input gradients (PyTorch's `register_full_backward_hook`).
   */
  registerFullBackwardHook(hook: BackwardHook, options?: { prepend?: boolean }): RemovableHandle {
    return this.addHook(this._backwardHooks, hook, options?.prepend);
  }

  /** Registers a hook called with the gradients w.r.t. the module's outputs before the input gradients exist. */
  registerFullBackwardPreHook(hook: BackwardPreHook, options?: { prepend?: boolean }): RemovableHandle {
    return this.addHook(this._backwardPreHooks, hook, options?.prepend);
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Traversal

  /** `named_modules()`: this module and all descendants, pre-order, with dotted names (each module once). */
  namedModules(options?: { prefix?: string; removeDuplicate?: boolean }): [string, Module][] {
    const result: [string, Module][] = [];
    const memo = new Set<Module>();
    const removeDuplicate = options?.removeDuplicate ?? true;
    const visit = (module: Module, prefix: string): void => {
      if (removeDuplicate) {
        if (memo.has(module)) return;
        memo.add(module);
      }
      result.push([prefix, module]);
      for (const [name, child] of module._modules) {
        if (child === null) continue;
        visit(child, prefix === '' ? name : `${prefix}.${name}`);
      }
    };
    visit(this, options?.prefix ?? '');
    return result;
  }

  /** `modules()`: this module and all descendants. */
  modules(): Module[] {
    return this.namedModules().map(([, module]) => module);
  }

  /** `named_children()`: direct submodules with their names (each module once). */
  namedChildren(): [string, Module][] {
    const memo = new Set<Module>();
    const result: [string, Module][] = [];
    for (const [name, child] of this._modules) {
      if (child !== null && !memo.has(child)) {
        memo.add(child);
        result.push([name, child]);
      }
    }
    return result;
  }

  /** `children()`: direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, module]) => module);
  }

  private namedMembers<T extends Tensor>(
    members: (module: Module) => Map<string, T | null>,
    prefix: string,
    recurse: boolean,
    removeDuplicate: boolean,
  ): [string, T][] {
    const memo = new Set<Tensor>();
    const modules: [string, Module][] = recurse
      ? this.namedModules({ prefix, removeDuplicate })
      : [[prefix, this]];
    const result: [string, T][] = [];
    for (const [modulePrefix, module] of modules) {
      for (const [name, value] of members(module)) {
        if (value === null) continue;
        if (removeDuplicate) {
          if (memo.has(value)) continue;
          memo.add(value);
        }
        result.push([modulePrefix === '' ? name : `${modulePrefix}.${name}`, value]);
      }
    }
    return result;
  }

  /** `named_parameters(prefix='', recurse=True, remove_duplicate=True)`. */
  namedParameters(options?: {
    prefix?: string;
    recurse?: boolean;
    removeDuplicate?: boolean;
  }): [string, Parameter][] {
    return this.namedMembers(
      (module) => module._parameters,
      options?.prefix ?? '',
      options?.recurse ?? true,
      options?.removeDuplicate ?? true,
    );
  }

  /** `parameters(recurse=True)`: every parameter once, in registration order. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  /** `named_buffers(prefix='', recurse=True, remove_duplicate=True)`. */
  namedBuffers(options?: {
    prefix?: string;
    recurse?: boolean;
    removeDuplicate?: boolean;
  }): [string, Tensor][] {
    return this.namedMembers(
      (module) => module._buffers,
      options?.prefix ?? '',
      options?.recurse ?? true,
      options?.removeDuplicate ?? true,
    );
  }

  /** `buffers(recurse=True)`. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** `get_submodule('a.b')`: the submodule at a dotted path ('' is this module). */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let module: Module = this;
    for (const item of target.split('.')) {
      const child = module._modules.get(item);
      if (!module._modules.has(item)) {
        if (Reflect.has(module, item)) throw new AttributeError(`\`${item}\` is not an nn.Module`);
        throw new AttributeError(`${module._getName()} has no attribute \`${item}\``);
      }
      if (child === null || child === undefined) throw new AttributeError(`\`${item}\` is not an nn.Module`);
      module = child;
    }
    return module;
  }

  /** `get_parameter('a.b.weight')`. */
  getParameter(target: string): Parameter {
    const cut = target.lastIndexOf('.');
    const module = this.getSubmodule(cut < 0 ? '' : target.slice(0, cut));
    const name = target.slice(cut + 1);
    if (!(name in module)) throw new AttributeError(`${module._getName()} has no attribute \`${name}\``);
    const param = module._parameters.get(name);
    if (!(param instanceof Parameter)) throw new AttributeError(`\`${name}\` is not an nn.Parameter`);
    return param;
  }

  /** `get_buffer('a.b.running_mean')`. */
  getBuffer(target: string): Tensor {
    const cut = target.lastIndexOf('.');
    const module = this.getSubmodule(cut < 0 ? '' : target.slice(0, cut));
    const name = target.slice(cut + 1);
    if (!(name in module)) throw new AttributeError(`${module._getName()} has no attribute \`${name}\``);
    const buffer = module._buffers.get(name);
    if (!(buffer instanceof Tensor)) throw new AttributeError(`\`${name}\` is not a buffer`);
    return buffer;
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Modes and conversions

  /** `train(mode=True)`: sets training mode here and in every descendant. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ValueError('training mode is expected to be boolean');
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** `eval()`: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** `apply(fn)`: calls `fn` on every submodule (children first) and then on this module. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * @internal Converts every parameter and buffer with `fn`. Parameters keep their identity (optimizers hold them):
   * their storage is replaced, as PyTorch's `param.data = fn(param)`; so are their gradients.
   */
  _apply(fn: (t: Tensor) => Tensor): this {
    for (const child of this.children()) child._apply(fn);
    noGrad(() => {
      for (const param of this._parameters.values()) {
        if (param === null) continue;
        const converted = fn(param);
        if (converted !== param) setData(param, converted);
        const grad = param.grad;
        if (grad !== null) {
          const convertedGrad = fn(grad);
          if (convertedGrad !== grad) {
            param._meta().grad = null;
            param.grad = convertedGrad;
          }
        }
      }
      for (const [name, buffer] of this._buffers) {
        if (buffer !== null) this._buffers.set(name, fn(buffer));
      }
    });
    return this;
  }

  /**
   * `to(device)`, `to(dtype)` or `to({ device, dtype })`: moves parameters and buffers; a dtype applies to
   * floating-point tensors only, as in PyTorch.
   */
  to(target: string | { device?: string; dtype?: DType }): this {
    let device: string | undefined;
    let dtype: DType | undefined;
    if (typeof target === 'string') {
      if (isDtypeName(target)) dtype = target as DType;
      else device = target;
    } else {
      device = target.device;
      dtype = target.dtype;
    }
    if (dtype !== undefined && !isFloatingPoint(dtype)) {
      throw new TypeError(
        `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${dtype}`,
      );
    }
    return this._apply((t) => {
      let result = t;
      if (device !== undefined && result.device !== device) result = result.to(device);
      if (dtype !== undefined && result.isFloatingPoint() && result.dtype !== dtype)
        result = result.to(dtype);
      return result;
    });
  }

  /** Moves everything to a CUDA device. */
  cuda(device?: number): this {
    return this.to(device === undefined ? 'cuda' : `cuda:${device}`);
  }

  /** Moves everything to the CPU. */
  cpu(): this {
    return this.to('cpu');
  }

  /** Casts floating-point parameters and buffers to float32. */
  float(): this {
    return this.to('float32');
  }

  /** Casts floating-point parameters and buffers to float64. */
  double(): this {
    return this.to('float64');
  }

  /** Casts floating-point parameters and buffers to float16. */
  half(): this {
    return this.to('float16');
  }

  /** Casts floating-point parameters and buffers to bfloat16. */
  bfloat16(): this {
    return this.to('bfloat16');
  }

  /**
   * `zero_grad(set_to_none=True)`: drops the gradients (or zeroes them in place with `setToNone: false`).
   */
  zeroGrad(options?: { setToNone?: boolean }): void {
    const setToNone = options?.setToNone ?? true;
    for (const param of this.parameters()) {
      const grad = param.grad;
      if (grad === null) continue;
      if (setToNone) {
        param.grad = null;
      } else {
        noGrad(() => {
          const plain = grad.gradFn !== null ? grad.detach() : grad;
          if (grad.gradFn !== null) param.grad = plain;
          else plain.requiresGrad_(false);
          plain.zero_();
        });
      }
    }
  }

  /** `requires_grad_(requires_grad=True)`: sets `requiresGrad` on every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const param of this.parameters()) param.requiresGrad_(requiresGrad);
    return this;
  }

  // ----------------------------------------------------------------------------------------------------------------
  // State dicts

  /**
   * `state_dict()`: parameters and persistent buffers of this module and its descendants under dotted names, in
   * PyTorch's order, detached (`keepVars: true` keeps them attached).
   */
  stateDict(options?: { prefix?: string; keepVars?: boolean; destination?: StateDict }): StateDict {
    const destination = options?.destination ?? {};
    const keepVars = options?.keepVars ?? false;
    const visit = (module: Module, prefix: string): void => {
      for (const [name, param] of module._parameters) {
        if (param !== null) destination[prefix + name] = keepVars ? param : param.detach();
      }
      for (const [name, buffer] of module._buffers) {
        if (buffer !== null && !module._nonPersistentBuffers.has(name)) {
          destination[prefix + name] = keepVars ? buffer : buffer.detach();
        }
      }
      for (const [name, child] of module._modules) {
        if (child !== null) visit(child, `${prefix}${name}.`);
      }
    };
    visit(this, options?.prefix ?? '');
    return destination;
  }

  /**
   * `load_state_dict(state_dict, strict=True)`: copies values into the parameters and buffers. Missing and unexpected
   * keys fail in strict mode, shape mismatches always; the message lists them as PyTorch's does, and nothing is
   * copied when it fails.
   */
  loadStateDict(
    stateDict: StateDict | Map<string, Tensor>,
    options?: { strict?: boolean },
  ): IncompatibleKeys {
    const strict = options?.strict ?? true;
    const entries: Map<string, unknown> =
      stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      const keyPrefix = prefix === '' ? '' : `${prefix}.`;
      const local = new Map<string, Tensor>();
      for (const [name, param] of module._parameters) if (param !== null) local.set(name, param);
      for (const [name, buffer] of module._buffers) {
        if (buffer !== null && !module._nonPersistentBuffers.has(name)) local.set(name, buffer);
      }
      for (const [name, target] of local) {
        const key = keyPrefix + name;
        if (!entries.has(key)) {
          missingKeys.push(key);
          continue;
        }
        const source = entries.get(key);
        if (!(source instanceof Tensor)) {
          errors.push(
            `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${pythonTypeName(source)}`,
          );
          continue;
        }
        if (source.shape.join(',') !== target.shape.join(',')) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape torch.Size([${source.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${target.shape.join(', ')}]).`,
          );
          continue;
        }
        copies.push([target, source]);
      }
      // Unexpected keys are collected in both modes (PyTorch reports them when not strict, too).
      for (const key of entries.keys()) {
        if (!key.startsWith(keyPrefix)) continue;
        const rest = key.slice(keyPrefix.length);
        const first = rest.split('.')[0]!;
        if (!local.has(rest) && !module._modules.has(first)) unexpectedKeys.push(key);
      }
    }
    if (strict) {
      if (unexpectedKeys.length > 0) {
        errors.unshift(
          `Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `,
        );
      }
      if (missingKeys.length > 0) {
        errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
      }
    }
    if (errors.length > 0) {
      throw new RuntimeError(
        `Error(s) in loading state_dict for ${this._getName()}:\n\t${errors.join('\n\t')}`,
      );
    }
    noGrad(() => {
      for (const [target, source] of copies) target.copy_(source);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Printing

  /** The class name used when printing (PyTorch's `_get_name()`). */
  _getName(): string {
    return this.constructor.name;
  }

  /** Extra text inside the parentheses of the printed module (e.g. `in_features=3, out_features=2, bias=True`). */
  extraRepr(): string {
    return '';
  }

  /** The module tree, formatted like PyTorch's `repr(module)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines: string[] = [];
    for (const [name, child] of this._modules) {
      const text = child === null ? 'None' : child.toString();
      childLines.push(`(${name}): ${addIndent(text, 2)}`);
    }
    const lines = [...extraLines, ...childLines];
    let text = `${this._getName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) text += extraLines[0];
      else text += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${text})`;
  }

  /** Node's `console.log` prints the module tree. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function isDtypeName(name: string): boolean {
  return (DTYPES as readonly string[]).includes(name);
}
