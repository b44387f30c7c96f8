import { describe, expect, it } from 'vitest';
import { conformanceCases, GoldenMismatch, runConformanceSuite, runGoldenCase } from './index.js';

describe('conformance suite on the CPU', () => {
  runConformanceSuite({ device: 'cpu', test: it });
});

describe('conformance suite plumbing', () => {
  it('covers views, reductions and matrix products', () => {
    const groups = new Set(conformanceCases().map((c) => c.group));
    expect([...groups].sort()).toEqual(['matmul', 'reduce', 'views']);
    expect(conformanceCases().length).toBeGreaterThan(60);
    expect(conformanceCases({ groups: ['views'] }).every((c) => c.group === 'views')).toBe(true);
  });

  it('reports a wrong value, a wrong error and a missing error as mismatches', () => {
    const input = { dtype: 'float32' as const, data: [1, 2, 3], shape: [3] };
    const expectTensor = {
      shape: [],
      dtype: 'float32' as const,
      data: [7],
      strides: [],
      offset: 0,
      contiguous: true,
    };
    expect(() =>
      runGoldenCase({ name: 'sum', op: 'sum', inputs: [input], args: [], kwargs: {}, expect: expectTensor }),
    ).toThrow(GoldenMismatch);
    expect(() =>
      runGoldenCase({
        name: 'sum',
        op: 'sum',
        inputs: [input],
        args: [],
        kwargs: {},
        error: { type: 'RuntimeError', message: 'x' },
      }),
    ).toThrow(/but it succeeded/);
    expect(() =>
      runGoldenCase({
        name: 'sum',
        op: 'sum',
        inputs: [input],
        args: [5],
        kwargs: {},
        error: { type: 'IndexError', message: 'x' },
      }),
    ).toThrow(/expected IndexError: x/);
  });
});
