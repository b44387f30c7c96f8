// Autograd overhead: a chain of 2000 tiny ops on a 1-element tensor, forward + backward, reported as microseconds
// per op, next to PyTorch on the same machine when `/usr/bin/python3 -c 'import torch'` works.
// Run with `pnpm bench` (after the packages are built) or `node bench/autograd.bench.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as torch from '@proj/tensor';
import '@proj/autograd';

const OPS = 2000;

function chain() {
  const x = torch.tensor([1.5], { dtype: 'float32', requiresGrad: true });
  let y = x;
  for (let i = 0; i < OPS; i++) y = i % 2 ? y.mul(1.0001) : y.add(0.5);
  y.sum().backward();
  return x.grad;
}

function measure(fn, seconds = 3) {
  for (let i = 0; i < 5; i++) fn();
  const times = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || times.length < 5) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const oursMs = measure(chain);
const ours = (oursMs * 1000) / OPS;

const script = `
import time, torch
torch.set_num_threads(1)
def chain():
    x = torch.tensor([1.5], requires_grad=True)
    y = x
    for i in range(${OPS}):
        y = y * 1.0001 if i % 2 else y + 0.5
    y.sum().backward()
for _ in range(5): chain()
times = []
end = time.perf_counter() + 3
while time.perf_counter() < end or len(times) < 5:
    t = time.perf_counter(); chain(); times.append(time.perf_counter() - t)
times.sort()
print(times[len(times) // 2] * 1e6 / ${OPS})
`;
let pytorch = null;
const probe = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
if (probe.status === 0) pytorch = Number(probe.stdout.trim());

console.log('autograd overhead: chain of %d tiny ops, forward + backward', OPS);
console.log(`  ours:    ${ours.toFixed(2)} µs/op`);
console.log(
  `  pytorch: ${pytorch === null ? 'n/a (no /usr/bin/python3 with torch)' : `${pytorch.toFixed(2)} µs/op`}`,
);
if (pytorch !== null)
  console.log(`  ratio pytorch/ours: ${(pytorch / ours).toFixed(2)} (above 1: we are faster)`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/autograd.json', import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), ops: OPS, oursMicrosecondsPerOp: ours, pytorchMicrosecondsPerOp: pytorch }, null, 2)}\n`,
);
