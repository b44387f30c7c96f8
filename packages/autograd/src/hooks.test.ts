/**
 * Hooks against PyTorch 1.13 goldens: tensor hooks that replace gradients, removal through the handle, retainGrad
 * (and its order relative to hooks), node pre-hooks and hooks, and post-accumulate-grad hooks.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as autograd from './index.js';

interface Encoded {
  shape: number[];
  data: number[];
}

const hooks = JSON.parse(readFileSync(new URL('../fixtures/autograd.json', import.meta.url), 'utf8')).hooks;

function expectClose(actual: Tensor | null, expected: Encoded, tolerance = 1e-6): void {
  expect(actual).toBeTruthy();
  expect(actual!.shape).toEqual(expected.shape);
  const values = actual!.detach().reshape(-1).tolist() as number[];
  values.forEach((v, i) => {
    expect(Math.abs(v - expected.data[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(v)));
  });
}

const leaf = () => torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });

describe('tensor hooks', () => {
  test('a leaf hook replaces the gradient; remove() unregisters it', () => {
    const x = leaf();
    const handle = x.registerHook((g) => g.mul(2));
    x.mul(x).sum().backward();
    expectClose(x.grad, hooks.leaf_hook_doubles);
    handle.remove();
    x.grad = null;
    x.mul(x).sum().backward();
    expectClose(x.grad, hooks.leaf_hook_removed);
  });

  test('a hook returning nothing observes without replacing', () => {
    const x = leaf();
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.tolist() as number[]);
    });
    x.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3, 3]]);
    expect(x.grad!.tolist()).toEqual([3, 3, 3]);
  });

  test('a hook on a non-leaf changes what flows upstream; retainGrad sees the hooked gradient', () => {
    const x = leaf();
    const y = x.mul(3);
    y.registerHook((g) => g.add(1));
    y.retainGrad();
    expect(y.retainsGrad).toBe(true);
    y.mul(y).sum().backward();
    expectClose(x.grad, hooks.nonleaf_hook.x_grad);
    expectClose(y.grad, hooks.nonleaf_hook.y_grad);
  });

  test('retainGrad before a hook captures the gradient before that hook (PyTorch 1.13 order)', () => {
    const x = leaf();
    const y = x.mul(3);
    y.retainGrad();
    y.registerHook((g) => g.mul(10));
    y.mul(y).sum().backward();
    expectClose(x.grad, hooks.retain_then_hook.x_grad);
    expectClose(y.grad, hooks.retain_then_hook.y_grad);
  });

  test('retainGrad accumulates across backward calls; on a leaf it is a no-op', () => {
    const x = leaf();
    x.retainGrad();
    expect(x.retainsGrad).toBe(false);
    const y = x.mul(2);
    y.retainGrad();
    y.sum().backward({ retainGraph: true });
    y.sum().backward();
    expect(y.grad!.tolist()).toEqual([2, 2, 2]);
    expect(y.grad!.requiresGrad).toBe(false);
  });

  test('post-accumulate-grad hooks run after .grad is updated', () => {
    const x = leaf();
    const seen: number[][] = [];
    const handle = x.registerPostAccumulateGradHook((t) => {
      seen.push(t.grad!.tolist() as number[]);
    });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    handle.remove();
    x.mul(2).sum().backward();
    expect(seen).toEqual([
      [2, 2, 2],
      [4, 4, 4],
    ]);
    expect(() => x.mul(2).registerPostAccumulateGradHook(() => {})).toThrow(
      'post accumulate grad hooks cannot be registered on non-leaf tensors',
    );
  });
});

describe('node hooks', () => {
  test('a pre-hook replaces the incoming gradient; a hook sees (gradInputs, gradOutputs)', () => {
    const x = leaf();
    const y = x.exp();
    const z = y.sin();
    const seen: [Tensor | null, Tensor | null][] = [];
    expect(z.gradFn).toBeInstanceOf(autograd.Node);
    (z.gradFn as autograd.Node).registerPrehook((gradOutputs) => [gradOutputs[0]!.mul(2)]);
    (y.gradFn as autograd.Node).registerHook((gradInputs, gradOutputs) => {
      seen.push([gradInputs[0]!, gradOutputs[0]!]);
    });
    z.sum().backward();
    expectClose(x.grad, hooks.node_hooks.x_grad);
    expect(seen).toHaveLength(1);
    expectClose(seen[0]![0], hooks.node_hooks.seen[0][0]);
    expectClose(seen[0]![1], hooks.node_hooks.seen[0][1]);
  });

  test('a node hook may replace the gradients it passes on; handles remove hooks', () => {
    const x = leaf();
    const y = x.mul(2);
    const handle = (y.gradFn as autograd.Node).registerHook((gradInputs) =>
      gradInputs.map((g) => (g === null ? null : g.mul(0))),
    );
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
    handle.remove();
    x.mul(2).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 2]);
  });
});
