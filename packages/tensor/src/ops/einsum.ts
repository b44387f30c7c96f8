/**
 * `torch.einsum`: Einstein summation over any number of operands, with PyTorch 1.13's semantics and messages.
 *
 * The algorithm is PyTorch's (`at::einsum` in Linear.cpp), so results, dtypes and rounding follow it:
 * 1. Parse the equation into labels per operand (`...` for broadcast dims) and the output labels (explicit after
 *    `->`, or implicitly the ellipsis dims followed by the labels that occur once, uppercase before lowercase).
 * 2. Align every operand to one dim order — output dims first, then the dims to sum — taking diagonals for labels
 *    repeated within an operand and inserting size-1 dims for labels it lacks. Sizes of 1 broadcast.
 * 3. Contract left to right: each pair goes through `sumproductPair`, which sums dims no later operand needs and
 *    turns the product into one `bmm` (permute → reshape → bmm → view → permute). Pairs with nothing to sum are a
 *    broadcasting `mul`, which promotes dtypes; `bmm` needs equal dtypes, as in PyTorch.
 * 4. A single operand just sums its contraction dims (so integer traces come back as int64, like `sum`).
 */

import { scalarTypeName } from '../dtype.js';
import { RuntimeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { emptyTensor } from './helpers.js';
import { bmm } from './matmul.js';
import { sum } from './reduce.js';

/** Number of distinct labels: A–Z then a–z. */
const TOTAL_LABELS = 52;
/** Marker for `...` in a parsed operand. */
const ELLIPSIS = TOTAL_LABELS;

/** Label index in [0, 52): uppercase first, as PyTorch orders implicit outputs. */
function labelIndex(code: number): number {
  return code <= 90 ? code - 65 : code - 97 + 26;
}

function labelChar(index: number): string {
  return String.fromCharCode(index < 26 ? index + 65 : index - 26 + 97);
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * `torch.einsum(equation, ...operands)`: sums the product of the operands' elements over the indices the equation
 * leaves out of the output. Operands may be given as varargs or as one array.
 *
 * ```ts
 * einsum('ij,jk->ik', a, b)        // matrix product
 * einsum('bij,bjk->bik', [x, y])   // batched matrix product
 * einsum('ii', m)                  // trace
 * einsum('...ij->...ji', t)        // batched transpose
 * einsum('i,j', u, v)              // outer product (implicit output 'ij')
 * ```
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const tensors: Tensor[] =
    operands.length === 1 && Array.isArray(operands[0])
      ? (operands[0] as Tensor[]).slice()
      : (operands as Tensor[]);
  if (typeof equation !== 'string')
    throw new TypeError('einsum(): the first argument must be the equation string');
  if (tensors.length === 0) {
    throw new ValueError(
      'einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list',
    );
  }
  for (const t of tensors) {
    if (!(t instanceof Tensor)) throw new TypeError('einsum(): operands must be tensors');
  }
  const plan = planEinsum(equation, tensors);
  // Not dispatched as one op: like PyTorch's CompositeImplicitAutograd einsum, it is differentiated through the
  // views, sums, muls and bmms it is built from.
  return contract(plan, tensors);
}

/** What the parse and size checks produce: how each operand maps onto the aligned dims. */
interface EinsumPlan {
  /** Per operand, the parsed labels (ELLIPSIS for `...`). */
  operandLabels: number[][];
  /** Aligned position of each label (-1 when unused). */
  labelPosition: number[];
  /** Number of aligned dims: output dims first, then contraction dims. */
  alignedRank: number;
  /** Number of output dims. */
  outputRank: number;
  /** Number of dims the ellipsis covers (the most over all operands). */
  ellipsisRank: number;
  /** Aligned position of the first ellipsis dim. */
  ellipsisPosition: number;
}

function planEinsum(equation: string, operands: readonly Tensor[]): EinsumPlan {
  const operandCount = operands.length;
  const arrow = equation.indexOf('->');
  const lhs = arrow < 0 ? equation : equation.slice(0, arrow);
  const operandLabels: number[][] = Array.from({ length: operandCount }, () => []);
  let foundEllipsis = false;
  let current = 0;
  for (let i = 0; i < lhs.length; i++) {
    const character = lhs[i]!;
    if (character === ' ') continue;
    if (character === '.') {
      if (foundEllipsis) {
        throw new RuntimeError(
          `einsum(): found '.' for operand ${current} for which an ellipsis was already found`,
        );
      }
      if (!(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.')) {
        throw new RuntimeError(`einsum(): found '.' for operand ${current} that is not part of any ellipsis`);
      }
      operandLabels[current]!.push(ELLIPSIS);
      foundEllipsis = true;
    } else if (character === ',') {
      current++;
      if (current >= operandCount) {
        throw new RuntimeError('einsum(): fewer operands were provided than specified in the equation');
      }
      foundEllipsis = false;
    } else {
      const code = lhs.charCodeAt(i);
      if (!isLetter(code)) {
        throw new RuntimeError(
          `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`,
        );
      }
      operandLabels[current]!.push(labelIndex(code));
    }
  }
  if (current !== operandCount - 1) {
    throw new RuntimeError('einsum(): more operands were provided than specified in the equation');
  }

  // Label counts (repeats within an operand count too: 'ii' sums the diagonal) and the ellipsis width.
  const labelCount = new Array<number>(TOTAL_LABELS).fill(0);
  let ellipsisRank = 0;
  for (let i = 0; i < operandCount; i++) {
    const ndim = operands[i]!.dim();
    let labelTotal = operandLabels[i]!.length;
    let hasEllipsis = false;
    for (const label of operandLabels[i]!) {
      if (label === ELLIPSIS) {
        labelTotal--;
        hasEllipsis = true;
      } else {
        labelCount[label]!++;
      }
    }
    if (hasEllipsis) ellipsisRank = Math.max(ellipsisRank, ndim - labelTotal);
    if (hasEllipsis ? labelTotal > ndim : labelTotal !== ndim) {
      throw new RuntimeError(
        `einsum(): the number of subscripts in the equation (${labelTotal}) ${hasEllipsis ? 'is more than' : 'does not match'} the number of dimensions (${ndim}) for operand ${i}${hasEllipsis ? '' : ' and no ellipsis was given'}`,
      );
    }
  }

  const labelPosition = new Array<number>(TOTAL_LABELS).fill(-1);
  let position = 0;
  let ellipsisPosition = 0;
  let outputHasEllipsis = false;
  if (arrow < 0) {
    // Implicit output: the ellipsis dims, then every label that occurs exactly once, in label order.
    position = ellipsisRank;
    outputHasEllipsis = true;
    for (let label = 0; label < TOTAL_LABELS; label++)
      if (labelCount[label] === 1) labelPosition[label] = position++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const character = rhs[i]!;
      if (character === ' ') continue;
      if (character === '.') {
        if (outputHasEllipsis) {
          throw new RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found");
        }
        if (!(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.')) {
          throw new RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)");
        }
        ellipsisPosition = position;
        position += ellipsisRank;
        outputHasEllipsis = true;
        continue;
      }
      const code = rhs.charCodeAt(i);
      if (!isLetter(code)) {
        throw new RuntimeError(
          `einsum(): invalid subscript given at index ${lhs.length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`,
        );
      }
      const label = labelIndex(code);
      if (!(labelCount[label]! > 0 && labelPosition[label] === -1)) {
        throw new RuntimeError(
          `einsum(): output subscript ${character}${labelPosition[label]! > -1 ? ' appears more than once in the output' : ' does not appear in the equation for any input operand'}`,
        );
      }
      labelPosition[label] = position++;
    }
  }
  const outputRank = position;
  // Ellipsis dims missing from an explicit output are summed.
  if (!outputHasEllipsis) {
    ellipsisPosition = position;
    position += ellipsisRank;
  }
  for (let label = 0; label < TOTAL_LABELS; label++) {
    if (labelCount[label]! > 0 && labelPosition[label] === -1) labelPosition[label] = position++;
  }
  return { operandLabels, labelPosition, alignedRank: position, outputRank, ellipsisRank, ellipsisPosition };
}

function contract(plan: EinsumPlan, operands: readonly Tensor[]): Tensor {
  const { operandLabels, labelPosition, alignedRank, outputRank, ellipsisRank, ellipsisPosition } = plan;
  const labelSize = new Array<number>(TOTAL_LABELS).fill(1);
  const ellipsisSizes = new Array<number>(ellipsisRank).fill(1);
  // How many operands have a non-1 size at each aligned dim: a dim is summed once only one holder is left.
  const dimCounts = new Array<number>(alignedRank).fill(0);
  const aligned: Tensor[] = [];
  let hasZeroSize = false;

  for (let i = 0; i < operands.length; i++) {
    let op = operands[i]!;
    const labels = operandLabels[i]!;
    const permutation = new Array<number>(alignedRank).fill(-1);
    let dim = 0;
    for (const label of labels) {
      if (label === ELLIPSIS) {
        const covered = operands[i]!.dim() - (labels.length - 1);
        for (let j = ellipsisRank - covered; j < ellipsisRank; j++) {
          const size = op._shape[dim]!;
          if (size !== 1) {
            if (ellipsisSizes[j] !== 1 && ellipsisSizes[j] !== size) {
              throw new RuntimeError(
                `einsum(): dimension ${dim} covered by ellipsis in operand ${i}has size ${size} which does not broadcast with previously seen ellipsis with size ${ellipsisSizes[j]} for the respective dimension`,
              );
            }
            ellipsisSizes[j] = size;
            dimCounts[ellipsisPosition + j]!++;
          }
          permutation[ellipsisPosition + j] = dim++;
        }
      } else if (permutation[labelPosition[label]!] === -1) {
        const size = op._shape[dim]!;
        if (size !== 1) {
          if (labelSize[label] !== 1 && labelSize[label] !== size) {
            throw new RuntimeError(
              `einsum(): subscript ${labelChar(label)} has size ${size} for operand ${i} which does not broadcast with previously seen size ${labelSize[label]}`,
            );
          }
          labelSize[label] = size;
          dimCounts[labelPosition[label]!]!++;
        }
        permutation[labelPosition[label]!] = dim++;
      } else {
        // A repeated label: keep only the diagonal, in the first occurrence's place.
        const previous = permutation[labelPosition[label]!]!;
        if (op._shape[dim] !== op._shape[previous]) {
          throw new RuntimeError(
            `einsum(): subscript ${labelChar(label)} is repeated for operand ${i} but the sizes don't match, ${op._shape[dim]} != ${op._shape[previous]}`,
          );
        }
        op = op.diagonal(0, previous, dim).movedim(-1, previous);
      }
    }
    for (let p = 0; p < alignedRank; p++) {
      if (permutation[p] === -1) {
        op = op.unsqueeze(dim);
        permutation[p] = dim++;
      }
    }
    const permuted = op.permute(permutation);
    if (permuted.numel() === 0) hasZeroSize = true;
    aligned.push(permuted);
  }

  if (hasZeroSize) {
    // Nothing to multiply: zeros of the output shape (the first non-1 size of each output dim).
    const shape: number[] = [];
    for (let d = 0; d < outputRank; d++) {
      let size = 1;
      for (const op of aligned) {
        if (op._shape[d] !== 1) {
          size = op._shape[d]!;
          break;
        }
      }
      shape.push(size);
    }
    return emptyTensor(shape, aligned[0]!.dtype, aligned[0]!.device);
  }

  if (aligned.length === 1) {
    const op = aligned[0]!;
    if (alignedRank === outputRank) return op;
    const sumDims: number[] = [];
    for (let d = outputRank; d < alignedRank; d++) sumDims.push(d);
    return sum(op, sumDims);
  }

  // Left to right: the product of the first two replaces them at the front.
  while (aligned.length > 1) {
    let a = aligned.shift()!;
    let b = aligned.shift()!;
    const sumDims: number[] = [];
    const aOnly: number[] = [];
    const bOnly: number[] = [];
    for (let d = outputRank; d < alignedRank; d++) {
      const inA = a._shape[d] !== 1;
      const inB = b._shape[d] !== 1;
      if (inA && inB) {
        if (--dimCounts[d]! === 1) {
          sumDims.push(d);
          dimCounts[d] = 0;
        }
      } else if (dimCounts[d] === 1) {
        if (inA) {
          aOnly.push(d);
          dimCounts[d] = 0;
        } else if (inB) {
          bOnly.push(d);
          dimCounts[d] = 0;
        }
      }
    }
    if (aOnly.length > 0) a = sum(a, aOnly, true);
    if (bOnly.length > 0) b = sum(b, bOnly, true);
    aligned.unshift(sumproductPair(a, b, sumDims));
  }
  const result = aligned[0]!;
  // Every contraction dim is now of size 1.
  return alignedRank > outputRank ? result.view(result._shape.slice(0, outputRank)) : result;
}

/**
 * Σ over `sumDims` of left·right for two aligned operands (same rank, sizes equal or 1), keeping the summed dims as
 * size 1. Dims are sorted into batch (in both), left-only, summed and right-only groups so one `bmm` of
 * [batch, leftOnly, summed] × [batch, summed, rightOnly] does the work.
 */
function sumproductPair(left: Tensor, right: Tensor, sumDims: readonly number[]): Tensor {
  if (sumDims.length === 0) return mul(left, right);
  const ndim = left.dim();
  const isSummed = new Array<boolean>(ndim).fill(false);
  for (const d of sumDims) isSummed[d] = true;
  const both: number[] = [];
  const leftOnly: number[] = [];
  const rightOnly: number[] = [];
  let bothSize = 1;
  let leftSize = 1;
  let rightSize = 1;
  let sumSize = 1;
  for (let d = 0; d < ndim; d++) {
    const inLeft = left._shape[d] !== 1;
    const inRight = right._shape[d] !== 1;
    if (isSummed[d]) {
      if (inLeft && inRight) sumSize *= left._shape[d]!;
      else if (inLeft) left = sum(left, d, true);
      else if (inRight) right = sum(right, d, true);
    } else if (inLeft && inRight) {
      both.push(d);
      bothSize *= left._shape[d]!;
    } else if (inLeft) {
      leftOnly.push(d);
      leftSize *= left._shape[d]!;
    } else {
      rightOnly.push(d);
      rightSize *= right._shape[d]!;
    }
  }
  if (left.dtype !== right.dtype) {
    throw new RuntimeError(
      `expected scalar type ${scalarTypeName(left.dtype)} but found ${scalarTypeName(right.dtype)}`,
    );
  }
  const outShape = [
    ...both.map((d) => left._shape[d]!),
    ...leftOnly.map((d) => left._shape[d]!),
    ...sumDims.map(() => 1),
    ...rightOnly.map((d) => right._shape[d]!),
  ];
  const leftPermutation = [...both, ...leftOnly, ...sumDims, ...rightOnly];
  const rightPermutation = [...both, ...sumDims, ...rightOnly, ...leftOnly];
  const outPermutation = new Array<number>(ndim);
  leftPermutation.forEach((d, i) => {
    outPermutation[d] = i;
  });
  const left3 = left.permute(leftPermutation).reshape(bothSize, leftSize, sumSize);
  const right3 = right.permute(rightPermutation).reshape(bothSize, sumSize, rightSize);
  return bmm(left3, right3).view(outShape).permute(outPermutation);
}
