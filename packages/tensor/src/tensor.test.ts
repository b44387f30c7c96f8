import { describe, expect, it } from 'vitest';
import * as torch from './index.js';

describe('Tensor layout queries', () => {
  const x = torch.arange(24, { dtype: 'float32' }).view(2, 3, 4);

  it('size, stride, dim, numel, storageOffset, elementSize', () => {
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.stride()).toEqual([12, 4, 1]);
    expect(x.stride(0)).toBe(12);
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.numel()).toBe(24);
    expect(x.nelement()).toBe(24);
    expect(x.elementSize()).toBe(4);
    expect(x.narrow(2, 1, 2).storageOffset()).toBe(1);
    expect(() => x.size(3)).toThrow('Dimension out of range (expected to be in range of [-3, 2], but got 3)');
    expect(() => torch.tensor(1).size(0)).toThrow(torch.IndexError);
  });

  it('shape and stride() return copies', () => {
    const shape = x.shape;
    shape[0] = 99;
    const strides = x.stride();
    strides[0] = 99;
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.stride()).toEqual([12, 4, 1]);
  });

  it('isContiguous follows PyTorch: size-1 dims may have any stride, empty tensors always are', () => {
    expect(x.isContiguous()).toBe(true);
    expect(x.transpose(0, 1).isContiguous()).toBe(false);
    expect(x.narrow(0, 0, 1).isContiguous()).toBe(true);
    expect(x.narrow(1, 0, 1).isContiguous()).toBe(false);
    expect(x.narrow(2, 0, 1).transpose(1, 2).isContiguous()).toBe(false);
    expect(x.select(1, 0).unsqueeze(1).transpose(1, 1).isContiguous()).toBe(false);
    expect(x.narrow(0, 1, 1).transpose(0, 1).isContiguous()).toBe(true);
    expect(x.narrow(2, 0, 2).isContiguous()).toBe(false);
    expect(x.narrow(0, 0, 0).transpose(1, 2).isContiguous()).toBe(true);
    expect(torch.tensor(1).isContiguous()).toBe(true);
  });

  it('dataPtr: equal at the same element of the same storage, 0 when empty', () => {
    expect(x.view(6, 4).dataPtr()).toBe(x.dataPtr());
    expect(x.select(0, 1).dataPtr()).toBe(x.dataPtr() + 12 * 4);
    expect(x.clone().dataPtr()).not.toBe(x.dataPtr());
    expect(x.narrow(0, 2, 0).dataPtr()).toBe(0);
  });

  it('device, dtype names, type()', () => {
    expect(x.device).toBe('cpu');
    expect(x.isCuda).toBe(false);
    expect(x.getDevice()).toBe(-1);
    expect(x.typeName()).toBe('torch.FloatTensor');
    expect(x.type()).toBe('torch.FloatTensor');
    expect(torch.tensor([1]).type()).toBe('torch.LongTensor');
    expect(x.isFloatingPoint()).toBe(true);
    expect(torch.tensor([1], { dtype: 'uint8' }).isSigned()).toBe(false);
  });
});

describe('Tensor values', () => {
  it('item() and tolist()', () => {
    expect(torch.tensor([[1.5]], { dtype: 'float32' }).item()).toBe(1.5);
    expect(torch.tensor(true).item()).toBe(true);
    expect(torch.tensor([1, 2]).tolist()).toEqual([1, 2]);
    expect(torch.tensor(3).tolist()).toBe(3);
    expect(torch.arange(6, { dtype: 'float32' }).view(2, 3).t().tolist()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(torch.tensor([1.5], { dtype: 'float16' }).item()).toBe(1.5);
    expect(() => torch.tensor([1, 2]).item()).toThrow(
      'a Tensor with 2 elements cannot be converted to Scalar',
    );
    expect(() => torch.tensor([2n ** 62n]).item()).toThrow(torch.ValueError);
    expect(torch.zeros(2, 0).tolist()).toEqual([[], []]);
  });

  it('JSON.stringify and object walkers see the repr, not the getters', () => {
    const t = torch.tensor([1, 2], { dtype: 'float32' });
    expect(JSON.stringify({ t })).toBe('{"t":"tensor([1., 2.])"}');
    // A walker that reads every property up the prototype chain (as test runners do when reporting a failure)
    // must stop at toJSON: `t.T` makes a new tensor on every read.
    expect(typeof t.toJSON).toBe('function');
  });
});

describe('autograd slot', () => {
  it('only floating tensors may require grad; flags and grad validation', () => {
    const w = torch.zeros(2);
    expect(w.requiresGrad).toBe(false);
    expect(w.isLeaf).toBe(true);
    w.requiresGrad_();
    expect(w.requiresGrad).toBe(true);
    w.requiresGrad = false;
    expect(w.requiresGrad).toBe(false);
    expect(() => torch.zeros([2], { dtype: 'int64' }).requiresGrad_()).toThrow(
      'only Tensors of floating point dtype can require gradients',
    );
    expect(() => {
      w.grad = torch.zeros(3);
    }).toThrow('assigned grad has data of a different size');
    expect(() => {
      w.grad = torch.zeros([2], { dtype: 'float64' });
    }).toThrow('assigned grad has data of a different type');
    w.grad = torch.ones(2);
    expect(w.grad?.tolist()).toEqual([1, 1]);
    expect(w.gradFn).toBeNull();
  });

  it('in-place writes bump the shared version counter', () => {
    const x = torch.zeros(4);
    const v = x.view(2, 2);
    const before = x._version;
    v.fill_(1);
    expect(x._version).toBe(before + 1);
    expect(v._version).toBe(x._version);
  });
});
