/** Shared by the trajectory tests: steps an optimizer through recorded gradients and compares with PyTorch. */
import type * as torch from '@proj/tensor';
import type { Optimizer } from './index.js';

/** Relative to each parameter tensor's largest magnitude at that step (see `expectTrajectory`). */
export const TOLERANCE = { float32: 1e-6, float64: 1e-12 };

/**
 * For each step: sets every parameter's gradient with `setGrad(step, k)`, steps, and checks each element against
 * PyTorch's trajectory relative to the tensor's scale at that step, so that an element crossing zero is judged
 * against the values around it rather than its own near-zero value. Throws on the first element out of tolerance.
 */
export function expectTrajectory(
  optimizer: Optimizer<any>,
  params: torch.Tensor[],
  trajectory: number[][][],
  rtol: number,
  setGrad: (param: torch.Tensor, step: number, k: number) => void,
): number {
  let worst = 0;
  trajectory.forEach((want, step) => {
    for (let k = 0; k < params.length; k++) setGrad(params[k]!, step, k);
    optimizer.step();
    params.forEach((p, k) => {
      const got = p.detach().reshape(-1).tolist() as number[];
      const expected = want[k]!;
      const scale = Math.max(...expected.map(Math.abs), 1e-30);
      for (let e = 0; e < expected.length; e++) {
        const error = Math.abs(got[e]! - expected[e]!) / (rtol * scale);
        worst = Math.max(worst, error);
        if (!(error <= 1)) {
          throw new Error(
            `step ${step + 1}, param ${k}, element ${e}: got ${got[e]}, PyTorch ${expected[e]}`,
          );
        }
      }
    });
  });
  return worst;
}
