/**
 * Containers: `Sequential`, `ModuleList`, `ModuleDict`, `ParameterList`, `ParameterDict`. Members are registered
 * under their index (`'0'`, `'1'`, ...) or key, so state-dict names match PyTorch's (`0.weight`).
 */
import { IndexError, type Tensor } from '@proj/tensor';
import { KeyError, Module } from '../module.js';
import { Parameter } from '../parameter.js';

function wrapIndex(index: number, length: number, what: string): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new IndexError(`index ${index} is out of range`);
  }
  void what;
  return index < 0 ? index + length : index;
}

/**
 * Applies modules in order: `new Sequential(a, b, c)` or, with names, `new Sequential(new Map([['conv', a], ...]))`
 * (or a plain object). `get(i)` (negative allowed), `slice(start, end)`, iteration and `length` as in PyTorch.
 */
export class Sequential extends Module {
  constructor(...modules: (Module | Map<string, Module> | Record<string, Module>)[]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first);
      for (const [name, module] of entries) this.addModule(name, module);
    } else {
      modules.forEach((module, i) => {
        this.addModule(String(i), module as Module);
      });
    }
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at `index` (negative counts from the end). */
  get(index: number): Module {
    const keys = [...this._modules.keys()];
    return this._modules.get(keys[wrapIndex(index, keys.length, 'Sequential')]!)!;
  }

  /** A `Sequential` of the modules in `[start, end)`, keeping their names (PyTorch's `seq[a:b]`). */
  slice(start?: number, end?: number): Sequential {
    const entries = [...this._modules.entries()].slice(start, end) as [string, Module][];
    return new Sequential(new Map(entries));
  }

  /** Replaces the module at `index`. */
  set(index: number, module: Module): void {
    const keys = [...this._modules.keys()];
    this._modules.set(keys[wrapIndex(index, keys.length, 'Sequential')]!, module);
  }

  /** Appends a module under the next index. */
  append(module: Module): this {
    this.addModule(String(this._modules.size), module);
    return this;
  }

  /** Appends several modules. */
  extend(modules: Iterable<Module>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  /** Inserts a module at `index`, renumbering the ones after it. */
  insert(index: number, module: Module): this {
    const values = [...this._modules.values()] as Module[];
    const n = values.length;
    if (!Number.isInteger(index) || index < -n || index > n)
      throw new IndexError(`Index out of range: ${index}`);
    values.splice(index < 0 ? index + n : index, 0, module);
    this._modules.clear();
    values.forEach((m, i) => {
      this._modules.set(String(i), m);
    });
    return this;
  }

  /** Removes and returns the module at `index`. */
  pop(index = -1): Module {
    const keys = [...this._modules.keys()];
    const key = keys[wrapIndex(index, keys.length, 'Sequential')]!;
    const module = this._modules.get(key)!;
    this._modules.delete(key);
    return module;
  }

  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()] as Module[])[Symbol.iterator]();
  }

  /** Feeds the input through every module in turn. */
  override forward(input: unknown): unknown {
    let value = input;
    for (const module of this._modules.values()) {
      if (module !== null) value = (module.call as (x: unknown) => unknown)(value);
    }
    return value;
  }
}

/** A list of modules, registered under their indices (PyTorch's `nn.ModuleList`). */
export class ModuleList extends Module {
  constructor(modules?: Iterable<Module>) {
    super();
    if (modules !== undefined) this.extend(modules);
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at `index` (negative counts from the end). */
  get(index: number): Module {
    return this._modules.get(String(wrapIndex(index, this._modules.size, 'ModuleList')))!;
  }

  /** Replaces the module at `index`. */
  set(index: number, module: Module): void {
    this._modules.set(String(wrapIndex(index, this._modules.size, 'ModuleList')), module);
  }

  /** A `ModuleList` of the modules in `[start, end)`. */
  slice(start?: number, end?: number): ModuleList {
    return new ModuleList(([...this._modules.values()] as Module[]).slice(start, end));
  }

  /** Appends a module. */
  append(module: Module): this {
    this.addModule(String(this._modules.size), module);
    return this;
  }

  /** Appends several modules. */
  extend(modules: Iterable<Module>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  /** Inserts a module at `index`. */
  insert(index: number, module: Module): void {
    const values = [...this._modules.values()] as Module[];
    const n = values.length;
    values.splice(index < 0 ? Math.max(0, index + n) : Math.min(index, n), 0, module);
    this._modules.clear();
    values.forEach((m, i) => {
      this._modules.set(String(i), m);
    });
  }

  /** Removes and returns the module at `index`, renumbering the rest. */
  pop(index = -1): Module {
    const values = [...this._modules.values()] as Module[];
    const [removed] = values.splice(wrapIndex(index, values.length, 'ModuleList'), 1);
    this._modules.clear();
    values.forEach((m, i) => {
      this._modules.set(String(i), m);
    });
    return removed!;
  }

  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()] as Module[])[Symbol.iterator]();
  }
}

/** A dictionary of modules, registered under their keys in insertion order (PyTorch's `nn.ModuleDict`). */
export class ModuleDict extends Module {
  constructor(modules?: Map<string, Module> | Record<string, Module> | Iterable<[string, Module]>) {
    super();
    if (modules !== undefined) this.update(modules);
  }

  /** Number of entries. */
  get length(): number {
    return this._modules.size;
  }

  /** The module under `key`. */
  get(key: string): Module {
    if (!this._modules.has(key)) throw new KeyError(`'${key}'`);
    return this._modules.get(key)!;
  }

  /** Sets (or adds) the module under `key`. */
  set(key: string, module: Module): void {
    this.addModule(key, module);
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes and returns the module under `key`. */
  pop(key: string): Module {
    const module = this.get(key);
    this._modules.delete(key);
    return module;
  }

  /** Removes every entry. */
  clear(): void {
    this._modules.clear();
  }

  /** Keys in insertion order. */
  keys(): string[] {
    return [...this._modules.keys()];
  }

  /** Modules in insertion order. */
  values(): Module[] {
    return [...this._modules.values()] as Module[];
  }

  /** `[key, module]` pairs in insertion order. */
  items(): [string, Module][] {
    return [...this._modules.entries()] as [string, Module][];
  }

  /** Adds every entry of `modules`. */
  update(modules: Map<string, Module> | Record<string, Module> | Iterable<[string, Module]>): void {
    const entries =
      modules instanceof Map || Symbol.iterator in modules
        ? [...(modules as Iterable<[string, Module]>)]
        : Object.entries(modules);
    for (const [key, module] of entries) this.addModule(key, module);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

function describeParameter(p: Tensor, typeName: string): string {
  const size = p.shape.join('x');
  const device = p.isCuda ? ` (GPU ${p.getDevice()})` : '';
  return `${p instanceof Parameter ? 'Parameter' : 'Tensor'} containing: [${typeName} of size ${size}${device}]`;
}

/** A list of parameters, registered under their indices (PyTorch's `nn.ParameterList`). */
export class ParameterList extends Module {
  constructor(values?: Iterable<Tensor>) {
    super();
    if (values !== undefined) this.extend(values);
  }

  /** Number of parameters. */
  get length(): number {
    return this._parameters.size;
  }

  /** The parameter at `index` (negative counts from the end). */
  get(index: number): Parameter {
    return this._parameters.get(String(wrapIndex(index, this._parameters.size, 'ParameterList')))!;
  }

  /** Replaces the parameter at `index` (plain tensors become parameters). */
  set(index: number, value: Tensor): void {
    const key = String(wrapIndex(index, this._parameters.size, 'ParameterList'));
    this._parameters.set(key, value instanceof Parameter ? value : new Parameter(value));
  }

  /** Appends a parameter (a plain tensor is wrapped in a `Parameter`). */
  append(value: Tensor): this {
    this.registerParameter(
      String(this._parameters.size),
      value instanceof Parameter ? value : new Parameter(value),
    );
    return this;
  }

  /** Appends several parameters. */
  extend(values: Iterable<Tensor>): this {
    for (const value of values) this.append(value);
    return this;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return ([...this._parameters.values()] as Parameter[])[Symbol.iterator]();
  }

  override extraRepr(): string {
    return ([...this._parameters.entries()] as [string, Parameter][])
      .map(([key, p]) => `  (${key}): ${describeParameter(p, `torch.${p.dtype}`)}`)
      .join('\n');
  }
}

/** A dictionary of parameters, registered under their keys (PyTorch's `nn.ParameterDict`). */
export class ParameterDict extends Module {
  constructor(values?: Map<string, Tensor> | Record<string, Tensor>) {
    super();
    if (values !== undefined) this.update(values);
  }

  /** Number of entries. */
  get length(): number {
    return this._parameters.size;
  }

  /** The parameter under `key`. */
  get(key: string): Parameter {
    if (!this._parameters.has(key)) throw new KeyError(`'${key}'`);
    return this._parameters.get(key)!;
  }

  /** Sets (or adds) the parameter under `key` (a plain tensor is wrapped in a `Parameter`). */
  set(key: string, value: Tensor): void {
    this.registerParameter(key, value instanceof Parameter ? value : new Parameter(value));
  }

  /** Whether `key` is present. */
  has(key: string): boolean {
    return this._parameters.has(key);
  }

  /** Removes and returns the parameter under `key`. */
  pop(key: string): Parameter {
    const value = this.get(key);
    this._parameters.delete(key);
    return value;
  }

  /** Keys in insertion order. */
  keys(): string[] {
    return [...this._parameters.keys()];
  }

  /** Parameters in insertion order. */
  values(): Parameter[] {
    return [...this._parameters.values()] as Parameter[];
  }

  /** `[key, parameter]` pairs in insertion order. */
  items(): [string, Parameter][] {
    return [...this._parameters.entries()] as [string, Parameter][];
  }

  /** Adds every entry of `values`. */
  update(values: Map<string, Tensor> | Record<string, Tensor>): void {
    const entries = values instanceof Map ? [...values.entries()] : Object.entries(values);
    for (const [key, value] of entries) this.set(key, value);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  override extraRepr(): string {
    return this.items()
      .map(([key, p]) => `  (${key}): ${describeParameter(p, p.typeName())}`)
      .join('\n');
  }
}
