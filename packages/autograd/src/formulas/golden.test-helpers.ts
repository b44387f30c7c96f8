/**
 * Shared by the indexing and sort formula tests: gradcheck helper and the PyTorch 1.13 goldens of
 * `scripts/gen-indexing-sort-goldens.py` (`fixtures/indexing-sort.json`).
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import { expect } from 'vitest';
import { grad, gradcheck, gradgradcheck } from '../index.js';

/** gradcheck and gradgradcheck of `fn` at `inputs`. */
export function check(fn: (...inputs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[]): void {
  expect(gradcheck(fn, inputs)).toBe(true);
  expect(gradgradcheck(fn, inputs)).toBe(true);
}

export interface Data {
  shape: number[];
  data: (number | boolean | null)[];
  dtype?: string;
}
export interface GoldenCase {
  expression: string;
  inputs: Record<string, Data>;
  G: Data;
  out: Data;
  gradFn: string | null;
  grads: Record<string, Data | null>;
}
export const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/indexing-sort.json', import.meta.url), 'utf8'),
) as { cases: Record<string, GoldenCase> };

/** A tensor from fixture data (null is NaN). */
export function fromData(d: Data): Tensor {
  const dtype = (d.dtype ?? 'float64') as 'float64' | 'int64' | 'bool';
  const values = d.data.map((v) => (v === null ? Number.NaN : v));
  return torch.tensor(values as never, { dtype }).reshape(d.shape);
}

export type Inputs = Record<string, Tensor>;

/** Runs a golden case: checks out, the grad_fn name and every gradient against PyTorch's. */
export function runGolden(id: string, build: (t: Inputs) => Tensor): void {
  const c = fixture.cases[id]!;
  const inputs: Inputs = {};
  const leaves: Tensor[] = [];
  const names: string[] = [];
  for (const [name, d] of Object.entries(c.inputs)) {
    const t = fromData(d);
    if (t.isFloatingPoint()) {
      t.requiresGrad_(true);
      leaves.push(t);
      names.push(name);
    }
    inputs[name] = t;
  }
  const out = build(inputs);
  expect(out.shape).toEqual(c.out.shape);
  const expectedOut = fromData(c.out);
  expect(torch.allclose(out.detach(), expectedOut, { rtol: 1e-12, atol: 1e-12, equalNan: true })).toBe(true);
  expect(out.gradFn?.name).toBe(c.gradFn?.replace('torch::autograd::', ''));
  const grads = grad(torch.mul(out, fromData(c.G)).sum(), leaves, { allowUnused: true });
  names.forEach((name, k) => {
    const expected = c.grads[name];
    const got = grads[k];
    if (expected === null || expected === undefined) {
      // PyTorch leaves such inputs out of the graph; here they may be reached with no (or a zero) gradient.
      if (got !== null && got !== undefined) expect(got.abs().sum().item()).toBe(0);
      return;
    }
    expect(got, `${id}: gradient of ${name}`).toBeTruthy();
    expect(got!.shape).toEqual(expected.shape);
    const close = torch.allclose(got!, fromData(expected), { rtol: 1e-10, atol: 1e-12, equalNan: true });
    if (!close) expect(got!.tolist(), `${id}: gradient of ${name}`).toEqual(fromData(expected).tolist());
  });
}
