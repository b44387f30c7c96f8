/**
 * Printing like PyTorch: `toString()`, `console.log` and `util.inspect` give `repr(t)`'s text.
 */
import { getDefaultDtype } from '../dtype.js';
import { formatTensor } from '../format.js';
import { BFLOAT_TO_FLOAT, HALF_TO_FLOAT } from '../internal/half.js';
import { hostData, Tensor } from '../tensor.js';
import { contiguousCopy, toDevice } from './helpers.js';

/** Flat row-major values of a tensor as JS numbers/bigints/booleans, for the formatter. */
function printableValues(t: Tensor): ArrayLike<number | bigint | boolean> {
  const host = contiguousCopy(t.device === 'cpu' ? t : toDevice(t, 'cpu'));
  const data = hostData(host);
  if (t.dtype === 'float16') return Array.from(data as Uint16Array, (h) => HALF_TO_FLOAT[h]!);
  if (t.dtype === 'bfloat16') return Array.from(data as Uint16Array, (h) => BFLOAT_TO_FLOAT[h]!);
  if (t.dtype === 'bool') return Array.from(data as Uint8Array, (v) => v !== 0);
  return data as ArrayLike<number | bigint>;
}

/** The body of a dense part inside a sparse repr: no dtype suffix, continuation lines shifted by `indent`. */
function partToString(t: Tensor, indent: number): string {
  const text = formatTensor(printableValues(t), t._shape, t.dtype, {
    defaultDtype: t.dtype,
    requiresGrad: false,
    device: 'cpu',
  });
  return text.replace(/\n/g, `\n${' '.repeat(indent)}`);
}

/** PyTorch's repr of a sparse COO tensor: indices, values, then size, nnz, dtype and layout. */
function sparseToString(t: Tensor): string {
  const parts = t._sparse!;
  const indent = 'tensor('.length;
  const suffixes = [
    `size=(${t._shape.join(', ')}${t._shape.length === 1 ? ',' : ''})`,
    `nnz=${parts.indices.size(1)}`,
  ];
  if (t.dtype !== getDefaultDtype() && t.dtype !== 'int64' && t.dtype !== 'bool')
    suffixes.push(`dtype=torch.${t.dtype}`);
  if (t.device !== 'cpu') suffixes.push(`device='${t.device}'`);
  suffixes.push('layout=torch.sparse_coo');
  let text = `tensor(indices=${partToString(parts.indices, 'indices='.length + indent)},\n${' '.repeat(indent)}values=${partToString(parts.values, 'values='.length + indent)}`;
  // PyTorch's _add_suffixes: the first suffix on a new line, the others wrapped at the line width.
  let lineLength = 0;
  suffixes.forEach((suffix, i) => {
    if (i === 0 || lineLength + suffix.length + 2 > 80) {
      text += `,\n${' '.repeat(indent)}${suffix}`;
      lineLength = indent + suffix.length;
    } else {
      text += `, ${suffix}`;
      lineLength += suffix.length + 2;
    }
  });
  return `${text})`;
}

/** `repr(t)`. */
export function tensorToString(t: Tensor): string {
  if (t._sparse !== null) return sparseToString(t);
  const gradFn = t.gradFn;
  return formatTensor(printableValues(t), t._shape, t.dtype, {
    defaultDtype: getDefaultDtype(),
    requiresGrad: gradFn === null && t.requiresGrad,
    gradFn: gradFn === null ? undefined : gradFn.name,
    device: t.device,
  });
}

declare module '../tensor.js' {
  interface Tensor {
    /** PyTorch's `repr`: `tensor([1., 2.])`. */
    toString(): string;
    /**
     * `JSON.stringify` gives the repr string. Serialisers that walk objects (test runners reporting a failed
     * assertion, structured clone helpers) use it instead of reading every getter: `x.T` makes a new tensor each
     * time, so walking getters would never end.
     */
    toJSON(): string;
  }
}

Tensor.prototype.toString = function () {
  return tensorToString(this);
};
Tensor.prototype.toJSON = function () {
  return tensorToString(this);
};
(Tensor.prototype as unknown as Record<symbol, unknown>)[Symbol.for('nodejs.util.inspect.custom')] =
  function (this: Tensor) {
    return tensorToString(this);
  };
