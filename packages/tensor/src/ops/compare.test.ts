import { describe, expect, test } from 'vitest';
import * as torch from '../index.js';

// Expected values printed by PyTorch 1.13 for the same inputs.
describe('equal / isclose / allclose', () => {
  const a = torch.tensor([1.0, 2.0, Number.NaN, Number.POSITIVE_INFINITY, 1e-9, 100.0], { dtype: 'float32' });
  const b = torch.tensor([1.0 + 1e-6, 2.1, Number.NaN, Number.POSITIVE_INFINITY, 0.0, 100.001], {
    dtype: 'float32',
  });

  test('isclose defaults, equalNan and rtol', () => {
    expect(torch.isclose(a, b).tolist()).toEqual([true, false, false, true, true, true]);
    expect(torch.isclose(a, b, { equalNan: true }).tolist()).toEqual([true, false, true, true, true, true]);
    expect(a.isclose(b, { rtol: 0.1 }).tolist()).toEqual([true, true, false, true, true, true]);
  });

  test('allclose and equal', () => {
    expect(torch.allclose(a.narrow(0, 0, 2), b.narrow(0, 0, 2))).toBe(false);
    expect(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))).toBe(true);
    expect(torch.equal(torch.tensor([1, Number.NaN]), torch.tensor([1, Number.NaN]))).toBe(false);
    expect(torch.equal(torch.tensor([1, 2]), torch.tensor([[1, 2]]))).toBe(false);
  });

  test('integer inputs and dtype mismatch', () => {
    expect(torch.isclose(torch.tensor([1, 5]), torch.tensor([1, 6]), { rtol: 0.2 }).tolist()).toEqual([
      true,
      true,
    ]);
    expect(() => torch.isclose(torch.tensor([1]), torch.tensor([1.5]))).toThrow('Long did not match Float');
  });
});
