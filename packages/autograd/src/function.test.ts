/**
 * Custom Functions (`torch.autograd.Function`) against PyTorch 1.13 goldens: node names and nextFunctions, non-tensor
 * arguments, saved tensors (version checks, freeing), markDirty, markNonDifferentiable, setMaterializeGrads,
 * needsInputGrad, double backward, and PyTorch's validation errors.
 */
import { readFileSync } from 'node:fs';
import type { DType, GradFnLike, Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test, vi } from 'vitest';
import type { FunctionCtx } from './index.js';
import * as autograd from './index.js';

interface Encoded {
  shape: number[];
  data: number[];
  dtype: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/autograd.json', import.meta.url), 'utf8'));
const custom = fixture.custom;

function expectClose(actual: Tensor | null | undefined, expected: Encoded | null, tolerance = 1e-9): void {
  if (expected === null) {
    expect(actual ?? null).toBeNull();
    return;
  }
  expect(actual).toBeTruthy();
  expect(actual!.shape).toEqual(expected.shape);
  expect(actual!.dtype).toBe(expected.dtype as DType);
  const values = actual!.detach().reshape(-1).tolist() as number[];
  values.forEach((v, i) => {
    expect(Math.abs(v - expected.data[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(v)));
  });
}

function structure(fn: GradFnLike | null, depth = 4): unknown {
  if (fn === null) return null;
  if (depth === 0) return [fn.name, '...'];
  return [fn.name, fn.nextFunctions.map(([f, nr]) => [structure(f, depth - 1), nr])];
}

function normalize(s: unknown): unknown {
  if (typeof s === 'string') return s.replace('torch::autograd::', '');
  if (Array.isArray(s)) return s.map(normalize);
  return s;
}

const f64 = (values: number[]) => torch.tensor(values, { dtype: 'float64', requiresGrad: true });
const ones3 = () => torch.ones(3, { requiresGrad: true });

class MulConst extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor, k: number, w: Tensor): Tensor {
    ctx.k = k;
    ctx.saveForBackward(x, w);
    return x.mul(w).mul(k);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
    const [x, w] = ctx.savedTensors;
    const k = ctx.k as number;
    return [g.mul(w!).mul(k), null, g.mul(x!).mul(k)];
  }
}

class Cube extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.pow(3);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(3).mul(x!.pow(2));
  }
}

class TwoOut extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): [Tensor, Tensor, Tensor] {
    const idx = x.argmax();
    ctx.markNonDifferentiable(idx);
    ctx.saveForBackward(x);
    return [x.exp(), x.sin(), idx];
  }
  static override backward(ctx: FunctionCtx, ge: Tensor, gs: Tensor, gi: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    // Materialized grads: the unused output's and the index's gradients are zeros of their shape and dtype.
    expect(gs.tolist()).toEqual([0, 0, 0]);
    expect(gi.dtype).toBe('int64');
    expect(gi.shape).toEqual([]);
    return ge.mul(x!.exp()).add(gs.mul(x!.cos()));
  }
}

class InplaceDouble extends autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    x.mul_(2);
    ctx.markDirty(x);
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(2);
  }
}

class Ident extends autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(3);
  }
}

describe('Function.apply', () => {
  test('node name, nextFunctions, non-tensor args get null grads, ctx state', () => {
    const x = f64([1, 2, -1.5]);
    const w = f64([0.5, -1, 2]);
    const y = MulConst.apply(x, 3, w);
    expect(y.gradFn!.name).toBe(custom.mulconst.name);
    expect(normalize(structure(y.gradFn))).toEqual(normalize(custom.mulconst.structure));
    expect(y.gradFn).toBeInstanceOf(autograd.FunctionBackward);
    y.mul(y).sum().backward();
    expectClose(x.grad, custom.mulconst.x_grad);
    expectClose(w.grad, custom.mulconst.w_grad);
  });

  test('forward runs under noGrad; outputs require grad only through the node', () => {
    let modeInForward: boolean | null = null;
    class Probe extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        modeInForward = autograd.isGradEnabled();
        const y = x.mul(2);
        expect(y.gradFn).toBeNull();
        return y;
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
        return g;
      }
    }
    const out = Probe.apply(ones3());
    expect(modeInForward).toBe(false);
    expect(out.requiresGrad).toBe(true);
    expect(out.isLeaf).toBe(false);
    // Under noGrad (or without inputs that require grad) no node is recorded.
    expect(autograd.noGrad(() => Probe.apply(ones3())).requiresGrad).toBe(false);
    expect(Probe.apply(torch.ones(3)).gradFn).toBeNull();
  });

  test('double backward through a differentiable backward', () => {
    const x = f64([1, 2, -0.5]);
    const [g1] = autograd.grad(Cube.apply(x).sum(), [x], { createGraph: true });
    const [g2] = autograd.grad(g1!.sum(), [x]);
    expectClose(g1, custom.cube_double_backward[0]);
    expectClose(g2, custom.cube_double_backward[1]);
  });

  test('gradcheck and gradgradcheck pass for a custom function', () => {
    const x = f64([0.3, -0.7, 1.2]);
    expect(autograd.gradcheck((t) => Cube.apply(t), [x])).toBe(true);
    expect(autograd.gradgradcheck((t) => Cube.apply(t), [x])).toBe(true);
  });

  test('several outputs, markNonDifferentiable, materialized grads, shared node', () => {
    const x = f64([0.1, 0.9, 0.4]);
    const [e, s, i] = TwoOut.apply(x);
    expect(i.requiresGrad).toBe(custom.two_out_first_only.idx_requires_grad);
    expect(i.gradFn).toBeNull();
    expect(e.gradFn).toBe(s.gradFn);
    expect(s._autograd!.outputNr).toBe(1);
    expect(normalize(structure(e.gradFn))).toEqual(normalize(custom.two_out_first_only.structure_e));
    e.sum().backward();
    expectClose(x.grad, custom.two_out_first_only.x_grad);
  });

  test('setMaterializeGrads(false) passes null for outputs without gradient', () => {
    const seen: (Tensor | null)[] = [];
    class NoMaterialize extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor[] {
        ctx.setMaterializeGrads(false);
        return [x.mul(2), x.mul(3)];
      }
      static override backward(_ctx: FunctionCtx, g1: Tensor, g2: Tensor | null): Tensor {
        seen.push(g2);
        return g2 === null ? g1.mul(2) : g1.mul(2).add(g2.mul(3));
      }
    }
    const x = f64([1, 2]);
    NoMaterialize.apply(x)[0]!.sum().backward();
    expect(seen).toEqual([null]);
    expectClose(x.grad, custom.materialize[0]);
  });

  test('needsInputGrad, per argument, in and out of grad mode', () => {
    const seen: (readonly boolean[])[] = [];
    class Needs extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor, y: Tensor, k: number): Tensor {
        seen.push(ctx.needsInputGrad);
        return x.mul(y).mul(k);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
        return [g, g, null];
      }
    }
    Needs.apply(torch.ones(2, { requiresGrad: true }), torch.ones(2), 2);
    autograd.noGrad(() => Needs.apply(torch.ones(2, { requiresGrad: true }), torch.ones(2), 2));
    expect(seen).toEqual(custom.needs_input_grad);
  });

  test('markDirty: the input itself is returned with a new history and a bumped version', () => {
    const x = f64([1, 2]);
    const a = x.mul(1.5);
    const b = InplaceDouble.apply(a);
    expect(b === a).toBe(custom.inplace.same);
    expect(b.gradFn!.name).toBe(custom.inplace.name);
    expect(normalize(structure(b.gradFn))).toEqual(normalize(custom.inplace.structure));
    expect(a._version).toBe(custom.inplace.version);
    b.mul(b).sum().backward();
    expectClose(x.grad, custom.inplace.x_grad);
  });

  test('returning an input unchanged gives a view of it with the new history', () => {
    const x = f64([1, 2]);
    const y = Ident.apply(x);
    expect(y === x).toBe(custom.identity.same);
    expect(y._base === x).toBe(custom.identity.base_is_x);
    expect(x.isLeaf).toBe(true);
    y.sum().backward();
    expectClose(x.grad, custom.identity.x_grad);
  });

  test('non-tensor outputs pass through; their gradient is null', () => {
    const grads: unknown[] = [];
    class Mixed extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): [Tensor, number] {
        return [x.mul(2), 5];
      }
      static override backward(_ctx: FunctionCtx, g: Tensor, g2: unknown): Tensor {
        grads.push(g2);
        return g.mul(2);
      }
    }
    const x = ones3();
    const [y, five] = Mixed.apply(x);
    expect(five).toBe(5);
    y.sum().backward();
    expect(grads).toEqual([null]);
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });

  test('gradients are summed to the input shape and cast to its dtype', () => {
    class Broadcasting extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        return x.mul(1);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
        return g.to('float64').expand(2, 3);
      }
    }
    const x = ones3();
    Broadcasting.apply(x).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });

  test('saved tensors: retained with retainGraph, freed otherwise', () => {
    class Saver extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        ctx.saveForBackward(x);
        return x.mul(2);
      }
      static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
        return g.mul(ctx.savedTensors[0]!);
      }
    }
    const x = ones3();
    const y = Saver.apply(x);
    y.sum().backward({ retainGraph: true });
    expect((y.gradFn as autograd.FunctionBackward).savedTensors[0]).toBe(x);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
    expect(() => (y.gradFn as autograd.FunctionBackward).savedTensors).toThrow(
      custom.errors.saved_after_free,
    );
    expect(() => y.sum().backward()).toThrow(custom.errors.saved_after_free);
  });

  test('a saved output modified in place names the custom node', () => {
    class SaveOut extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        const y = x.exp();
        ctx.saveForBackward(y);
        return y;
      }
      static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
        return g.mul(ctx.savedTensors[0]!);
      }
    }
    const y = SaveOut.apply(ones3());
    y.mul_(2);
    expect(() => y.sum().backward()).toThrow(
      '[torch.FloatTensor [3]], which is output 0 of SaveOutBackward, is at version 1; expected version 0 instead.',
    );
  });
});

describe('Function errors match PyTorch', () => {
  const x = ones3();
  const errors = custom.errors as Record<string, string>;

  test('wrong number of gradients', () => {
    class TooFew extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor, k: number): Tensor {
        return x.mul(k);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    expect(() => TooFew.apply(x, 2).sum().backward()).toThrow(errors.too_few);
  });

  test('a gradient for a non-tensor argument', () => {
    class NonTensorGrad extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor, k: number): Tensor {
        return x.mul(k);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor[] {
        return [g, g];
      }
    }
    expect(() => NonTensorGrad.apply(x, 2).sum().backward()).toThrow(errors.non_tensor_grad);
  });

  test('extra null gradients are allowed', () => {
    class Extra extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
        return [g, null, null];
      }
    }
    const leaf = ones3();
    Extra.apply(leaf).sum().backward();
    expect(leaf.grad!.tolist()).toEqual([1, 1, 1]);
  });

  test('a gradient of the wrong shape', () => {
    class BadShape extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor, k: number): Tensor {
        return x.mul(k);
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): (Tensor | null)[] {
        return [g.narrow(0, 0, 2), null];
      }
    }
    expect(() => BadShape.apply(x, 2).sum().backward()).toThrow(errors.bad_shape);
  });

  test('a non-tensor gradient', () => {
    class NumberGrad extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(): number {
        return 3;
      }
    }
    expect(() => NumberGrad.apply(x).sum().backward()).toThrow('expected Variable or None (got number)');
  });

  test('saveForBackward of a non-tensor', () => {
    class SaveInt extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        ctx.saveForBackward(x, 3 as unknown as Tensor);
        return x.mul(1);
      }
    }
    expect(() => SaveInt.apply(x)).toThrow(errors.save_int!.replace('type int', 'type number'));
  });

  test('markDirty on a leaf that requires grad', () => {
    expect(() => InplaceDouble.apply(ones3())).toThrow(errors.dirty_leaf);
  });

  test('markDirty on a tensor that is not returned', () => {
    class DirtyNotReturned extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        x.mul_(2);
        ctx.markDirty(x);
        return x.mul(1);
      }
    }
    expect(() => DirtyNotReturned.apply(x.exp())).toThrow(errors.dirty_not_returned);
  });

  test('markDirty on a non-input warns', () => {
    class DirtyOutput extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        const y = x.mul(2);
        ctx.markDirty(y);
        return y;
      }
      static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    DirtyOutput.apply(x.exp());
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Only input Tensors should be given to ctx.mark_dirty()'),
    );
    warn.mockRestore();
  });

  test('missing backward / forward', () => {
    class NoBackward extends autograd.Function {
      static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
        return x.mul(1);
      }
    }
    class NoForward extends autograd.Function {}
    expect(() => NoBackward.apply(x).sum().backward()).toThrow(errors.no_backward);
    expect(() => NoForward.apply(x)).toThrow(
      'You must implement the forward function for custom autograd.Function.',
    );
  });

  test('a saved input modified in place names its current history', () => {
    class Saver extends autograd.Function {
      static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
        ctx.saveForBackward(x);
        return x.mul(2);
      }
      static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
        return g.mul(ctx.savedTensors[0]!);
      }
    }
    const a = x.exp();
    const y = Saver.apply(a);
    a.mul_(2);
    expect(() => y.sum().backward()).toThrow(errors.saved_modified);
  });
});
