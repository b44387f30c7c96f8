// A short tour of @proj/tensor, printed the way PyTorch prints. Run from the repository root with `pnpm start`.
import * as torch from '@proj/tensor';

const section = (title) => console.log(`\n=== ${title} ===`);

torch.manualSeed(0);

section('creation and printing');
const x = torch.arange(12, { dtype: 'float32' }).view(3, 4);
console.log('x =', x);
console.log('torch.rand(2, 3) after manualSeed(0) =', torch.rand(2, 3), '(PyTorch prints the same numbers)');

section('views share storage');
const t = x.t();
console.log('x.t().stride() =', t.stride(), ' isContiguous:', t.isContiguous());
const row = x.select(0, 1);
row.fill_(-1);
console.log('after x.select(0, 1).fill_(-1):', x);

section('broadcasting and type promotion');
const ints = torch.tensor([[1], [2], [3]]);
console.log('int64 [3,1] + float32 [4] ->', torch.add(ints, torch.tensor([0.5, 1.5, 2.5, 3.5])));
console.log('int64 / int64 ->', torch.div(ints, 2), ' floor:', torch.div(ints, 2, { roundingMode: 'floor' }));

section('reductions');
const m = torch.randn(4, 5);
console.log('m.sum(1) =', m.sum(1));
const { values, indices } = m.max(1);
console.log('m.max(1).values =', values, '\nm.max(1).indices =', indices);
console.log('softmax rows sum to', torch.softmax(m, 1).sum(1));

section('linear algebra');
const a = torch.randn(256, 256);
const b = torch.randn(256, 256);
const start = performance.now();
const c = torch.matmul(a, b);
const ms = performance.now() - start;
console.log(
  `matmul 256x256 @ 256x256: ${ms.toFixed(1)} ms (${((2 * 256 ** 3) / ms / 1e6).toFixed(2)} GFLOP/s), c.shape = [${c.shape}]`,
);

section('int64 is exact');
const big = torch.tensor([2n ** 62n]);
console.log('2^62 + 1 =', big.add(1));
