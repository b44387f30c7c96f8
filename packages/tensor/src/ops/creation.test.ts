/**
 * Creation ops against PyTorch 1.13 goldens (scripts/gen-core-goldens.py writes fixtures/creation.json), plus
 * typed-array memory sharing, which has no Python counterpart to record.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType, Scalar, Tensor } from '../index.js';
import * as torch from '../index.js';
import { BFLOAT_TO_FLOAT, HALF_TO_FLOAT } from '../internal/half.js';

const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/creation.json', import.meta.url), 'utf8'));
const golden = fixtures.creation;

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: (number | string | boolean)[];
}
type Expected = TensorSpec | { error: string };

const NONFINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

function decodeValue(dtype: DType, v: number | string | boolean): Scalar {
  if (dtype === 'bool') return v as boolean;
  if (dtype === 'int64') return BigInt(v as string);
  return typeof v === 'string' ? NONFINITE[v]! : (v as number);
}

function valuesOf(t: Tensor): Scalar[] {
  const raw = t.toTypedArray();
  if (t.dtype === 'int64') return Array.from(raw as BigInt64Array);
  if (t.dtype === 'bool') return Array.from(raw as Uint8Array, (v) => v !== 0);
  if (t.dtype === 'float16') return Array.from(raw as Uint16Array, (v) => HALF_TO_FLOAT[v]!);
  if (t.dtype === 'bfloat16') return Array.from(raw as Uint16Array, (v) => BFLOAT_TO_FLOAT[v]!);
  return Array.from(raw as ArrayLike<number>);
}

/** Runs `fn` and compares with torch's tensor (exact values, dtype, shape) or error. */
function expectLike(fn: () => Tensor, want: Expected, label: string): void {
  let got: Tensor;
  try {
    got = fn();
  } catch (e) {
    expect(`${(e as Error).name}: ${(e as Error).message}`, label).toBe(
      'error' in want ? want.error : 'no error',
    );
    return;
  }
  if ('error' in want) throw new Error(`${label}: no error, want ${want.error}`);
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.shape, label).toEqual(want.shape);
  expect(valuesOf(got), label).toEqual(want.data.map((v) => decodeValue(want.dtype, v)));
}

describe('tensor()', () => {
  it('infers shapes and dtypes like torch.tensor (whole JS numbers are Python ints)', () => {
    const t = golden.tensor;
    expectLike(
      () =>
        torch.tensor([
          [1, 2],
          [3, 4],
        ]),
      t.ints,
      'ints',
    );
    expectLike(() => torch.tensor([1, 2.5]), t.mixed, 'mixed');
    expectLike(() => torch.tensor([true, false]), t.bools, 'bools');
    expectLike(() => torch.tensor([true, 2]), t.boolInt, 'boolInt');
    expectLike(() => torch.tensor([2n ** 62n + 1n, -(2n ** 63n)]), t.big, 'big');
    expectLike(() => torch.tensor([]), t.empty, 'empty');
    expectLike(() => torch.tensor([[], []]), t.emptyNested, 'emptyNested');
    expectLike(
      () =>
        torch.tensor([
          [[1.5], [2]],
          [[3], [4]],
        ]),
      t.deep,
      'deep',
    );
    expectLike(() => torch.tensor(3), t.scalar, 'scalar');
    expectLike(() => torch.tensor([0.1, 70000, 1e-8], { dtype: 'float16' }), t.float16, 'float16');
    expectLike(() => torch.tensor([1.7, -2.9], { dtype: 'int32' }), t.int32, 'int32');
  });

  it('rejects ragged nested arrays with torch’s message', () => {
    expectLike(
      () =>
        torch.tensor([
          [1, 2],
          [3, 4, 5],
        ]),
      golden.tensor.ragged,
      'ragged',
    );
    expect(() => torch.tensor([[1, 2], 3] as never)).toThrow(
      /expected sequence of length 2 at dim 1|not a sequence/,
    );
  });

  it('rejects JS numbers beyond 2^53 for int64 (they are not exact) but takes bigints', () => {
    expect(() => torch.tensor([2 ** 60], { dtype: 'int64' })).toThrow(/not a safe integer/);
    expect(torch.tensor([2n ** 60n]).toTypedArray()).toEqual(new BigInt64Array([2n ** 60n]));
  });

  it('copies typed arrays (dtype from the array type), and converts with { dtype }', () => {
    const source = new Float64Array([1.5, -2]);
    const t = torch.tensor(source);
    expect(t.dtype).toBe('float64');
    source[0] = 100;
    expect(t.tolist()).toEqual([1.5, -2]);
    expect(torch.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(torch.tensor(new BigInt64Array([5n])).dtype).toBe('int64');
    expect(torch.tensor(new Uint8Array([1, 0]), { dtype: 'bool' }).tolist()).toEqual([true, false]);
    expect(torch.tensor(new Float32Array([1.7, -1.7]), { dtype: 'int64' }).tolist()).toEqual([1, -1]);
    expect(() => torch.tensor(new Uint16Array(2))).toThrow(TypeError);
    const half = torch.tensor(new Uint16Array([0x3c00, 0xc000]), { dtype: 'float16' });
    expect(half.tolist()).toEqual([1, -2]);
  });

  it('tensor(tensor) copies', () => {
    const a = torch.tensor([1, 2, 3]);
    const b = torch.tensor(a, { dtype: 'float32' });
    expect(b.dtype).toBe('float32');
    expect(b.untypedStorage()).not.toBe(a.untypedStorage());
  });
});

describe('fromTypedArray', () => {
  it('shares memory both ways', () => {
    const array = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = torch.fromTypedArray(array, [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    array[4] = 50;
    expect(t.tolist()).toEqual([
      [1, 2, 3],
      [4, 50, 6],
    ]);
    t.t().select(0, 0).fill_(-1);
    expect(Array.from(array)).toEqual([-1, 2, 3, -1, 50, 6]);
    t.add_(1);
    expect(array[1]).toBe(3);
    expect(t.toTypedArray()).not.toBe(array);
  });

  it('checks shape and dtype against the array', () => {
    expect(() => torch.fromTypedArray(new Float32Array(6), [4])).toThrow(
      "shape '[4]' is invalid for input of size 6",
    );
    expect(() => torch.fromTypedArray(new Float32Array(2), [2], { dtype: 'float64' })).toThrow(TypeError);
    const halves = torch.fromTypedArray(new Uint16Array([0x3f80]), [1], { dtype: 'bfloat16' });
    expect(halves.item()).toBe(1);
    expect(torch.fromTypedArray(new Uint8Array([0, 3]), [2], { dtype: 'bool' }).dtype).toBe('bool');
  });
});

describe('zeros / ones / full / empty / eye and *Like', () => {
  it('full infers the dtype from the value and checks it fits the dtype', () => {
    const f = golden.full;
    expectLike(() => torch.full([2, 2], 7), f.int, 'int');
    expectLike(() => torch.full([2], 2.5), f.float, 'float');
    expectLike(() => torch.full([2], true), f.bool, 'bool');
    expectLike(() => torch.full([2], 300, { dtype: 'uint8' }), f.uint8Overflow, 'uint8Overflow');
    expectLike(() => torch.full([2], -1, { dtype: 'uint8' }), f.uint8Negative, 'uint8Negative');
    expectLike(() => torch.full([2], 2.7, { dtype: 'int32' }), f.int32Float, 'int32Float');
    expectLike(() => torch.full([2], 1e6, { dtype: 'float16' }), f.halfOverflow, 'halfOverflow');
  });

  it('zeros/ones/empty take varargs or an array and options', () => {
    expect(torch.zeros(2, 3).shape).toEqual([2, 3]);
    expect(torch.zeros([2, 3], { dtype: 'int64' }).dtype).toBe('int64');
    expect(torch.ones(2, { dtype: 'bool' }).tolist()).toEqual([true, true]);
    expect(torch.ones([2], { dtype: 'float16' }).tolist()).toEqual([1, 1]);
    expect(torch.empty(0, 3).numel()).toBe(0);
    expect(torch.zeros([]).shape).toEqual([]);
    expect(() => torch.zeros(-1)).toThrow();
  });

  it('eye', () => {
    const e = golden.eye;
    expectLike(() => torch.eye(3), e.square, 'square');
    expectLike(() => torch.eye(2, 4), e.wide, 'wide');
    expectLike(() => torch.eye(4, 2, { dtype: 'int64' }), e.tall, 'tall');
    expectLike(() => torch.eye(0), e.empty, 'empty');
    expectLike(() => torch.eye(-1), e.negative, 'negative');
  });

  it('*Like follow the input dtype unless overridden', () => {
    const x = torch.zeros(2, 3, { dtype: 'int32' }).t();
    expect(torch.zerosLike(x).dtype).toBe('int32');
    expect(torch.zerosLike(x).shape).toEqual([3, 2]);
    expect(torch.onesLike(x, { dtype: 'float64' }).tolist()).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(torch.fullLike(x, 7).dtype).toBe('int32');
    expect(torch.emptyLike(x).shape).toEqual([3, 2]);
  });
});

describe('arange / linspace / logspace', () => {
  it('arange matches torch (int and float steps, negative steps, errors)', () => {
    const a = golden.arange;
    expectLike(() => torch.arange(5), a.end, 'end');
    expectLike(() => torch.arange(1, 4), a.startEnd, 'startEnd');
    expectLike(() => torch.arange(0, 1, 0.1), a.floatStep, 'floatStep');
    expectLike(() => torch.arange(0, 1, 0.1, { dtype: 'float64' }), a.floatStep64, 'floatStep64');
    expectLike(() => torch.arange(10, 0, -3), a.negative, 'negative');
    expectLike(() => torch.arange(0, -1, -0.25), a.negativeFloat, 'negativeFloat');
    expectLike(() => torch.arange(1, 2.5, 0.5), a.halfSteps, 'halfSteps');
    expectLike(() => torch.arange(0, 5, 1.5, { dtype: 'int64' }), a.intDtypeFloatStep, 'intDtypeFloatStep');
    expectLike(() => torch.arange(0, 10, 3, { dtype: 'float64' }), a.float64Ints, 'float64Ints');
    expectLike(() => torch.arange(-3.3, 100.7, 1.7), a.big, 'big');
    expectLike(() => torch.arange(3, 3), a.empty, 'empty');
    expectLike(() => torch.arange(0, 1, 0), a.zeroStep, 'zeroStep');
    expectLike(() => torch.arange(1, 0), a.wrongSign, 'wrongSign');
    expectLike(() => torch.arange(0, 1, -1), a.wrongSignNeg, 'wrongSignNeg');
    expectLike(() => torch.arange(0, Infinity), a.infinite, 'infinite');
    expectLike(() => torch.arange(0, 300, 50, { dtype: 'uint8' }), a.uint8, 'uint8');
  });

  it('linspace matches torch’s float32 values exactly', () => {
    const l = golden.linspace;
    expectLike(() => torch.linspace(0, 1, 5), l.unit, 'unit');
    expectLike(() => torch.linspace(-1, 1, 7), l.symmetric, 'symmetric');
    expectLike(() => torch.linspace(0, 1, 1), l.one, 'one');
    expectLike(() => torch.linspace(0, 10, 0), l.zero, 'zero');
    expectLike(() => torch.linspace(3, -2, 6, { dtype: 'float64' }), l.down64, 'down64');
    expectLike(() => torch.linspace(0, 10, 4, { dtype: 'int64' }), l.int, 'int');
    expectLike(() => torch.linspace(0.1, 0.9, 33), l.many, 'many');
    expectLike(() => torch.linspace(0.1, 0.9, 33, { dtype: 'float64' }), l.many64, 'many64');
    expectLike(() => torch.linspace(0, 1, -1), l.negativeSteps, 'negativeSteps');
  });

  it('logspace matches torch', () => {
    const l = golden.logspace;
    expectLike(() => torch.logspace(0, 2, 5), l.base10, 'base10');
    expectLike(() => torch.logspace(-1, 1, 4, 2), l.base2, 'base2');
    // float64: V8's Math.pow and glibc's pow may differ in the last bit
    const got = torch.logspace(-2, 3, 11, { dtype: 'float64' }).tolist() as number[];
    got.forEach((v, i) => {
      const want = l.base10_64.data[i] as number;
      expect(Math.abs(v - want), `base10_64[${i}]`).toBeLessThanOrEqual(Math.abs(want) * Number.EPSILON);
    });
    expectLike(() => torch.logspace(0.5, -3.5, 17), l.many, 'many');
  });
});

describe('fill_ / zero_', () => {
  it('converts the value with torch’s overflow checks', () => {
    const f = golden.fill;
    expectLike(() => torch.zeros(2, { dtype: 'int16' }).fill_(2 ** 20), f.int16Overflow, 'int16Overflow');
    expectLike(() => torch.zeros(2, { dtype: 'uint8' }).fill_(-1), f.uint8Negative, 'uint8Negative');
    expectLike(() => torch.zeros(2, { dtype: 'int32' }).fill_(2.7), f.int32Float, 'int32Float');
    expectLike(() => torch.zeros(2, { dtype: 'int32' }).fill_(Number.NaN), f.int32Nan, 'int32Nan');
    expectLike(() => torch.zeros(2, { dtype: 'bool' }).fill_(5), f.boolFive, 'boolFive');
    expectLike(() => torch.zeros(2).fill_(1e300), f.floatHuge, 'floatHuge');
    expectLike(() => torch.zeros(2).fill_(torch.tensor([1])), f.tensor1d, 'tensor1d');
    expectLike(() => torch.zeros(2, { dtype: 'int64' }).fill_(2n ** 62n + 1n), f.int64Big, 'int64Big');
    expectLike(() => torch.zeros(3).expand(2, 3).fill_(1), f.expanded, 'expanded');
  });

  it('fills non-contiguous views in place and bumps the version', () => {
    const x = torch.zeros(3, 4, { dtype: 'int64' });
    x.t().narrow(0, 1, 2).fill_(9n);
    expect(x._version).toBe(1);
    x.select(1, 2).zero_();
    expect(x._version).toBe(2);
    expect(x.tolist()).toEqual([
      [0, 9, 0, 0],
      [0, 9, 0, 0],
      [0, 9, 0, 0],
    ]);
  });
});
