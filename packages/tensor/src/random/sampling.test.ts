import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator } from './generator.js';
import type { FloatSampleDtype, SampleArray } from './sampling.js';
import {
  bernoulliFill,
  exponentialFill,
  fmaFloat32,
  multinomial,
  normalFill,
  randintFill,
  randperm,
  randpermFill,
  uniformFill,
} from './sampling.js';

const fixtures = JSON.parse(readFileSync(new URL('../../fixtures/random.json', import.meta.url), 'utf8'));

const floatArray = (dtype: string, size: number): Float32Array | Float64Array =>
  dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);

const asStrings = (values: ArrayLike<number | bigint>): string[] => Array.from(values, (v) => String(v));

/**
 * float64 Box-Muller and exponential go through libm's double log/sin/cos, and V8's differ from glibc's in the
 * last bit for a few percent of inputs: compare those within a few ulps.
 */
function expectCloseFloat64(got: Float64Array, want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tolerance = 8 * Number.EPSILON * Math.max(1, Math.abs(want[i]!));
    if (!(Math.abs(got[i]! - want[i]!) <= tolerance)) expect(got[i]).toBe(want[i]);
  }
}

describe('uniformFill (torch.rand / uniform_)', () => {
  it('matches torch bit for bit for float32, float64, float16 and bfloat16', () => {
    for (const c of fixtures.uniform) {
      const out = floatArray(c.dtype, c.size);
      uniformFill(new Generator().manualSeed(c.seed), out, c.from, c.to, {
        dtype: c.dtype as FloatSampleDtype,
      });
      expect(Array.from(out), `${c.dtype} seed ${c.seed} size ${c.size} [${c.from}, ${c.to})`).toEqual(
        c.values,
      );
    }
  });

  it('rejects from > to and a mismatched array', () => {
    expect(() => uniformFill(new Generator(), new Float32Array(2), 2, 1)).toThrow(
      'uniform_ expects to return a [from, to) range, but found from=2 > to=1',
    );
    expect(() => uniformFill(new Generator(), new Float32Array(2), 0, 1, { dtype: 'float64' })).toThrow(
      TypeError,
    );
  });
});

describe('normalFill (torch.randn / normal_)', () => {
  it('matches torch bit for bit for float32 (scalar path < 16, AVX2 Box-Muller >= 16), float16 and bfloat16', () => {
    for (const c of fixtures.normal) {
      if (c.dtype === 'float64') continue;
      const out = new Float32Array(c.size);
      normalFill(new Generator().manualSeed(c.seed), out, c.mean, c.std, {
        dtype: c.dtype as FloatSampleDtype,
      });
      expect(Array.from(out), `${c.dtype} seed ${c.seed} size ${c.size}`).toEqual(c.values);
    }
  });

  it('matches torch for float64 to the last bits of libm', () => {
    for (const c of fixtures.normal) {
      if (c.dtype !== 'float64') continue;
      const out = new Float64Array(c.size);
      normalFill(new Generator().manualSeed(c.seed), out, c.mean, c.std);
      expectCloseFloat64(out, c.values);
    }
  });

  it('shares the cached Box-Muller sample across calls and dtypes as torch does', () => {
    for (const c of fixtures.normalSequences) {
      const generator = new Generator().manualSeed(c.seed);
      for (const call of c.calls) {
        const out = floatArray(call.dtype, call.size);
        normalFill(generator, out, 0, 1);
        if (out instanceof Float64Array) expectCloseFloat64(out, call.values);
        else expect(Array.from(out)).toEqual(call.values);
      }
    }
  });

  it('has mean 0 and std 1 on a large draw', () => {
    const out = new Float32Array(100000);
    normalFill(new Generator().manualSeed(0), out, 0, 1);
    let sum = 0;
    let squares = 0;
    for (const v of out) {
      sum += v;
      squares += v * v;
    }
    expect(Math.abs(sum / out.length)).toBeLessThan(0.01);
    expect(Math.abs(squares / out.length - 1)).toBeLessThan(0.02);
  });

  it('rejects a negative std', () => {
    expect(() => normalFill(new Generator(), new Float32Array(3), 0, -1)).toThrow(
      'normal expects std >= 0.0',
    );
  });
});

describe('randintFill (torch.randint)', () => {
  const arrays: Record<string, new (size: number) => SampleArray> = {
    int64: BigInt64Array,
    int32: Int32Array,
    int16: Int16Array,
    float32: Float32Array,
    float64: Float64Array,
  };
  it('matches torch for small and >= 2^32 ranges in every dtype', () => {
    for (const c of fixtures.randint) {
      const out = new arrays[c.dtype]!(c.size);
      randintFill(new Generator().manualSeed(c.seed), out, BigInt(c.low), BigInt(c.high));
      expect(asStrings(out), `${c.dtype} seed ${c.seed} [${c.low}, ${c.high})`).toEqual(asStrings(c.values));
    }
  });

  it('rejects an empty range', () => {
    expect(() => randintFill(new Generator(), new Int32Array(1), 3, 3)).toThrow(
      "random_ expects 'from' to be less than 'to'",
    );
  });
});

describe('randperm', () => {
  it('matches torch.randperm', () => {
    for (const c of fixtures.randperm) {
      expect(asStrings(randperm(new Generator().manualSeed(c.seed), c.n)), `n=${c.n} seed ${c.seed}`).toEqual(
        c.values,
      );
      const out = new Int32Array(c.n);
      randpermFill(new Generator().manualSeed(c.seed), out);
      expect(asStrings(out)).toEqual(c.values);
    }
  });
});

describe('bernoulliFill', () => {
  it('matches torch for a scalar p and for float32 / float64 probability tensors', () => {
    for (const c of fixtures.bernoulli) {
      const out = new Float32Array(c.size);
      const p =
        c.pDtype === null ? c.p : c.pDtype === 'float64' ? Float64Array.from(c.p) : Float32Array.from(c.p);
      bernoulliFill(new Generator().manualSeed(c.seed), out, p);
      expect(Array.from(out), `p ${c.pDtype} seed ${c.seed}`).toEqual(c.values);
    }
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => bernoulliFill(new Generator(), new Uint8Array(2), 1.5)).toThrow(
      'bernoulli_ expects p to be in [0, 1], but got p=1.5',
    );
  });
});

describe('exponentialFill', () => {
  it('matches torch (float32 exactly, float64 to libm precision)', () => {
    for (const c of fixtures.exponential) {
      const out = floatArray(c.dtype, c.size);
      exponentialFill(new Generator().manualSeed(c.seed), out, c.lambda);
      if (out instanceof Float64Array) expectCloseFloat64(out, c.values);
      else expect(Array.from(out)).toEqual(c.values);
    }
  });
});

describe('multinomial', () => {
  it('matches torch with and without replacement', () => {
    for (const c of fixtures.multinomial) {
      const probs = c.dtype === 'float64' ? Float64Array.from(c.probs) : Float32Array.from(c.probs);
      const got = multinomial(
        new Generator().manualSeed(c.seed),
        probs,
        c.numRows,
        c.numCategories,
        c.numSamples,
        c.replacement,
      );
      expect(
        asStrings(got),
        `${c.dtype} seed ${c.seed} n=${c.numSamples} replacement=${c.replacement}`,
      ).toEqual(c.values);
    }
  });

  it('rejects invalid distributions with torch messages', () => {
    const generator = new Generator();
    expect(() => multinomial(generator, new Float64Array([0, 0]), 1, 2, 1, false)).toThrow(
      'invalid multinomial distribution (sum of probabilities <= 0)',
    );
    expect(() => multinomial(generator, new Float64Array([1, -1]), 1, 2, 1, false)).toThrow(
      'probability tensor contains either `inf`, `nan` or element < 0',
    );
    expect(() => multinomial(generator, new Float64Array([1, 1]), 1, 2, 3, false)).toThrow(
      'cannot sample n_sample > prob_dist.size(-1) samples without replacement',
    );
  });
});

describe('fmaFloat32', () => {
  it('rounds once where the double sum lands on a float32 tie', () => {
    // 1 + 2^-24 is a tie between 1 and 1 + 2^-23; the extra 2^-60 must push it up, as a fused fmaf does.
    expect(fmaFloat32(1 + 2 ** -23, 1 + 2 ** -23, -(2 ** -23) - 2 ** -46 + 2 ** -60 - 2 ** -24)).toBe(
      Math.fround(1 + 2 ** -23),
    );
  });
});
