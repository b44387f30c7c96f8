import * as torch from '@proj/tensor';
import { expect, test } from 'vitest';
import * as autograd from './index.js';

test('smoke', () => {
  const x = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const y = x.mul(x).sum();
  console.log(
    y.gradFn?.name,
    y.gradFn?.nextFunctions.map(([f, n]) => [f?.name, n]),
  );
  y.backward();
  console.log(String(x.grad));
  const w = torch.randn(3, 4, { dtype: 'float64', requiresGrad: true });
  const b = torch.randn(4, { dtype: 'float64', requiresGrad: true });
  const f = (w: torch.Tensor, b: torch.Tensor) =>
    torch
      .matmul(torch.ones(2, 3, { dtype: 'float64' }), w)
      .add(b)
      .tanh()
      .softmax(1)
      .log()
      .sum(0);
  expect(autograd.gradcheck(f, [w, b])).toBe(true);
  expect(autograd.gradgradcheck(f, [w, b])).toBe(true);
  const [g] = autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
  const [gg] = autograd.grad(g!.sum(), [x]);
  console.log(String(g), String(gg));
});
