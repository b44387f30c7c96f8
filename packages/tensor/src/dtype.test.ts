/**
 * dtype helpers. Promotion itself (`promoteTypes`, `resultType` with tensors and scalars) is checked against
 * torch over every pair in ops/elementwise.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  canCast,
  dtypeOfArray,
  getDefaultDtype,
  parseDtype,
  resultType,
  scalarDtype,
  setDefaultDtype,
} from './dtype.js';

describe('dtype', () => {
  it('parses names, aliases and torch.-prefixed names', () => {
    expect(parseDtype('float')).toBe('float32');
    expect(parseDtype('torch.long')).toBe('int64');
    expect(parseDtype('half')).toBe('float16');
    expect(parseDtype('bfloat16')).toBe('bfloat16');
    expect(() => parseDtype('complex64')).toThrow(TypeError);
  });

  it('gives JS scalars Python’s types: whole numbers are ints', () => {
    expect(scalarDtype(2)).toBe('int64');
    expect(scalarDtype(2.5)).toBe('float32');
    expect(scalarDtype(Number.NaN)).toBe('float32');
    expect(scalarDtype(Infinity)).toBe('float32');
    expect(scalarDtype(true)).toBe('bool');
    expect(scalarDtype(2n ** 62n)).toBe('int64');
  });

  it('follows the default dtype, which only floating types may be', () => {
    expect(getDefaultDtype()).toBe('float32');
    setDefaultDtype('float64');
    try {
      expect(scalarDtype(0.5)).toBe('float64');
      expect(resultType({ dtype: 'int32', dim: 1 }, 0.5)).toBe('float64');
      expect(resultType({ dtype: 'float16', dim: 1 }, 0.5)).toBe('float16');
    } finally {
      setDefaultDtype('float32');
    }
    expect(() => setDefaultDtype('int64')).toThrow(TypeError);
  });

  it('canCast follows torch.can_cast for in-place results', () => {
    expect(canCast('float32', 'int64')).toBe(false);
    expect(canCast('int64', 'float16')).toBe(true);
    expect(canCast('bool', 'uint8')).toBe(true);
    expect(canCast('int8', 'bool')).toBe(false);
  });

  it('maps typed arrays to dtypes', () => {
    expect(dtypeOfArray(new Float64Array(1))).toBe('float64');
    expect(dtypeOfArray(new BigInt64Array(1))).toBe('int64');
    expect(dtypeOfArray(new Int8Array(1))).toBe('int8');
    expect(() => dtypeOfArray(new Uint16Array(1))).toThrow(TypeError);
  });
});
