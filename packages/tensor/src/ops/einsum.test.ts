/**
 * `einsum` against goldens from real PyTorch (fixtures/linalg-ops.json, written by
 * scripts/gen-linalg-ops-goldens.py): ~40 equations (implicit and explicit outputs, ellipses, diagonals, traces,
 * outer products, broadcasting, zero sizes, integer and mixed dtypes, non-contiguous operands) and every error
 * message, plus a property test against a naive summation.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType } from '../dtype.js';
import type { Tensor } from '../index.js';
import * as torch from '../index.js';

type Value = number | string | boolean;
interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: Value[];
  transposed?: boolean;
}
interface EinsumCase {
  name: string;
  equation: string;
  inputs: TensorSpec[];
  output?: TensorSpec;
  error?: string;
  errorType?: string;
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/linalg-ops.json', import.meta.url), 'utf8'),
) as {
  einsum: EinsumCase[];
};

function decode(value: Value): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

function build(spec: TensorSpec): Tensor {
  const shape = spec.shape.slice();
  if (spec.transposed) {
    const n = shape.length;
    [shape[n - 1], shape[n - 2]] = [shape[n - 2]!, shape[n - 1]!];
  }
  const flat = torch.tensor(spec.data.map(decode), { dtype: spec.dtype }).reshape(shape);
  return spec.transposed ? flat.mT : flat;
}

function valuesOf(t: Tensor): number[] {
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);
}

describe('einsum goldens', () => {
  const valueCases = fixtures.einsum.filter((c) => c.error === undefined);
  const errorCases = fixtures.einsum.filter((c) => c.error !== undefined);

  it.each(valueCases.map((c) => [`${c.name}: ${c.equation}`, c] as const))('%s', (_name, c) => {
    const out = torch.einsum(c.equation, ...c.inputs.map(build));
    const expected = c.output!;
    expect(out.shape).toEqual(expected.shape);
    expect(out.dtype).toBe(expected.dtype);
    const actual = valuesOf(out);
    const wanted = expected.data.map(decode);
    const tolerance = expected.dtype === 'float32' ? 1e-5 : 1e-12;
    for (let i = 0; i < wanted.length; i++) {
      expect(
        Math.abs(actual[i]! - wanted[i]!),
        `element ${i}: ${actual[i]} vs ${wanted[i]}`,
      ).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(wanted[i]!)));
    }
  });

  it.each(errorCases.map((c) => [`${c.name}`, c] as const))('%s', (_name, c) => {
    expect(() => torch.einsum(c.equation, ...c.inputs.map(build))).toThrow(c.error!);
  });
});

describe('einsum API', () => {
  const a = torch.arange(6, { dtype: 'float64' }).view(2, 3);
  const b = torch.arange(12, { dtype: 'float64' }).view(3, 4);

  it('takes operands as varargs or as one array', () => {
    expect(torch.equal(torch.einsum('ij,jk->ik', a, b), torch.einsum('ij,jk->ik', [a, b]))).toBe(true);
    expect(torch.equal(torch.einsum('ij,jk->ik', a, b), torch.matmul(a, b))).toBe(true);
  });

  it('requires at least one operand', () => {
    expect(() => torch.einsum('ij')).toThrow(torch.ValueError);
  });

  it('returns a view for a pure permutation, as PyTorch', () => {
    const transposed = torch.einsum('ij->ji', a);
    expect(transposed.untypedStorage()).toBe(a.untypedStorage());
    expect(transposed.stride()).toEqual([1, 3]);
  });
});

describe('einsum property', () => {
  /** Naive Σ over every assignment of the labels. */
  function naive(equation: string, operands: Tensor[]): { shape: number[]; values: number[] } {
    const [lhs, rhs] = equation.split('->') as [string, string];
    const inputs = lhs.split(',');
    const sizes = new Map<string, number>();
    inputs.forEach((labels, i) => {
      [...labels].forEach((label, d) => {
        sizes.set(label, operands[i]!.size(d));
      });
    });
    const labels = [...sizes.keys()];
    const data = operands.map(valuesOf);
    const outShape = [...rhs].map((label) => sizes.get(label)!);
    const out = new Array<number>(outShape.reduce((x, y) => x * y, 1)).fill(0);
    const assignment = new Map<string, number>();
    const visit = (position: number): void => {
      if (position === labels.length) {
        let product = 1;
        inputs.forEach((operandLabels, i) => {
          let index = 0;
          for (const label of operandLabels) index = index * sizes.get(label)! + assignment.get(label)!;
          product *= data[i]![index]!;
        });
        let outIndex = 0;
        for (const label of rhs) outIndex = outIndex * sizes.get(label)! + assignment.get(label)!;
        out[outIndex] = out[outIndex]! + product;
        return;
      }
      const label = labels[position]!;
      for (let v = 0; v < sizes.get(label)!; v++) {
        assignment.set(label, v);
        visit(position + 1);
      }
    };
    visit(0);
    return { shape: outShape, values: out };
  }

  it('matches a naive summation on random two-operand equations', () => {
    const alphabet = ['a', 'b', 'c', 'd'];
    const labelSizes: Record<string, number> = { a: 2, b: 3, c: 1, d: 2 };
    const labelsArbitrary = fc.uniqueArray(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 3 });
    fc.assert(
      fc.property(
        labelsArbitrary,
        labelsArbitrary,
        fc.integer({ min: 0, max: 15 }),
        fc.integer(),
        (left, right, outMask, seed) => {
          const present = [...new Set([...left, ...right])];
          const output = present.filter((_, i) => (outMask >> i) & 1);
          const equation = `${left.join('')},${right.join('')}->${output.join('')}`;
          torch.manualSeed(seed);
          const x = torch.randn(
            left.map((l) => labelSizes[l]!),
            { dtype: 'float64' },
          );
          const y = torch.randn(
            right.map((l) => labelSizes[l]!),
            { dtype: 'float64' },
          );
          const result = torch.einsum(equation, x, y);
          const reference = naive(equation, [x, y]);
          expect(result.shape).toEqual(reference.shape);
          const actual = valuesOf(result);
          reference.values.forEach((v, i) => {
            expect(Math.abs(actual[i]! - v)).toBeLessThan(1e-10);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
