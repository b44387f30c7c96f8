/**
 * An identity whose backward multiplies the gradient by a fixed tensor: used to zero the gradient of padding rows
 * (`paddingIdx`) and to scale gradients by inverse frequency (`scaleGradByFreq`) without touching the forward value.
 */
import { Function as AutogradFunction, type FunctionCtx } from '@proj/autograd';
import type { Tensor } from '@proj/tensor';

/** `ScaleGrad.apply(x, scale)`: returns `x`; its gradient is `grad * scale`. */
export class ScaleGrad extends AutogradFunction {
  static override forward(ctx: FunctionCtx, input: Tensor, scale: Tensor): Tensor {
    ctx.scale = scale;
    return input;
  }

  static override backward(ctx: FunctionCtx, grad: Tensor): (Tensor | null)[] {
    return [grad.mul(ctx.scale as Tensor), null];
  }
}
