import { test, expect } from 'vitest';
import * as torch from '@proj/tensor';
test('smoke', () => {
  const x = torch.arange(6, { dtype: 'float32' }).view(2, 3);
  console.log(String(x), String(x.t()), x.t().stride());
  const y = x.t().matmul(x);
  console.log(String(y));
  console.log(String(torch.add(x, 1)), String(x.mul(2.5)), String(x.sum(1)), String(x.mean()));
  console.log(String(torch.tensor([1, 2, 3]).add(torch.tensor([[1], [2]]))));
  console.log(String(x.max(1).values), String(x.max(1).indices), String(x.argmax()));
  console.log(String(torch.softmax(x, 1)), String(torch.randn(3, 2)));
  torch.manualSeed(0);
  console.log(String(torch.rand(3)), String(torch.randint(0, 10, [5])), String(torch.randperm(5)));
  console.log(String(x.std(1)), String(x.var()), String(x.cumsum(1)), String(x.norm()));
  const h = torch.tensor([1.5, 2.25], { dtype: 'float16' });
  console.log(String(h.add(h)), String(torch.tensor([true, false]).logicalNot()));
  console.log(String(torch.tensor([2n ** 62n, 3n]).add(1)));
  console.log(String(x.exp().log()), String(torch.linspace(0, 1, 5)), String(x.clamp(1, 4)));
});
