/** `F.linear`, `F.bilinear`, `F.identity`-style helpers. */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

/**
 * `F.linear(input, weight, bias=None)`: `input @ weight.T + bias` over the last dim of `input` (any leading dims).
 * A shape mismatch fails with PyTorch's `mat1 and mat2 shapes cannot be multiplied (AxB and CxD)`.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (input.dim() === 2 && weight.dim() === 2) {
    return bias !== undefined && bias !== null ? torch.addmm(bias, input, weight.t()) : input.mm(weight.t());
  }
  if (input.dim() > 2 && weight.dim() === 2) {
    const leading = input.shape.slice(0, -1);
    const flat = input.reshape(-1, input.size(-1));
    const out =
      bias !== undefined && bias !== null ? torch.addmm(bias, flat, weight.t()) : flat.mm(weight.t());
    return out.reshape([...leading, weight.size(0)]);
  }
  const out = input.matmul(weight.t());
  return bias !== undefined && bias !== null ? out.add(bias) : out;
}

/**
 * `F.bilinear(input1, input2, weight, bias=None)`: `y_k = x1ᵀ W_k x2 + b_k` with `weight` of shape
 * `[out, in1, in2]`, over any leading dims.
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (input1.dim() !== input2.dim()) {
    throw new torch.RuntimeError(
      `bilinear(): input dimensions do not match: got ${input1.dim()} and ${input2.dim()}`,
    );
  }
  if (input1.size(-1) !== weight.size(1)) {
    throw new torch.RuntimeError(
      `bilinear(): input1 size does not match weight size: got ${input1.size(-1)} but expected ${weight.size(1)}`,
    );
  }
  if (input2.size(-1) !== weight.size(2)) {
    throw new torch.RuntimeError(
      `bilinear(): input2 size does not match weight size: got ${input2.size(-1)} but expected ${weight.size(2)}`,
    );
  }
  const out = torch.einsum('...i,kij,...j->...k', input1, weight, input2);
  return bias !== undefined && bias !== null ? out.add(bias) : out;
}
