/** Helpers of the golden tests: decoding fixture tensors and comparing with PyTorch's values. */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { expect } from 'vitest';

/** A tensor as the generator script writes it. */
export interface EncodedTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  data: (number | boolean)[];
}

/** Reads `packages/nn/fixtures/<name>.json`. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Builds the tensor a fixture entry describes. */
export function decode(encoded: EncodedTensor): Tensor {
  const flat = torch.tensor(encoded.data as number[], { dtype: encoded.dtype });
  return flat.reshape(encoded.shape);
}

/** Expects `actual` to match PyTorch's value: shape, and values within the dtype's tolerance. */
export function expectClose(actual: Tensor | null | undefined, expected: EncodedTensor, what: string): void {
  expect(actual, what).toBeTruthy();
  const value = actual!;
  expect(value.shape, `${what}: shape`).toEqual(expected.shape);
  const want = decode(expected);
  if (expected.dtype === 'int64' || expected.dtype === 'bool') {
    expect(value.tolist(), what).toEqual(want.tolist());
    return;
  }
  const [rtol, atol] = expected.dtype === 'float64' ? [1e-10, 1e-12] : [1e-5, 1e-6];
  const a = value.to('float64').reshape(-1).tolist() as number[];
  const b = want.to('float64').reshape(-1).tolist() as number[];
  for (let i = 0; i < b.length; i++) {
    const ok =
      Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!) ||
      (Number.isNaN(a[i]!) && Number.isNaN(b[i]!));
    if (!ok) expect.fail(`${what}: element ${i}: got ${a[i]}, expected ${b[i]}`);
  }
}
