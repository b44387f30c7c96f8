/**
 * `gradcheck` / `gradgradcheck`: compare analytical gradients (from the engine) with central finite differences in
 * float64, with PyTorch's default tolerances (eps 1e-6, atol 1e-5, rtol 1e-3) and its style of error report.
 */
import { RuntimeError, type Tensor, zerosLike } from '@proj/tensor';
import { grad } from './api.js';
import { noGrad } from './grad-mode.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw on failure (default) or return false. */
  raiseException?: boolean;
  /** Check gradients of only these output indices. */
  nondetInputs?: never;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return Array.isArray(out) ? out : [out];
}

/** A 0-d view of element `i` (row-major order) of `t`, for perturbing it in place whatever its layout. */
function elementView(t: Tensor, i: number): Tensor {
  const shape = t.shape;
  const strides = t.stride();
  let offset = t.storageOffset();
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    offset += (rest % shape[d]!) * strides[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  return t.detach().asStrided([], [], offset);
}

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(t.detach().to('float64').contiguous().toTypedArray() as Float64Array);
}

/** Numerical Jacobian columns: d out_k[j] / d input[i] for every input element, by central differences. */
function numericalJacobian(fn: Fn, inputs: Tensor[], index: number, eps: number): Float64Array[][] {
  const input = inputs[index]!;
  const n = input.numel();
  const columns: Float64Array[][] = [];
  for (let i = 0; i < n; i++) {
    const value = elementView(input, i);
    const before = value.clone();
    noGrad(() => value.add_(eps));
    const plus = outputsOf(fn, inputs).map(flatValues);
    noGrad(() => value.copy_(before).sub_(eps));
    const minus = outputsOf(fn, inputs).map(flatValues);
    noGrad(() => value.copy_(before));
    columns.push(plus.map((p, k) => p.map((v, j) => (v - minus[k]![j]!) / (2 * eps))));
  }
  return columns;
}

/**
 * `torch.autograd.gradcheck(fn, inputs)`: true when every analytical gradient of every output with respect to every
 * input that requires grad matches finite differences; otherwise throws (or returns false) with a report naming the
 * output, input and the two Jacobians.
 */
export function gradcheck(fn: Fn, inputs: Tensor | Tensor[], options: GradcheckOptions = {}): boolean {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  for (const t of list) {
    if (t.requiresGrad && t.dtype !== 'float64') {
      console.warn(
        `Input #${list.indexOf(t)} requires gradient and is not a double precision floating point. This check will likely fail if all the inputs are not of double precision floating point.`,
      );
    }
  }
  const outputCount = outputsOf(fn, list).length;
  for (let k = 0; k < outputCount; k++) {
    for (let inputIndex = 0; inputIndex < list.length; inputIndex++) {
      const input = list[inputIndex]!;
      if (!input.requiresGrad) continue;
      // Perturbing the inputs bumps their version counters, so the graph for the analytical part is built after.
      const numerical = numericalJacobian(fn, list, inputIndex, eps);
      const out = outputsOf(fn, list)[k]!;
      if (!out.requiresGrad) continue;
      const m = out.numel();
      // Analytical Jacobian row by row: grad of out[j] with respect to the input.
      const analytical: Float64Array[] = [];
      for (let j = 0; j < m; j++) {
        const gradOutput = zerosLike(out);
        noGrad(() => gradOutput.view(-1).narrow(0, j, 1).fill_(1));
        const [g] = grad([out], [input], { gradOutputs: [gradOutput], retainGraph: true, allowUnused: true });
        analytical.push(g === null || g === undefined ? new Float64Array(input.numel()) : flatValues(g));
      }
      for (let i = 0; i < input.numel(); i++) {
        for (let j = 0; j < m; j++) {
          const a = analytical[j]![i]!;
          const b = numerical[i]![k]![j]!;
          if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
            const message = `Jacobian mismatch for output ${k} with respect to input ${inputIndex},\nnumerical:${formatJacobian(numerical, k, input.numel(), m, false)}\nanalytical:${formatJacobian(analytical, 0, input.numel(), m, true)}\n`;
            if (options.raiseException === false) return false;
            throw new GradcheckError(message);
          }
        }
      }
    }
  }
  return true;
}

function formatJacobian(
  source: Float64Array[] | Float64Array[][],
  k: number,
  rows: number,
  cols: number,
  byRow: boolean,
): string {
  const lines: string[] = [];
  for (let i = 0; i < Math.min(rows, 8); i++) {
    const values: string[] = [];
    for (let j = 0; j < Math.min(cols, 8); j++) {
      const v = byRow ? (source as Float64Array[])[j]![i]! : (source as Float64Array[][])[i]![k]![j]!;
      values.push(v.toFixed(4));
    }
    lines.push(`[${values.join(', ')}]`);
  }
  return `tensor([${lines.join(',\n        ')}])`;
}

/** The error `gradcheck` throws (PyTorch's `GradcheckError`). */
export class GradcheckError extends RuntimeError {
  override name = 'GradcheckError';
}

/**
 * `torch.autograd.gradgradcheck(fn, inputs)`: gradcheck of the first derivatives (with random output gradients),
 * which checks that the backward formulas are themselves differentiable and correct.
 */
export function gradgradcheck(
  fn: Fn,
  inputs: Tensor | Tensor[],
  options: GradcheckOptions & { gradOutputs?: Tensor[] } = {},
): boolean {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const outputs = outputsOf(fn, list);
  const gradOutputs =
    options.gradOutputs ??
    outputs.map((o) => noGrad(() => o.detach().clone().normal_(0, 1, {}).requiresGrad_(true)));
  const differentiable = list.filter((t) => t.requiresGrad);
  const firstDerivatives = (...args: Tensor[]): Tensor[] => {
    const ins = args.slice(0, list.length);
    const gos = args.slice(list.length);
    const outs = outputsOf(fn, ins).filter((o) => o.requiresGrad);
    const targets = ins.filter((t) => t.requiresGrad);
    const grads = grad(outs, targets, {
      gradOutputs: gos.slice(0, outs.length),
      createGraph: true,
      allowUnused: true,
    });
    return grads.map((g, i) => g ?? zerosLike(targets[i]!));
  };
  void differentiable;
  return gradcheck(firstDerivatives, [...list, ...gradOutputs], options);
}
