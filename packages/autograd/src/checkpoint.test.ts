/**
 * Gradient checkpointing: same gradients as without it (including dropout-like randomness drawn with torch.rand,
 * thanks to the saved RNG state), activations not recorded in forward, RNG state restored after the recomputation,
 * explicitly passed Generators, options, and PyTorch's node name and errors.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { describe, expect, test, vi } from 'vitest';
import * as autograd from './index.js';

const golden = JSON.parse(
  readFileSync(new URL('../fixtures/autograd.json', import.meta.url), 'utf8'),
).functional;

function expectSame(a: Tensor | null, b: Tensor | null): void {
  expect(a).not.toBeNull();
  expect(b).not.toBeNull();
  expect(a!.tolist()).toEqual(b!.tolist());
}

/** A dropout-like block: its output depends on fresh random draws from the default generator. */
function block(w: Tensor) {
  return (x: Tensor): Tensor => {
    const mask = torch.rand(x.shape, { dtype: x.dtype }).gt(0.3);
    return x.matmul(w).tanh().mul(mask).div(0.7);
  };
}

describe('checkpoint', () => {
  test('same output and gradients as without checkpointing, with random masks', () => {
    torch.manualSeed(7);
    const x0 = torch.randn(4, 3, { dtype: 'float64' });
    const w0 = torch.randn(3, 3, { dtype: 'float64' });

    const run = (useCheckpoint: boolean) => {
      const x = x0.clone().requiresGrad_(true);
      const w = w0.clone().requiresGrad_(true);
      torch.manualSeed(42);
      const f = block(w);
      const h = useCheckpoint ? autograd.checkpoint(f, x) : f(x);
      const out = useCheckpoint ? autograd.checkpoint(f, h) : f(h);
      const loss = out.pow(2).sum();
      loss.backward();
      return { out: out.detach(), xGrad: x.grad, wGrad: w.grad };
    };
    const plain = run(false);
    const checkpointed = run(true);
    expectSame(checkpointed.out, plain.out);
    expectSame(checkpointed.xGrad, plain.xGrad);
    expectSame(checkpointed.wGrad, plain.wGrad);
  });

  test('the node is CheckpointFunctionBackward and forward records no activations', () => {
    const x = torch.ones(2, { requiresGrad: true });
    let innerGradFn: unknown = 'unset';
    const y = autograd.checkpoint((a: Tensor) => {
      const e = a.exp();
      innerGradFn = e.gradFn;
      return e;
    }, x);
    expect(y.gradFn!.name).toBe(golden.checkpoint_name);
    expect(innerGradFn).toBeNull();
    expect(y.gradFn!.nextFunctions.map(([f, n]) => [f?.name ?? null, n])).toEqual([['AccumulateGrad', 0]]);
  });

  test('the RNG state after backward is the one before it (fork semantics)', () => {
    const x = torch.ones(3, { requiresGrad: true });
    torch.manualSeed(3);
    const y = autograd.checkpoint((a: Tensor) => a.mul(torch.rand(3)), x);
    const before = torch.getRngState();
    y.sum().backward();
    expect(torch.getRngState()).toEqual(before);
  });

  test('preserveRngState: false recomputes with the current RNG state (gradients differ)', () => {
    const x = torch.ones(64, { requiresGrad: true });
    torch.manualSeed(5);
    const f = (a: Tensor) => a.mul(torch.rand(64));
    const y = autograd.checkpoint(f, x, { preserveRngState: false });
    const forwardMask = y.detach();
    y.sum().backward();
    expect(x.grad!.tolist()).not.toEqual(forwardMask.tolist());

    const x2 = torch.ones(64, { requiresGrad: true });
    torch.manualSeed(5);
    const y2 = autograd.checkpointWithOptions(f, [x2], { preserveRngState: true });
    y2.sum().backward();
    expect(x2.grad!.tolist()).toEqual(y2.detach().tolist());
  });

  test('explicitly passed Generators are restored for the recomputation', () => {
    const x = torch.ones(16, { requiresGrad: true });
    const generator = new torch.Generator().manualSeed(11);
    const f = (a: Tensor, gen: torch.Generator) => a.mul(torch.rand([16], { generator: gen }));
    const y = autograd.checkpoint(f, x, generator);
    const mask = y.detach();
    const stateAfterForward = generator.getState();
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual(mask.tolist());
    expect(generator.getState()).toEqual(stateAfterForward);
  });

  test('parameters captured by the function get their gradients; non-tensor args pass through', () => {
    const w = torch.tensor([2, 3], { dtype: 'float32', requiresGrad: true });
    const x = torch.tensor([1, 1], { dtype: 'float32', requiresGrad: true });
    const y = autograd.checkpoint((a: Tensor, k: number) => a.mul(w).mul(k), x, 10);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([20, 30]);
    expect(w.grad!.tolist()).toEqual([10, 10]);
  });

  test('several outputs, one of them unused', () => {
    const x = torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const [a, b] = autograd.checkpoint((t: Tensor) => [t.mul(2), t.mul(t)], x) as Tensor[];
    void b;
    a!.sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });

  test('no input requires grad: a warning, and no graph', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const y = autograd.checkpoint((t: Tensor) => t.exp(), torch.ones(2));
    expect(warn).toHaveBeenCalledWith('None of the inputs have requires_grad=True. Gradients will be None');
    expect(y.requiresGrad).toBe(false);
    warn.mockRestore();
  });

  test('an output that does not require grad in the recomputation is an error', () => {
    const x = torch.ones(2, { requiresGrad: true });
    const y = autograd.checkpoint((t: Tensor) => t.exp().detach(), x);
    // Forward runs without grad, so the output is recorded; the recomputation finds nothing to backpropagate.
    expect(() => y.sum().backward()).toThrow(golden.checkpoint_no_grad_error);
  });

  test('useReentrant: false is rejected clearly', () => {
    expect(() =>
      autograd.checkpointWithOptions((t: Tensor) => t, [torch.ones(1)], { useReentrant: false }),
    ).toThrow(/reentrant/);
  });
});
