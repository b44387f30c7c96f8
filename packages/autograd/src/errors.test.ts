/**
 * Error messages against PyTorch 1.13's exact text (fixtures/autograd.json `errors`), and anomaly detection naming
 * the node (and the forward call) that produced NaN.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import type { FunctionCtx } from './index.js';
import * as autograd from './index.js';

const errors = JSON.parse(readFileSync(new URL('../fixtures/autograd.json', import.meta.url), 'utf8'))
  .errors as Record<string, string>;

const ones = (...shape: number[]) => torch.ones(shape, { requiresGrad: true });

/** Runs `fn` and returns the message it threw. */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('errors match PyTorch', () => {
  test('backward of a non-scalar without gradient', () => {
    expect(messageOf(() => ones(3).exp().backward())).toBe(errors.nonscalar_backward);
  });

  test('backward of a tensor without grad_fn', () => {
    expect(messageOf(() => torch.ones(3).sum().backward())).toBe(errors.no_grad_fn);
  });

  test('second backward without retainGraph', () => {
    const s = ones(3).exp().sum();
    s.backward();
    expect(messageOf(() => s.backward())).toBe(errors.backward_twice);
  });

  test('in-place on a leaf that requires grad, and on a view of one', () => {
    expect(messageOf(() => ones(3).add_(1))).toBe(errors.leaf_inplace);
    expect(messageOf(() => ones(3).select(0, 0).add_(1))).toBe(errors.leaf_view_inplace);
  });

  test('a saved output modified in place', () => {
    const y = ones(3).exp();
    y.mul_(2);
    expect(messageOf(() => y.sum().backward())).toBe(errors.saved_output_modified);
  });

  test('a saved output modified in place (float64, 2-d)', () => {
    const y = torch.ones(2, 3, { dtype: 'float64', requiresGrad: true }).exp();
    y.add_(1);
    expect(messageOf(() => y.sum().backward())).toBe(errors.saved_output_modified_double);
  });

  test('a saved input modified in place names its current history (AddBackward0)', () => {
    const y = ones(3).exp();
    const z = y.sin();
    y.add_(1);
    expect(messageOf(() => z.sum().backward())).toBe(errors.saved_input_modified);
  });

  test('a saved leaf modified in place has no "output of" part', () => {
    const w = torch.ones(3);
    const y = ones(3).mul(w);
    w.mul_(2);
    expect(messageOf(() => y.sum().backward())).toBe(errors.saved_leaf_modified);
  });

  test('requiresGrad on integer tensors', () => {
    expect(messageOf(() => torch.ones(3, { dtype: 'int64' }).requiresGrad_())).toBe(errors.int_requires_grad);
    expect(() => torch.tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(/floating point/);
  });

  test('grad of an unused input without allowUnused', () => {
    const x = ones(3);
    expect(messageOf(() => autograd.grad(x.sum(), [x, ones(2)]))).toBe(errors.unused_input);
  });

  test('gradient of the wrong shape', () => {
    expect(
      messageOf(() =>
        ones(3)
          .exp()
          .backward({ gradient: torch.ones(2) }),
      ),
    ).toBe(errors.gradient_shape);
  });

  test('grad with respect to a tensor that does not require grad', () => {
    const x = ones(3);
    expect(messageOf(() => autograd.grad(x.sum(), [torch.ones(3)]))).toBe(errors.input_not_requiring_grad);
  });

  test('backward with empty inputs', () => {
    expect(messageOf(() => ones(3).sum().backward({ inputs: [] }))).toBe(errors.backward_inputs_empty);
  });

  test('requiresGrad_(false) on a non-leaf', () => {
    expect(messageOf(() => ones(3).mul(2).requiresGrad_(false))).toBe(errors.requires_grad_nonleaf);
  });

  test('hooks and retainGrad on tensors that do not require grad', () => {
    expect(messageOf(() => torch.ones(3).registerHook((g) => g))).toBe(errors.hook_without_grad);
    expect(messageOf(() => torch.ones(3).retainGrad())).toBe(errors.retain_grad_without_grad);
  });

  test('an integer gradient is accepted and cast, as in PyTorch', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    x.mul(2).backward({ gradient: torch.tensor([1, 10]) });
    expect(x.grad!.tolist()).toEqual([2, 20]);
  });
});

describe('anomaly detection', () => {
  class NanBackward extends autograd.Function {
    static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
      return x.mul(1);
    }
    static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
      return g.mul(Number.NaN);
    }
  }

  test('a NaN from a custom backward names the node and the forward call', () => {
    const x = ones(3);
    const message = messageOf(() =>
      autograd.detectAnomaly(() => {
        const z = NanBackward.apply(x.exp());
        z.sum().backward();
      }),
    );
    expect(message.startsWith(errors.anomaly_custom!)).toBe(true);
    expect(message).toContain('errors.test.ts');
    expect(autograd.isAnomalyEnabled()).toBe(false);
  });

  test('a NaN from a built-in formula names the op (SqrtBackward0)', () => {
    const x = torch.tensor([0, 1], { dtype: 'float32', requiresGrad: true });
    autograd.setDetectAnomaly(true);
    try {
      const message = messageOf(() => x.sqrt().mul(0).sum().backward());
      expect(message.startsWith(errors.anomaly_builtin!)).toBe(true);
      expect(message).toContain('Traceback of forward call that caused the error');
    } finally {
      autograd.setDetectAnomaly(false);
    }
  });

  test('without anomaly mode NaN gradients pass silently', () => {
    const x = torch.tensor([0, 1], { dtype: 'float32', requiresGrad: true });
    x.sqrt().mul(0).sum().backward();
    expect(Number.isNaN((x.grad!.tolist() as number[])[0])).toBe(true);
  });
});
