import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';

// repr() strings from PyTorch 1.13: scripts/gen-core2-goldens.py writes fixtures/print.json. The formatter itself is
// checked against hundreds of cases in format.test.ts; these check the wiring from tensors (dtypes, views, 0-d,
// empty, requires_grad) to it.
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/print.json', import.meta.url), 'utf8')) as {
  cases: { name: string; repr: string }[];
};
const golden = new Map(fixture.cases.map((c) => [c.name, c.repr]));

const f32 = { dtype: 'float32' } as const;
const f64 = { dtype: 'float64' } as const;

/** The same tensors as the generator builds, named alike. */
const TENSORS: Record<string, () => torch.Tensor> = {
  'float32 matrix': () =>
    torch.tensor(
      [
        [1.5, -2.25, 3.0],
        [4.0, 5.125, -6.0],
      ],
      f32,
    ),
  float64: () => torch.tensor([1.0, 2.5], f64),
  float16: () => torch.tensor([1.5, -0.333, 65504.0], { dtype: 'float16' }),
  bfloat16: () => torch.tensor([1.5, -0.333, 3.0e38], { dtype: 'bfloat16' }),
  bool: () =>
    torch.tensor([
      [true, false],
      [false, true],
    ]),
  'int64 beyond 2^53': () => torch.tensor([2n ** 62n + 1n, -(2n ** 63n), 3n]),
  int32: () => torch.tensor([1, -2, 3], { dtype: 'int32' }),
  uint8: () => torch.tensor([1, 200], { dtype: 'uint8' }),
  '0-d float': () => torch.tensor(3.5),
  '0-d int': () => torch.tensor(7),
  empty: () => torch.empty(0),
  'empty 2-d': () => torch.empty(2, 0),
  'empty int64': () => torch.empty(0, { dtype: 'int64' }),
  'transposed view': () => torch.arange(6, f32).view(2, 3).t(),
  'expanded view': () => torch.tensor([1, 2], f32).expand(3, 2),
  'strided view': () => torch.arange(10, f64).asStrided([3], [3], 1),
  requires_grad: () => torch.tensor([1, 2], { dtype: 'float32', requiresGrad: true }),
  'requires_grad 0-d': () => torch.tensor(1, { dtype: 'float32', requiresGrad: true }),
  'nan inf': () => torch.tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]),
  'large and small': () => torch.tensor([1e-8, 1e10, 1.0], f32),
};

describe('String(t) and util.inspect(t) print like PyTorch repr()', () => {
  it('covers every golden case', () => {
    expect(Object.keys(TENSORS).sort()).toEqual([...golden.keys()].sort());
  });
  for (const [name, make] of Object.entries(TENSORS)) {
    it(name, () => {
      const t = make();
      expect(String(t)).toBe(golden.get(name));
      expect(`${t}`).toBe(golden.get(name));
      expect(inspect(t)).toBe(golden.get(name));
      expect(torch.tensorToString(t)).toBe(golden.get(name));
    });
  }

  it('console.log of a nested object shows the tensor repr', () => {
    expect(inspect({ weight: torch.tensor([1, 2], f32) })).toBe('{ weight: tensor([1., 2.]) }');
  });
});
