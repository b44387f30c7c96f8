/**
 * `torch.nn.utils.rnn`: packed sequences (`PackedSequence`, `packPaddedSequence`, `padPackedSequence`,
 * `packSequence`) and `padSequence`, with PyTorch 1.13's layout: `data` holds the time steps one after another, each
 * with the sequences still running at that step (longest first), and `batchSizes` counts them per step.
 *
 * Every operation is built from differentiable tensor ops (narrow, cat, stack, indexSelect), so gradients flow from
 * the packed data back to the padded input and the other way round, as with PyTorch's dedicated kernels.
 */
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';

/**
 * PyTorch's `PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)`: `batchSizes` is an int64 CPU
 * tensor; `sortedIndices` maps sorted positions to the original batch positions (null when the input was sorted) and
 * `unsortedIndices` is its inverse permutation.
 */
export class PackedSequence {
  /** The packed time steps, `[sum(lengths), *]`. */
  readonly data: Tensor;
  /** How many sequences are still running at each time step (int64). */
  readonly batchSizes: Tensor;
  /** The permutation that sorted the batch by decreasing length, or null. */
  readonly sortedIndices: Tensor | null;
  /** The inverse of `sortedIndices`, or null. */
  readonly unsortedIndices: Tensor | null;

  constructor(
    data: Tensor,
    batchSizes: Tensor,
    sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices;
    // PyTorch's `_packed_sequence_init_args`: the inverse permutation is derived when only the forward one is given.
    this.unsortedIndices =
      unsortedIndices ?? (sortedIndices === null ? null : invertPermutation(sortedIndices));
  }
}

/** The inverse of a permutation (PyTorch's `invert_permutation`). */
function invertPermutation(permutation: Tensor): Tensor {
  const forward = (permutation.tolist() as number[]).map(Number);
  const inverse = new Array<number>(forward.length);
  forward.forEach((target, position) => {
    inverse[target] = position;
  });
  return torch.tensor(inverse, { dtype: 'int64', device: permutation.device });
}

function lengthsToArray(lengths: Tensor | readonly number[]): number[] {
  const values = lengths instanceof torch.Tensor ? (lengths.tolist() as number[]) : [...lengths];
  return values.map(Number);
}

/**
 * `pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True)`: packs a padded batch
 * (`[T, B, *]`, or `[B, T, *]` with `batchFirst`). With `enforceSorted: false` the batch is first sorted by
 * decreasing length (PyTorch's sort, ties included) and the permutation is kept in the result.
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  options?: { batchFirst?: boolean; enforceSorted?: boolean },
): PackedSequence {
  const batchFirst = options?.batchFirst ?? false;
  const enforceSorted = options?.enforceSorted ?? true;
  let lengthValues = lengthsToArray(lengths);
  let sortedIndices: Tensor | null = null;
  let timeMajor = input;
  const batchDim = batchFirst ? 0 : 1;
  if (enforceSorted) {
    for (let i = 1; i < lengthValues.length; i++) {
      if (lengthValues[i]! > lengthValues[i - 1]!) {
        throw new torch.RuntimeError(
          '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.',
        );
      }
    }
  } else {
    const sorted = torch.sort(torch.tensor(lengthValues, { dtype: 'int64' }), 0, true);
    sortedIndices = sorted.indices.to(input.device);
    lengthValues = (sorted.values.tolist() as number[]).map(Number);
    timeMajor = timeMajor.indexSelect(batchDim, sortedIndices);
  }
  if (lengthValues.some((length) => length <= 0)) {
    throw new torch.RuntimeError(
      "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
    );
  }
  if (batchFirst) timeMajor = timeMajor.transpose(0, 1);
  const batchSize = timeMajor.size(1);
  if (lengthValues.length !== batchSize) {
    throw new torch.RuntimeError(
      `Expected \`len(lengths)\` to be equal to batch_size, but got ${lengthValues.length} (batch_size=${batchSize})`,
    );
  }
  const maxLength = lengthValues[0] ?? 0;
  if (maxLength > timeMajor.size(0)) {
    throw new torch.RuntimeError(
      `Expected \`lengths\` to be at most the length of the input sequence, but got ${maxLength} (input length ${timeMajor.size(0)})`,
    );
  }
  const steps: Tensor[] = [];
  const batchSizes: number[] = [];
  for (let t = 0; t < maxLength; t++) {
    let running = 0;
    while (running < lengthValues.length && lengthValues[running]! > t) running++;
    batchSizes.push(running);
    steps.push(timeMajor.select(0, t).narrow(0, 0, running));
  }
  return new PackedSequence(
    torch.cat(steps, 0),
    torch.tensor(batchSizes, { dtype: 'int64' }),
    sortedIndices,
    null,
  );
}

/**
 * `pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None)`: the inverse of
 * `packPaddedSequence`; returns `[padded, lengths]` in the original batch order (lengths as an int64 tensor).
 */
export function padPackedSequence(
  sequence: PackedSequence,
  options?: { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null },
): [Tensor, Tensor] {
  const batchFirst = options?.batchFirst ?? false;
  const paddingValue = options?.paddingValue ?? 0;
  const batchSizes = (sequence.batchSizes.tolist() as number[]).map(Number);
  const maxSequenceLength = batchSizes.length;
  let totalLength = maxSequenceLength;
  const requested = options?.totalLength;
  if (requested !== undefined && requested !== null) {
    if (requested < maxSequenceLength) {
      throw new torch.ValueError(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${requested} and max sequence length being ${maxSequenceLength}`,
      );
    }
    totalLength = requested;
  }
  const data = sequence.data;
  const batchSize = batchSizes[0] ?? 0;
  const featureShape = data.shape.slice(1);
  const fillOptions = { dtype: data.dtype, device: data.device };
  const steps: Tensor[] = [];
  let offset = 0;
  for (const running of batchSizes) {
    const step = data.narrow(0, offset, running);
    offset += running;
    steps.push(
      running === batchSize
        ? step
        : torch.cat([step, torch.full([batchSize - running, ...featureShape], paddingValue, fillOptions)], 0),
    );
  }
  for (let t = maxSequenceLength; t < totalLength; t++) {
    steps.push(torch.full([batchSize, ...featureShape], paddingValue, fillOptions));
  }
  let padded = torch.stack(steps, 0);
  // Length of sequence b: the number of steps at which it is still running.
  const lengths = new Array<number>(batchSize).fill(0);
  for (const running of batchSizes) for (let b = 0; b < running; b++) lengths[b]! += 1;
  let lengthTensor = torch.tensor(lengths, { dtype: 'int64' });
  if (batchFirst) padded = padded.transpose(0, 1);
  if (sequence.unsortedIndices !== null) {
    padded = padded.indexSelect(batchFirst ? 0 : 1, sequence.unsortedIndices);
    lengthTensor = lengthTensor.indexSelect(0, sequence.unsortedIndices.to('cpu'));
  }
  return [padded, lengthTensor];
}

/**
 * `pad_sequence(sequences, batch_first=False, padding_value=0.0)`: stacks sequences of different lengths (`[L_i, *]`)
 * into `[T, B, *]` (or `[B, T, *]`), padding with `paddingValue` on the right (`paddingSide: 'left'` pads before
 * each sequence instead, as later PyTorch versions do).
 */
export function padSequence(
  sequences: readonly Tensor[],
  options?: { batchFirst?: boolean; paddingValue?: number; paddingSide?: 'right' | 'left' },
): Tensor {
  const batchFirst = options?.batchFirst ?? false;
  const paddingValue = options?.paddingValue ?? 0;
  const paddingSide = options?.paddingSide ?? 'right';
  if (paddingSide !== 'right' && paddingSide !== 'left') {
    throw new torch.ValueError(
      `Expected padding_side to be one of left or right, but got ${String(paddingSide)}.`,
    );
  }
  if (sequences.length === 0) throw new torch.RuntimeError('received an empty list of sequences');
  const maxLength = Math.max(...sequences.map((s) => s.size(0)));
  const padded = sequences.map((sequence) => {
    const missing = maxLength - sequence.size(0);
    if (missing === 0) return sequence;
    const padding = torch.full([missing, ...sequence.shape.slice(1)], paddingValue, {
      dtype: sequence.dtype,
      device: sequence.device,
    });
    return torch.cat(paddingSide === 'right' ? [sequence, padding] : [padding, sequence], 0);
  });
  return torch.stack(padded, batchFirst ? 0 : 1);
}

/**
 * `pack_sequence(sequences, enforce_sorted=True)`: `packPaddedSequence(padSequence(sequences), lengths)` for a list
 * of sequences `[L_i, *]`.
 */
export function packSequence(
  sequences: readonly Tensor[],
  options?: { enforceSorted?: boolean },
): PackedSequence {
  const lengths = sequences.map((s) => s.size(0));
  return packPaddedSequence(padSequence(sequences), lengths, {
    enforceSorted: options?.enforceSorted ?? true,
  });
}
