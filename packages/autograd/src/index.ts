/**
 * @proj/autograd: PyTorch's dynamic autograd for @proj/tensor. Importing this package installs the engine into
 * @proj/tensor's dispatch point; from then on ops on tensors that require grad build a graph.
 *
 * ```ts
 * import * as torch from '@proj/tensor';
 * import * as autograd from '@proj/autograd';
 * const x = torch.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad; // tensor([2., 4., 6.], dtype=torch.float64)
 * ```
 */
import { install } from './api.js';
import './formulas/elementwise.js';
import './formulas/matmul.js';
import './formulas/reduce.js';
import './formulas/views.js';

install();

export { detectAnomaly, isAnomalyEnabled, setDetectAnomaly } from './anomaly.js';
export { type BackwardOptions, backward, type GradOptions, grad } from './api.js';
export { type CheckpointOptions, checkpoint, checkpointWithOptions } from './checkpoint.js';
export { defineFormulas, type Formula, type FormulaContext, formulaFor, formulaNames } from './formula.js';
export { Function, FunctionBackward, FunctionCtx } from './function.js';
export * as functional from './functional.js';
export {
  enableGrad,
  inferenceMode,
  isGradEnabled,
  isInferenceModeEnabled,
  type ModeGuard,
  noGrad,
  setGradEnabled,
} from './grad-mode.js';
export { GradcheckError, type GradcheckOptions, gradcheck, gradgradcheck } from './gradcheck.js';
export { AccumulateGrad } from './graph.js';
export { type Edge, Node, type RemovableHandle } from './node.js';
export { sumToShape } from './sum-to-shape.js';

import './formulas/join.js';
import './formulas/linalg.js';
import './formulas/indexing.js';
import './formulas/sort.js';
