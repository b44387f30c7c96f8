import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrintOptions } from './format.js';
import {
  formatPythonExponential,
  formatPythonFixed,
  formatTensor,
  getPrintoptions,
  setPrintoptions,
} from './format.js';

interface FormatCase {
  name: string;
  values: (number | string | boolean)[];
  shape: number[];
  dtype: string;
  options: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' };
  defaultDtype: string;
  requiresGrad: boolean;
  gradFn: string | null;
  expected: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/format.json', import.meta.url), 'utf8')) as {
  tensors: FormatCase[];
  floats: [value: number, precision: number, fixed: string, exponential: string][];
};
const cases = fixture.tensors;

/** Decodes the fixture encoding: "nan"/"inf"/"-inf" for floats, decimal strings for int64. */
function decodeValues(testCase: FormatCase): ArrayLike<number | bigint | boolean> {
  if (testCase.dtype === 'int64')
    return BigInt64Array.from(testCase.values, (value) => BigInt(value as string));
  return testCase.values.map((value) => {
    if (value === 'nan') return NaN;
    if (value === 'inf') return Infinity;
    if (value === '-inf') return -Infinity;
    return value as number | boolean;
  });
}

/** The values as the typed array a float32 / float64 tensor's storage would hold. */
function asStorage(
  testCase: FormatCase,
  values: ArrayLike<number | bigint | boolean>,
): ArrayLike<number | bigint | boolean> {
  if (testCase.dtype === 'float32') return Float32Array.from(values as ArrayLike<number>);
  if (testCase.dtype === 'float64') return Float64Array.from(values as ArrayLike<number>);
  if (testCase.dtype === 'bool')
    return Uint8Array.from(values as ArrayLike<boolean>, (value) => (value ? 1 : 0));
  return values;
}

afterEach(() => {
  setPrintoptions({ profile: 'default' });
});

describe('formatTensor matches PyTorch 1.13 repr()', () => {
  it('has a useful number of golden cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  for (const testCase of cases) {
    it(testCase.name, () => {
      setPrintoptions(testCase.options);
      const values = decodeValues(testCase);
      const suffixes = {
        defaultDtype: testCase.defaultDtype,
        requiresGrad: testCase.requiresGrad,
        ...(testCase.gradFn !== null ? { gradFn: testCase.gradFn } : {}),
      };
      expect(formatTensor(values, testCase.shape, testCase.dtype, suffixes)).toBe(testCase.expected);
      // The same values as storage typed arrays (Float32Array, Uint8Array for bool) print the same.
      expect(formatTensor(asStorage(testCase, values), testCase.shape, testCase.dtype, suffixes)).toBe(
        testCase.expected,
      );
    });
  }
});

describe('Python float formatting', () => {
  it('rounds exact ties half to even, unlike toFixed', () => {
    expect((0.03125).toFixed(4)).toBe('0.0313');
    expect(formatPythonFixed(0.03125, 4)).toBe('0.0312');
    expect(formatPythonFixed(0.09375, 4)).toBe('0.0938');
    expect(formatPythonFixed(0.5, 0)).toBe('0');
    expect(formatPythonFixed(1.5, 0)).toBe('2');
    expect(formatPythonFixed(2.5, 0)).toBe('2');
    expect(formatPythonFixed(0.25, 1)).toBe('0.2');
    expect(formatPythonFixed(0.375, 2)).toBe('0.38');
    expect(formatPythonExponential(1.03125, 4)).toBe('1.0312e+00');
    expect(formatPythonExponential(2.5, 0)).toBe('2e+00');
    expect(formatPythonExponential(1.5, 0)).toBe('2e+00');
  });

  it('rounds non-ties by the exact binary value', () => {
    // 1.005 is 1.00499999999999989... as a double.
    expect(formatPythonFixed(1.005, 2)).toBe('1.00');
    expect(formatPythonFixed(0.1, 20)).toBe('0.10000000000000000555');
    expect(formatPythonFixed(Math.fround(0.1), 4)).toBe('0.1000');
    expect(formatPythonExponential(2 ** -16, 4)).toBe('1.5259e-05');
  });

  it('handles carries, large and tiny values and special values', () => {
    expect(formatPythonFixed(9.99996, 4)).toBe('10.0000');
    expect(formatPythonExponential(9.99996, 4)).toBe('1.0000e+01');
    expect(formatPythonExponential(9.99999e-5, 4)).toBe('1.0000e-04');
    expect(formatPythonFixed(1e20, 0)).toBe('100000000000000000000');
    expect(formatPythonFixed(1e22, 0)).toBe('10000000000000000000000');
    expect(formatPythonFixed(2 ** 70, 1)).toBe('1180591620717411303424.0');
    expect(formatPythonExponential(5e-324, 4)).toBe('4.9407e-324');
    expect(formatPythonExponential(1e100, 4)).toBe('1.0000e+100');
    expect(formatPythonExponential(Number.MAX_VALUE, 6)).toBe('1.797693e+308');
    expect(formatPythonFixed(0, 4)).toBe('0.0000');
    expect(formatPythonFixed(-0, 4)).toBe('-0.0000');
    expect(formatPythonFixed(-0.00001, 4)).toBe('-0.0000');
    expect(formatPythonExponential(0, 4)).toBe('0.0000e+00');
    expect(formatPythonExponential(-0, 2)).toBe('-0.00e+00');
    expect(formatPythonFixed(NaN, 4)).toBe('nan');
    expect(formatPythonExponential(-Infinity, 4)).toBe('-inf');
    expect(formatPythonFixed(Infinity, 0)).toBe('inf');
  });

  it("matches Python's '{:.Nf}' and '{:.Ne}' on random values and exact ties", () => {
    expect(fixture.floats.length).toBeGreaterThan(500);
    for (const [value, precision, fixed, exponential] of fixture.floats) {
      expect([value, precision, formatPythonFixed(value, precision)]).toEqual([value, precision, fixed]);
      expect([value, precision, formatPythonExponential(value, precision)]).toEqual([
        value,
        precision,
        exponential,
      ]);
    }
  });
});

describe('print options', () => {
  it('profiles and overrides behave like torch.set_printoptions', () => {
    expect(getPrintoptions()).toEqual({
      precision: 4,
      threshold: 1000,
      edgeitems: 3,
      linewidth: 80,
      sciMode: null,
    });
    setPrintoptions({ profile: 'short', linewidth: 100, sciMode: true });
    expect(getPrintoptions()).toEqual({
      precision: 2,
      threshold: 1000,
      edgeitems: 2,
      linewidth: 100,
      sciMode: true,
    });
    // As in PyTorch, a call without sciMode resets it to null.
    setPrintoptions({ precision: 3 });
    expect(getPrintoptions()).toEqual({
      precision: 3,
      threshold: 1000,
      edgeitems: 2,
      linewidth: 100,
      sciMode: null,
    });
    setPrintoptions({ profile: 'full' });
    expect(getPrintoptions().threshold).toBe(Infinity);
    setPrintoptions({ profile: 'default' });
    expect(getPrintoptions()).toEqual({
      precision: 4,
      threshold: 1000,
      edgeitems: 3,
      linewidth: 80,
      sciMode: null,
    });
  });

  it('getPrintoptions returns a copy', () => {
    const options = getPrintoptions();
    options.precision = 9;
    expect(getPrintoptions().precision).toBe(4);
  });

  it('rejects an unknown profile', () => {
    expect(() => setPrintoptions({ profile: 'tiny' as 'short' })).toThrow(/unknown profile 'tiny'/);
  });
});

describe('formatTensor details', () => {
  it('prints a device suffix for non-CPU devices only', () => {
    expect(formatTensor([1, 2], [2], 'float32', { device: 'cuda:0' })).toBe(
      "tensor([1., 2.], device='cuda:0')",
    );
    expect(formatTensor([1, 2], [2], 'float32', { device: 'cpu' })).toBe('tensor([1., 2.])');
    expect(formatTensor([1.5], [1], 'float64', { device: 'cuda:0', requiresGrad: true })).toBe(
      "tensor([1.5000], device='cuda:0', dtype=torch.float64, requires_grad=True)",
    );
  });

  it('prefers grad_fn over requires_grad, as PyTorch does', () => {
    expect(formatTensor([2], [], 'float32', { requiresGrad: true, gradFn: 'SumBackward0' })).toBe(
      'tensor(2., grad_fn=<SumBackward0>)',
    );
  });

  it('accepts int64 values as numbers or bigints and bool values as booleans or 0/1', () => {
    expect(formatTensor([1, -2, 3], [3], 'int64')).toBe('tensor([ 1, -2,  3])');
    expect(formatTensor([1n, -2n, 3n], [3], 'int64')).toBe('tensor([ 1, -2,  3])');
    expect(formatTensor([true, false], [2], 'bool')).toBe('tensor([ True, False])');
    expect(formatTensor(new Uint8Array([1, 0]), [2], 'bool')).toBe('tensor([ True, False])');
  });

  it('rounds plain numbers to float32 for float32 tensors', () => {
    // float32(0.03125 + 2^-30) is 0.03125 exactly, which rounds half-even to 0.0312.
    expect(formatTensor([0.03125 + 2 ** -30, 1.5], [2], 'float32')).toBe('tensor([0.0312, 1.5000])');
    expect(formatTensor([0.03125 + 2 ** -30, 1.5], [2], 'float64')).toBe(
      'tensor([0.0313, 1.5000], dtype=torch.float64)',
    );
  });

  it('only reads the printed elements of a summarized tensor', () => {
    const values = new Float32Array(10_000_000).fill(1);
    const reads: number[] = [];
    const tracked = new Proxy(values, {
      get(target, property) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads.push(Number(property));
        return Reflect.get(target, property) as unknown;
      },
    }) as unknown as ArrayLike<number>;
    const text = formatTensor(tracked, [10_000_000], 'float32');
    expect(text).toBe('tensor([1., 1., 1.,  ..., 1., 1., 1.])');
    expect(new Set(reads).size).toBe(6);
  });

  it('throws on an edgeitems=0 summary of a 2-D tensor, as torch.stack does', () => {
    setPrintoptions({ edgeitems: 0, threshold: 1 });
    expect(() => formatTensor([1, 2, 3, 4], [2, 2], 'float32')).toThrow(
      'stack expects a non-empty TensorList',
    );
  });

  it('validates its input', () => {
    expect(() => formatTensor([1, 2, 3], [2, 2], 'float32')).toThrow(/needs 4 values but 3 were given/);
    expect(() => formatTensor([1], [1], 'complex64')).toThrow(/unknown dtype 'complex64'/);
    expect(() => formatTensor([1], [-1], 'float32')).toThrow(/invalid shape/);
  });
});
