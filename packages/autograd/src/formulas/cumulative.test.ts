import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import { gradcheck, gradgradcheck } from '../index.js';

describe('cummax / cummin gradients', () => {
  test('gradcheck and gradgradcheck along each dim', () => {
    torch.manualSeed(3);
    const x = torch.randn(3, 4, { dtype: 'float64', requiresGrad: true });
    for (const dim of [0, 1, -1]) {
      expect(gradcheck((t) => torch.cummax(t, dim).values, [x])).toBe(true);
      expect(gradgradcheck((t) => torch.cummin(t, dim).values, [x])).toBe(true);
    }
  });

  test('values and gradient match PyTorch (grad_fn CummaxBackward0)', () => {
    // torch.cummax(torch.tensor([1., 3., 2., 5., 4.], requires_grad=True), 0).values.sum().backward() -> [1, 2, 0, 2, 0]
    const x = torch.tensor([1, 3, 2, 5, 4], { dtype: 'float32', requiresGrad: true });
    const { values } = torch.cummax(x, 0);
    expect(values.gradFn?.name).toBe('CummaxBackward0');
    values.sum().backward();
    expect(x.grad?.tolist()).toEqual([1, 2, 0, 2, 0]);
  });
});

describe('cumprod gradient with zeros', () => {
  test('matches PyTorch where out / x is undefined', () => {
    // x = torch.tensor([2., 0., 3., 0., 5.], requires_grad=True); x.cumprod(0).sum().backward(); x.grad
    // -> tensor([1., 8., 0., 0., 0.])
    const x = torch.tensor([2, 0, 3, 0, 5], { dtype: 'float32', requiresGrad: true });
    x.cumprod(0).sum().backward();
    expect(x.grad?.tolist()).toEqual([1, 8, 0, 0, 0]);
  });

  test('gradcheck and gradgradcheck through zeros', () => {
    const x = torch.tensor(
      [
        [1.5, 0, -2],
        [0, 0.5, 3],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    expect(gradcheck((t) => t.cumprod(1), [x])).toBe(true);
    expect(gradgradcheck((t) => t.cumprod(0), [x])).toBe(true);
  });
});
