/**
 * The backward engine: runs graph nodes in dependency order from the roots, summing gradients that meet at a node,
 * and either accumulates into leaves' `.grad` (`backward`) or captures the gradients of chosen tensors (`grad`).
 */
import { isFloatingPoint, onesLike, RuntimeError, type Tensor } from '@proj/tensor';
import { isAnomalyEnabled } from './anomaly.js';
import { noGrad, setGradEnabled } from './grad-mode.js';
import { AccumulateGrad, accumulateGradOf, edgeOf } from './graph.js';
import type { Node } from './node.js';

/** Options shared by `backward` and `grad`. */
export interface EngineOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
  /** `grad` mode: capture gradients of these tensors instead of accumulating into `.grad`. */
  capture?: readonly Tensor[];
  /** `backward(inputs=...)`: accumulate only into these tensors. */
  accumulateOnly?: readonly Tensor[];
  allowUnused?: boolean;
  materializeGrads?: boolean;
}

function shapeString(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** Validates or creates the gradient for each root, with PyTorch's messages. */
function rootGrads(roots: readonly Tensor[], grads: readonly (Tensor | null | undefined)[]): Tensor[] {
  return roots.map((root, i) => {
    const grad = grads[i] ?? null;
    if (grad === null) {
      if (root.numel() !== 1)
        throw new RuntimeError('grad can be implicitly created only for scalar outputs');
      return onesLike(root);
    }
    const a = grad.shape;
    const b = root.shape;
    if (a.length !== b.length || a.some((d, j) => d !== b[j])) {
      throw new RuntimeError(
        `Mismatch in shape: grad_output[${i}] has a shape of ${shapeString(a)} and output[${i}] has a shape of ${shapeString(b)}.`,
      );
    }
    // PyTorch accepts a real gradient of another dtype and casts it to the output's dtype (validate_outputs).
    return grad.dtype === root.dtype ? grad : grad.to(root.dtype);
  });
}

/** Sums two gradients meeting at a node input; a sparse and a dense gradient sum to a dense one. */
function add(a: Tensor | null, b: Tensor): Tensor {
  if (a === null) return b;
  return a.isSparse && !b.isSparse ? b.add(a) : a.add(b);
}

/**
 * Runs backward from `roots` with `grads`. Returns the captured gradients in `capture` mode (else an empty array).
 */
export function runEngine(
  roots: readonly Tensor[],
  grads: readonly (Tensor | null | undefined)[],
  options: EngineOptions,
): (Tensor | null)[] {
  roots.forEach((root, i) => {
    if (!root.requiresGrad) {
      throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
  });
  const initial = rootGrads(roots, grads);
  const retainGraph = options.retainGraph ?? options.createGraph ?? false;
  const createGraph = options.createGraph ?? false;

  // Capture targets: a leaf is captured at its AccumulateGrad node, a non-leaf at (grad_fn, output_nr).
  const capture = options.capture ?? null;
  const captured: (Tensor | null)[] = capture === null ? [] : capture.map(() => null);
  const leafTargets = new Map<Node, number[]>();
  const nonLeafTargets = new Map<Node, [number, number][]>(); // node -> [outputNr, capture index]
  const targets = capture ?? options.accumulateOnly ?? null;
  if (targets !== null) {
    targets.forEach((t, index) => {
      if (!t.requiresGrad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
      const [fn, nr] = edgeOf(t);
      if (fn === null) return;
      if (fn instanceof AccumulateGrad) leafTargets.set(fn, [...(leafTargets.get(fn) ?? []), index]);
      else nonLeafTargets.set(fn, [...(nonLeafTargets.get(fn) ?? []), [nr, index]]);
    });
  }

  // Dependencies: how many edges point at each node, counted over the nodes reachable from the roots.
  const rootEdges = roots.map(edgeOf);
  const dependencies = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  for (const [fn] of rootEdges) {
    if (fn !== null && !seen.has(fn)) {
      seen.add(fn);
      stack.push(fn);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const [next] of node.nextFunctions) {
      if (next === null) continue;
      dependencies.set(next, (dependencies.get(next) ?? 0) + 1);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }

  // With targets, only nodes from which a target is reachable need to run.
  let needed: Set<Node> | null = null;
  if (targets !== null) {
    needed = new Set();
    const memo = new Map<Node, boolean>();
    const reaches = (node: Node): boolean => {
      const known = memo.get(node);
      if (known !== undefined) return known;
      memo.set(node, false);
      let result = leafTargets.has(node) || nonLeafTargets.has(node);
      for (const [next] of node.nextFunctions) if (next !== null && reaches(next)) result = true;
      memo.set(node, result);
      if (result) needed!.add(node);
      return result;
    };
    for (const node of seen) reaches(node);
  }

  const buffers = new Map<Node, (Tensor | null)[]>();
  const bufferOf = (node: Node): (Tensor | null)[] => {
    let buffer = buffers.get(node);
    if (buffer === undefined) {
      buffer = new Array<Tensor | null>(Math.max(1, node.numOutputs)).fill(null);
      buffers.set(node, buffer);
    }
    return buffer;
  };
  const ready: Node[] = [];
  const pushReady = (node: Node) => {
    // Highest sequence number first: the most recently created node runs first when several are ready.
    let i = ready.length;
    ready.push(node);
    while (i > 0 && ready[i - 1]!.sequenceNr > node.sequenceNr) {
      ready[i] = ready[i - 1]!;
      i--;
    }
    ready[i] = node;
  };
  rootEdges.forEach(([fn, nr], i) => {
    if (fn === null) return;
    const buffer = bufferOf(fn);
    buffer[nr] = add(buffer[nr] ?? null, initial[i]!);
  });
  for (const [fn] of rootEdges)
    if (fn !== null && (dependencies.get(fn) ?? 0) === 0 && !ready.includes(fn)) pushReady(fn);

  const guard = setGradEnabled(createGraph);
  try {
    while (ready.length > 0) {
      const node = ready.pop()!;
      let gradOutputs = buffers.get(node) ?? new Array<Tensor | null>(node.numOutputs).fill(null);
      buffers.delete(node);
      gradOutputs = runTensorPreHooks(node, gradOutputs);
      for (const hook of node.preHooks) {
        const replaced = hook(gradOutputs.slice());
        if (replaced) gradOutputs = replaced;
      }
      const nonLeaf = nonLeafTargets.get(node);
      if (nonLeaf !== undefined) {
        for (const [nr, index] of nonLeaf) {
          const g = gradOutputs[nr] ?? null;
          if (capture !== null) captured[index] = g;
          else if (g !== null) accumulateInto(targets![index]!, g, createGraph);
        }
      }

      if (node instanceof AccumulateGrad) {
        const indices = leafTargets.get(node);
        if (capture !== null) {
          if (indices !== undefined) for (const index of indices) captured[index] = gradOutputs[0] ?? null;
        } else if (needed === null || indices !== undefined) {
          accumulate(node, gradOutputs[0] ?? null, createGraph);
        }
        continue;
      }
      if (needed !== null && !needed.has(node)) continue;

      const gradInputs = node.apply(gradOutputs);
      if (isAnomalyEnabled()) checkAnomaly(node, gradInputs);
      for (const hook of node.hooks) {
        const replaced = hook(gradInputs.slice(), gradOutputs);
        if (replaced) for (let i = 0; i < replaced.length; i++) gradInputs[i] = replaced[i] ?? null;
      }
      if (!retainGraph) node.release();
      node.nextFunctions.forEach(([next, nr], i) => {
        if (next === null) return;
        const g = gradInputs[i] ?? null;
        if (g !== null) {
          const buffer = bufferOf(next);
          buffer[nr] = add(buffer[nr] ?? null, g);
        }
        const remaining = (dependencies.get(next) ?? 1) - 1;
        dependencies.set(next, remaining);
        if (remaining === 0) pushReady(next);
      });
    }
  } finally {
    guard.restore();
  }

  if (capture !== null) {
    capture.forEach((t, i) => {
      if (captured[i] !== null) return;
      if (options.materializeGrads) captured[i] = noGrad(() => onesLike(t).mul(0));
      else if (!options.allowUnused) {
        throw new RuntimeError(
          'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
        );
      }
    });
  }
  return captured;
}

/** Runs `registerHook` hooks and `retainGrad` captures attached to a node's outputs. */
function runTensorPreHooks(node: Node, gradOutputs: (Tensor | null)[]): (Tensor | null)[] {
  if (node.tensorPreHooks.size === 0) return gradOutputs;
  const out = gradOutputs.slice();
  for (const [nr, hooks] of node.tensorPreHooks) {
    for (const hook of hooks) {
      const g = out[nr];
      if (g === null || g === undefined) continue;
      const replaced = hook(g);
      if (replaced) out[nr] = replaced;
    }
  }
  return out;
}

/** AccumulateGrad: hooks, then `.grad += grad` (a fresh tensor the first time), then post-accumulate hooks. */
function accumulate(node: AccumulateGrad, incoming: Tensor | null, createGraph: boolean): void {
  if (incoming === null) return;
  accumulateInto(node.variable, incoming, createGraph);
}

function accumulateInto(variable: Tensor, incoming: Tensor, createGraph: boolean): void {
  const meta = variable._meta();
  let grad = incoming;
  const leaf = variable.isLeaf;
  for (const hook of leaf ? meta.hooks : []) {
    const replaced = hook(grad);
    if (replaced) grad = replaced;
  }
  const previous = meta.grad;
  if (previous === null) {
    meta.grad = createGraph ? grad.clone() : noGrad(() => grad.detach().clone());
  } else if (previous.isSparse && !grad.isSparse) {
    // A dense gradient arriving on a sparse `.grad`: the sum is dense, so `.grad` becomes a new tensor (PyTorch too).
    meta.grad = createGraph ? grad.add(previous) : noGrad(() => grad.detach().add(previous));
  } else if (createGraph) {
    meta.grad = previous.add(grad);
  } else {
    noGrad(() => previous.add_(grad.detach()));
  }
  for (const hook of meta.postAccumulateGradHooks) hook(variable);
}

function checkAnomaly(node: Node, gradInputs: readonly (Tensor | null)[]): void {
  gradInputs.forEach((g, i) => {
    if (g === null || !isFloatingPoint(g.dtype)) return;
    const values = g.isSparse ? g._values() : g;
    if (noGrad(() => values.isnan().any().item())) {
      const trace =
        node.traceback === null
          ? ''
          : `\nTraceback of forward call that caused the error:\n${node.traceback}`;
      throw new RuntimeError(`Function '${node.name}' returned nan values in its ${i}th output.${trace}`);
    }
  });
}

/** Leaves' AccumulateGrad node (re-exported for `nextFunctions` tests). */
export { accumulateGradOf };
