/** `torch.optim.LBFGS`: limited-memory BFGS with an optional strong-Wolfe line search (after minFunc). */
import {
  add,
  cat,
  div,
  ge,
  gt,
  le,
  lt,
  mul,
  RuntimeError,
  sub,
  type Tensor,
  ValueError,
  zeros,
} from '@proj/tensor';
import { type Closure, Optimizer, type ParamsInput, type StateSpec } from './optimizer.js';

/** Options of `LBFGS`. `maxEval` defaults to `floor(maxIter * 5 / 4)`. */
export interface LBFGSOptions {
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

// NOTE [Python scalars and 0-d tensors]: PyTorch's L-BFGS mixes Python floats (the loss, `lr`) with 0-d tensors
// (`gtd = g.dot(d)`, `ys`, `H_diag`, the step `t` after the first iteration). Arithmetic on a 0-d float32 tensor
// rounds to float32 at every operation, which changes which branch the line search takes. We keep the same mix:
// a `Real` is a JS number (a Python float) or a 0-d tensor, and these helpers follow Python's operator rules,
// including that `min`/`max` return one of their arguments unchanged.
type Real = number | Tensor;

function isNumber(x: Real): x is number {
  return typeof x === 'number';
}
function plus(a: Real, b: Real): Real {
  return isNumber(a) && isNumber(b) ? a + b : add(a, b);
}
function minus(a: Real, b: Real): Real {
  return isNumber(a) && isNumber(b) ? a - b : sub(a, b);
}
function times(a: Real, b: Real): Real {
  return isNumber(a) && isNumber(b) ? a * b : mul(a, b);
}
function over(a: Real, b: Real): Real {
  if (isNumber(a) && isNumber(b)) {
    if (b === 0) throw new RuntimeError('ZeroDivisionError: float division by zero');
    return a / b;
  }
  // Python's `float / tensor` is `tensor.reciprocal() * float`
  if (isNumber(a)) return mul((b as Tensor).reciprocal(), a);
  return div(a, b);
}
function absolute(a: Real): Real {
  return isNumber(a) ? Math.abs(a) : a.abs();
}
function compare(op: 'gt' | 'ge' | 'lt' | 'le', a: Real, b: Real): boolean {
  if (isNumber(a) && isNumber(b)) {
    return op === 'gt' ? a > b : op === 'ge' ? a >= b : op === 'lt' ? a < b : a <= b;
  }
  // put the tensor first, mirroring the comparison, so scalars are converted to the tensor's dtype
  if (isNumber(a)) {
    const mirrored = { gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' } as const;
    return compare(mirrored[op], b, a);
  }
  const fn = op === 'gt' ? gt : op === 'ge' ? ge : op === 'lt' ? lt : le;
  return fn(a, b).item() as boolean;
}
/** Python's `max(a, b)`: the first argument unless the second is strictly greater. */
function pyMax(a: Real, b: Real): Real {
  return compare('gt', b, a) ? b : a;
}
/** Python's `min(a, b)`: the first argument unless the second is strictly smaller. */
function pyMin(a: Real, b: Real): Real {
  return compare('lt', b, a) ? b : a;
}
function toNumber(a: Real): number {
  return isNumber(a) ? a : (a.item() as number);
}

/** PyTorch's `_cubic_interpolate`: the minimizer of the cubic through two points with their slopes. */
function cubicInterpolate(
  x1: Real,
  f1: Real,
  g1: Real,
  x2: Real,
  f2: Real,
  g2: Real,
  bounds?: [Real, Real],
): Real {
  let xminBound: Real;
  let xmaxBound: Real;
  if (bounds !== undefined) [xminBound, xmaxBound] = bounds;
  else [xminBound, xmaxBound] = compare('le', x1, x2) ? [x1, x2] : [x2, x1];
  const d1 = minus(plus(g1, g2), over(times(3, minus(f1, f2)), minus(x1, x2)));
  const d2Square = minus(times(d1, d1), times(g1, g2));
  if (compare('ge', d2Square, 0)) {
    const d2 = isNumber(d2Square) ? Math.sqrt(d2Square) : d2Square.sqrt();
    let minPos: Real;
    if (compare('le', x1, x2)) {
      minPos = minus(
        x2,
        times(minus(x2, x1), over(minus(plus(g2, d2), d1), plus(minus(g2, g1), times(2, d2)))),
      );
    } else {
      minPos = minus(
        x1,
        times(minus(x1, x2), over(minus(plus(g1, d2), d1), plus(minus(g1, g2), times(2, d2)))),
      );
    }
    return pyMin(pyMax(minPos, xminBound), xmaxBound);
  }
  return over(plus(xminBound, xmaxBound), 2);
}

type ObjectiveFunction = (x: Tensor[], t: Real, d: Tensor) => [number, Tensor];

/** PyTorch's `_strong_wolfe` line search (bracketing, then zoom with cubic interpolation). */
function strongWolfe(
  objFunc: ObjectiveFunction,
  x: Tensor[],
  tInit: Real,
  d: Tensor,
  f: number,
  gInit: Tensor,
  gtd: Real,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): [number, Tensor, Real, number] {
  let t = tInit;
  const dNorm = d.abs().max();
  const g = gInit.clone();
  let [fNew, gNew] = objFunc(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew: Real = gNew.dot(d);
  let tPrev: Real = 0;
  let fPrev: Real = f;
  let gPrev = g;
  let gtdPrev: Real = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Real[] = [];
  let bracketF: Real[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: Real[] = [];
  // c1 * t * gtd, as Python evaluates `f + c1 * t * gtd`
  const armijo = (tt: Real) => plus(f, times(times(c1, tt), gtd));
  while (lsIter < maxLs) {
    if (compare('gt', fNew, armijo(t)) || (lsIter > 1 && compare('ge', fNew, fPrev))) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.clone()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (compare('le', absolute(gtdNew), times(-c2, gtd))) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (compare('ge', gtdNew, 0)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.clone()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    const minStep = plus(t, times(0.01, minus(t, tPrev)));
    const maxStep = times(t, 10);
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d);
    lsIter += 1;
  }
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }
  let insufProgress = false;
  let [lowPos, highPos] = compare('le', bracketF[0]!, bracketF[bracketF.length - 1]!) ? [0, 1] : [1, 0];
  const bracketMax = () => pyMax(bracket[0]!, bracket[1]!);
  const bracketMin = () => pyMin(bracket[0]!, bracket[1]!);
  while (!done && lsIter < maxLs) {
    if (compare('lt', times(absolute(minus(bracket[1]!, bracket[0]!)), dNorm), toleranceChange)) break;
    t = cubicInterpolate(
      bracket[0]!,
      bracketF[0]!,
      bracketGtd[0]!,
      bracket[1]!,
      bracketF[1]!,
      bracketGtd[1]!,
    );
    const eps = times(0.1, minus(bracketMax(), bracketMin()));
    if (compare('lt', pyMin(minus(bracketMax(), t), minus(t, bracketMin())), eps)) {
      if (insufProgress || compare('ge', t, bracketMax()) || compare('le', t, bracketMin())) {
        if (compare('lt', absolute(minus(t, bracketMax())), absolute(minus(t, bracketMin())))) {
          t = minus(bracketMax(), eps);
        } else {
          t = plus(bracketMin(), eps);
        }
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = gNew.dot(d);
    lsIter += 1;
    if (compare('gt', fNew, armijo(t)) || compare('ge', fNew, bracketF[lowPos]!)) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.clone();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = compare('le', bracketF[0]!, bracketF[1]!) ? [0, 1] : [1, 0];
    } else {
      if (compare('le', absolute(gtdNew), times(-c2, gtd))) {
        done = true;
      } else if (compare('ge', times(gtdNew, minus(bracket[highPos]!, bracket[lowPos]!)), 0)) {
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.clone();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [toNumber(bracketF[lowPos]!), bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}

/**
 * `torch.optim.LBFGS`. One `step(closure)` runs up to `maxIter` iterations; the closure must clear the gradients,
 * compute the loss, call `backward()` and return the loss. Only one parameter group is supported, as in PyTorch.
 *
 * ```ts
 * const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => { opt.zeroGrad(); const loss = rosenbrock(x); loss.backward(); return loss; });
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly params: Tensor[];

  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? 20;
    const defaults: LBFGSOptions = {
      lr: options.lr ?? 1,
      maxIter,
      maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4),
      toleranceGrad: options.toleranceGrad ?? 1e-7,
      toleranceChange: options.toleranceChange ?? 1e-9,
      historySize: options.historySize ?? 100,
      lineSearchFn: options.lineSearchFn ?? null,
    };
    super(params, defaults);
    if (this.paramGroups.length !== 1) {
      throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    }
    this.params = this.paramGroups[0]!.params;
  }

  protected override _stateSpec(): StateSpec {
    return {
      keys: [
        'funcEvals',
        'nIter',
        'd',
        't',
        'oldDirs',
        'oldStps',
        'ro',
        'HDiag',
        'prevFlatGrad',
        'prevLoss',
        'al',
      ],
      paramShaped: [],
    };
  }

  private gatherFlatGrad(): Tensor {
    const views = this.params.map((p) => {
      if (p.grad === null) return zeros([p.numel()], { dtype: p.dtype, device: p.device });
      return p.grad.isSparse ? p.grad.toDense().view(-1) : p.grad.reshape(-1);
    });
    return cat(views, 0);
  }

  private addGrad(stepSize: Real, update: Tensor): void {
    let offset = 0;
    const alpha = toNumber(stepSize);
    for (const p of this.params) {
      const numel = p.numel();
      p.add_(update.narrow(0, offset, numel).viewAs(p), { alpha });
      offset += numel;
    }
  }

  private cloneParams(): Tensor[] {
    return this.params.map((p) => p.clone());
  }

  private setParams(data: Tensor[]): void {
    this.params.forEach((p, i) => {
      p.copy_(data[i]!);
    });
  }

  private directionalEvaluate(closure: Closure, x: Tensor[], t: Real, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = toNumber(this._evaluateClosure(closure) as Real);
    const flatGrad = this.gatherFlatGrad();
    this.setParams(x);
    return [loss, flatGrad];
  }

  /** Runs up to `maxIter` L-BFGS iterations; returns the loss of the first closure evaluation. */
  override step(closure?: Closure): Tensor | number | null {
    if (closure === undefined) {
      throw new TypeError("LBFGS.step() missing 1 required positional argument: 'closure'");
    }
    const group = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    // state lives on the first parameter, as in PyTorch
    const state = this._stateOf(this.params[0]!);
    state.funcEvals ??= 0;
    state.nIter ??= 0;
    const origLoss = this._evaluateClosure(closure)!;
    let loss = toNumber(origLoss);
    let currentEvals = 1;
    state.funcEvals += 1;
    let flatGrad = this.gatherFlatGrad();
    let optCond = compare('le', flatGrad.abs().max(), toleranceGrad);
    if (optCond) return origLoss;
    let d = state.d as Tensor | undefined;
    let t = state.t as Real | undefined;
    let oldDirs = state.oldDirs as Tensor[] | undefined;
    let oldStps = state.oldStps as Tensor[] | undefined;
    let ro = state.ro as Real[] | undefined;
    let HDiag = state.HDiag as Real | undefined;
    let prevFlatGrad = (state.prevFlatGrad ?? null) as Tensor | null;
    let prevLoss = state.prevLoss as number | undefined;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.nIter += 1;
      if (state.nIter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        HDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t!);
        const ys = y.dot(s);
        if (compare('gt', ys, 1e-10)) {
          if (oldDirs!.length === historySize) {
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(over(1.0, ys));
          HDiag = over(ys, y.dot(y));
        }
        const numOld = oldDirs!.length;
        if (state.al === undefined) state.al = new Array(historySize).fill(null);
        const al = state.al as (Real | null)[];
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = times(oldStps![i]!.dot(q), ro![i]!);
          q.add_(oldDirs![i]!, { alpha: -toNumber(al[i]!) });
        }
        const r = mul(q, HDiag!);
        d = r;
        for (let i = 0; i < numOld; i++) {
          const beI = times(oldDirs![i]!.dot(r), ro![i]!);
          r.add_(oldStps![i]!, { alpha: toNumber(minus(al[i]!, beI)) });
        }
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;
      if (state.nIter === 1) t = times(pyMin(1.0, over(1.0, flatGrad.abs().sum())), lr);
      else t = lr;
      const gtd = flatGrad.dot(d!);
      if (compare('gt', gtd, -toleranceChange)) break;
      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        if (lineSearchFn !== 'strong_wolfe') throw new RuntimeError("only 'strong_wolfe' is supported");
        const xInit = this.cloneParams();
        const objFunc: ObjectiveFunction = (x, tt, dd) => this.directionalEvaluate(closure, x, tt, dd);
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe(objFunc, xInit, t!, d!, loss, flatGrad, gtd);
        this.addGrad(t, d!);
        optCond = compare('le', flatGrad.abs().max(), toleranceGrad);
      } else {
        this.addGrad(t!, d!);
        if (nIter !== maxIter) {
          loss = toNumber(this._evaluateClosure(closure) as Real);
          flatGrad = this.gatherFlatGrad();
          optCond = compare('le', flatGrad.abs().max(), toleranceGrad);
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals += lsFuncEvals;
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (compare('le', d!.mul(t!).abs().max(), toleranceChange)) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    state.d = d;
    state.t = t;
    state.oldDirs = oldDirs;
    state.oldStps = oldStps;
    state.ro = ro;
    state.HDiag = HDiag;
    state.prevFlatGrad = prevFlatGrad;
    state.prevLoss = prevLoss;
    return origLoss;
  }

  /** Unused: `step` is overridden whole, since L-BFGS drives the closure itself. */
  /** Sparse gradients are accepted (PyTorch does too). */
  protected override _sparseGradError(): string | null {
    return null;
  }

  protected _step(): void {}
}
