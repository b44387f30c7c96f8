/**
 * Conversions: `to` (dtype / device / tensor / options), `type`, `typeAs`, the dtype shorthands, `item`, `tolist`,
 * `toTypedArray` and `copy_`. Value conversions between every pair of dtypes are checked against torch in
 * elementwise.test.ts (fixtures/elementwise.json, `conversions`).
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';

describe('to / type / typeAs', () => {
  it('returns the tensor itself when nothing changes, a copy with { copy: true }', () => {
    const x = torch.tensor([1.5, 2.5]);
    expect(x.to('float32')).toBe(x);
    expect(x.to('cpu')).toBe(x);
    expect(x.to({ dtype: 'float32', device: 'cpu' })).toBe(x);
    expect(x.to(torch.zeros(1))).toBe(x);
    const copy = x.to({ copy: true });
    expect(copy).not.toBe(x);
    expect(copy.untypedStorage()).not.toBe(x.untypedStorage());
    expect(x.cpu()).toBe(x);
  });

  it('converts by dtype name, alias, torch.-prefixed name, tensor and options', () => {
    const x = torch.tensor([1.7, -2.5]);
    expect(x.to('int64').tolist()).toEqual([1, -2]);
    expect(x.to('long').dtype).toBe('int64');
    expect(x.to('torch.float64').dtype).toBe('float64');
    expect(x.to(torch.zeros(1, { dtype: 'int32' })).dtype).toBe('int32');
    expect(x.to({ dtype: 'float16' }).tolist()).toEqual([1.7001953125, -2.5]);
    expect(x.to('cpu', { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => x.to('float128' as never)).toThrow();
  });

  it('type() gives the legacy name; type(name) converts', () => {
    expect(torch.zeros(1).type()).toBe('torch.FloatTensor');
    expect(torch.zeros(1, { dtype: 'int64' }).type()).toBe('torch.LongTensor');
    expect(torch.zeros(1, { dtype: 'bool' }).type()).toBe('torch.BoolTensor');
    expect(torch.zeros(1, { dtype: 'bfloat16' }).type()).toBe('torch.BFloat16Tensor');
    expect(torch.zeros(1).type('torch.DoubleTensor').dtype).toBe('float64');
    expect(torch.zeros(1).type('int16').dtype).toBe('int16');
    expect(torch.zeros(1).typeAs(torch.zeros(1, { dtype: 'uint8' })).dtype).toBe('uint8');
  });

  it('has the dtype shorthands', () => {
    const x = torch.tensor([-1.5, 0, 300.7]);
    expect(x.float().dtype).toBe('float32');
    expect(x.double().dtype).toBe('float64');
    expect(x.half().dtype).toBe('float16');
    expect(x.bfloat16().dtype).toBe('bfloat16');
    expect(x.long().tolist()).toEqual([-1, 0, 300]);
    expect(x.int().tolist()).toEqual([-1, 0, 300]);
    expect(x.short().tolist()).toEqual([-1, 0, 300]);
    expect(x.char().tolist()).toEqual([-1, 0, 44]); // 300 wraps to 44 in int8, as in torch
    expect(x.byte().tolist()).toEqual([255, 0, 44]);
    expect(x.bool().tolist()).toEqual([true, false, true]);
    expect(torch.tensor([Number.NaN]).bool().item()).toBe(true);
  });

  it('keeps int64 exact through conversions', () => {
    const big = torch.tensor([2n ** 62n + 1n, -(2n ** 63n)]);
    expect(big.to('int32').tolist()).toEqual([1, 0]);
    expect(big.to('float64').tolist()).toEqual([2 ** 62, -(2 ** 63)]);
    expect(big.to('int64')).toBe(big);
    expect(
      torch
        .tensor([2 ** 60], { dtype: 'float64' })
        .long()
        .toTypedArray(),
    ).toEqual(new BigInt64Array([2n ** 60n]));
  });
});

describe('item / tolist / toTypedArray', () => {
  it('item reads one element of any dtype, and refuses several', () => {
    expect(torch.tensor(2.5).item()).toBe(2.5);
    expect(torch.tensor([[7]]).item()).toBe(7);
    expect(torch.tensor(true).item()).toBe(true);
    expect(torch.tensor([0.1], { dtype: 'float16' }).item()).toBe(0.0999755859375);
    expect(() => torch.tensor([1, 2]).item()).toThrow(
      'a Tensor with 2 elements cannot be converted to Scalar',
    );
    expect(() => torch.tensor([2n ** 60n]).item()).toThrow(/cannot be represented exactly/);
  });

  it('tolist follows the view layout', () => {
    const x = torch.arange(6).view(2, 3).t();
    expect(x.tolist()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(torch.tensor(5).tolist()).toBe(5);
    expect(torch.zeros(2, 0).tolist()).toEqual([[], []]);
  });

  it('toTypedArray gives a contiguous copy in the dtype’s array type', () => {
    const x = torch.arange(6, { dtype: 'float32' }).view(2, 3).t();
    const data = x.toTypedArray();
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data as Float32Array)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(torch.tensor([1, 2]).toTypedArray()).toBeInstanceOf(BigInt64Array);
    expect(torch.tensor([1], { dtype: 'float16' }).toTypedArray()).toEqual(new Uint16Array([0x3c00]));
    expect(torch.tensor([true]).toTypedArray()).toEqual(new Uint8Array([1]));
  });
});

describe('copy_', () => {
  it('broadcasts, converts (float → int truncates, negative → uint8 wraps, NaN → true) and bumps the version', () => {
    const ints = torch.zeros(2, 3, { dtype: 'int32' });
    ints.copy_(torch.tensor([1.9, -1.9, 2.5]));
    expect(ints.tolist()).toEqual([
      [1, -1, 2],
      [1, -1, 2],
    ]);
    expect(ints._version).toBe(1);
    const bytes = torch.zeros(3, { dtype: 'uint8' }).copy_(torch.tensor([-1.5, -3, 255.5]));
    expect(bytes.tolist()).toEqual([255, 253, 255]);
    const bools = torch.zeros(3, { dtype: 'bool' }).copy_(torch.tensor([Number.NaN, 0, -0.1]));
    expect(bools.tolist()).toEqual([true, false, true]);
    const halves = torch
      .zeros(2, { dtype: 'float16' })
      .copy_(torch.tensor([65519, 65520], { dtype: 'float64' }));
    expect(halves.tolist()).toEqual([65504, Infinity]);
  });

  it('rejects shapes that do not broadcast to the destination, with torch’s message', () => {
    expect(() => torch.zeros(3).copy_(torch.zeros(2, 3))).toThrow(
      "output with shape [3] doesn't match the broadcast shape [2, 3]",
    );
    expect(() => torch.zeros(3).copy_([1, 2, 3] as never)).toThrow(TypeError);
  });
});
