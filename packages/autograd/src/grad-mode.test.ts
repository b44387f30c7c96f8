/**
 * Grad mode: `noGrad`, `enableGrad`, `setGradEnabled`, `inferenceMode` as scope functions and as `using` guards
 * (disposed explicitly with `Symbol.dispose`, which is what `using` compiles to), nesting and restoration on throw.
 */
import * as torch from '@proj/tensor';
import { describe, expect, test } from 'vitest';
import * as autograd from './index.js';

const leaf = () => torch.ones(3, { requiresGrad: true });

describe('grad mode', () => {
  test('noGrad(fn) records nothing and restores the mode', () => {
    const x = leaf();
    const y = autograd.noGrad(() => {
      expect(autograd.isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(autograd.isGradEnabled()).toBe(true);
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  test('the mode is restored when the scope throws', () => {
    expect(() =>
      autograd.noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(autograd.isGradEnabled()).toBe(true);
  });

  test('guards: noGrad() / enableGrad() disposed with Symbol.dispose (what `using` does)', () => {
    const x = leaf();
    const guard = autograd.noGrad();
    expect(autograd.isGradEnabled()).toBe(false);
    expect(x.exp().requiresGrad).toBe(false);
    {
      const inner = autograd.enableGrad();
      expect(x.exp().requiresGrad).toBe(true);
      inner[Symbol.dispose]();
    }
    expect(autograd.isGradEnabled()).toBe(false);
    guard[Symbol.dispose]();
    guard[Symbol.dispose](); // idempotent
    expect(autograd.isGradEnabled()).toBe(true);
  });

  test('`using _ = noGrad()` scopes the mode to the block', () => {
    const x = leaf();
    {
      using _guard = autograd.noGrad();
      expect(x.exp().requiresGrad).toBe(false);
    }
    expect(x.exp().requiresGrad).toBe(true);
  });

  test('guard.restore() and setGradEnabled', () => {
    const guard = autograd.setGradEnabled(false);
    expect(autograd.isGradEnabled()).toBe(false);
    guard.restore();
    expect(autograd.isGradEnabled()).toBe(true);
    expect(autograd.setGradEnabled(false, () => autograd.isGradEnabled())).toBe(false);
    expect(autograd.noGrad(() => autograd.setGradEnabled(true, () => leaf().exp().requiresGrad))).toBe(true);
  });

  test('enableGrad inside noGrad records again', () => {
    const x = leaf();
    const y = autograd.noGrad(() => autograd.enableGrad(() => x.mul(2)));
    expect(y.gradFn!.name).toBe('MulBackward0');
  });

  test('inferenceMode disables recording, even under enableGrad, and reports itself', () => {
    const x = leaf();
    autograd.inferenceMode(() => {
      expect(autograd.isInferenceModeEnabled()).toBe(true);
      expect(autograd.isGradEnabled()).toBe(false);
      expect(x.exp().requiresGrad).toBe(false);
    });
    expect(autograd.isInferenceModeEnabled()).toBe(false);
    const guard = autograd.inferenceMode();
    expect(x.exp().requiresGrad).toBe(false);
    guard[Symbol.dispose]();
    expect(x.exp().requiresGrad).toBe(true);
  });

  test('in-place updates of leaves are allowed under noGrad (optimizer step)', () => {
    const w = leaf();
    w.mul(3).sum().backward();
    autograd.noGrad(() => w.sub_(w.grad!.mul(0.1)));
    expect(w.tolist()).toEqual([0.7, 0.7, 0.7].map((v) => Math.fround(v)));
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
  });

  test('detach and detach_ cut the history', () => {
    const x = leaf();
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.untypedStorage()).toBe(y.untypedStorage());
    y.detach_();
    expect(y.gradFn).toBeNull();
    expect(y.requiresGrad).toBe(false);
  });
});
