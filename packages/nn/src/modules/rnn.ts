/**
 * Recurrent layers: `RNN`, `LSTM`, `GRU` (multi-layer, bidirectional, `batchFirst`, dropout between layers, LSTM
 * projections, padded batches or `PackedSequence`s) and the single-step cells `RNNCell`, `LSTMCell`, `GRUCell`, plus
 * the cell functions they run (`rnnTanhCell`, `rnnReluCell`, `lstmCell`, `gruCell`, PyTorch's `torch.rnn_tanh_cell`
 * and friends).
 *
 * Parameter names are PyTorch's state-dict keys exactly (`weight_ih_l0`, `bias_hh_l1_reverse`, `weight_hr_l0`), so
 * state dicts move between the two unchanged. The computation follows ATen's `_rnn_impl`: time-major, one layer at
 * a time, both directions of a layer over the layer's whole input, dropout on each layer's output but the last.
 *
 * NOTE [One recurrence for padded and packed input]
 * Like ATen's `PackedLayer`, every input runs as packed data: `data` holds the time steps one after another and
 * `batchSizes[t]` says how many (longest-first) sequences are still running at step t. A padded `[L, N, *]` batch is
 * the special case `data = input.reshape(L * N, *)`, `batchSizes = [N, ..., N]`, so both share one loop. Going
 * forward, the rows of the hidden state whose sequences have ended are set aside as that sequence's final state;
 * going backward, each sequence joins (with its initial state) at its own last step. Only `narrow` and `cat` are
 * used to split and join the state, so autograd differentiates through it as through ATen's kernels.
 */

import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import * as F from '../functional/index.js';
import * as init from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { PackedSequence } from '../utils/rnn.js';
import type { FactoryOptions } from './linear.js';

/** Python's `AssertionError`, raised where PyTorch's Python code asserts on the input. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** PyTorch's `RNN`/`GRU` check, made before `RNNBase`'s own: only `LSTM` takes `proj_size`. */
function rejectProjSize(options: RNNOptions | undefined): void {
  const projSize = (options as { projSize?: number } | undefined)?.projSize ?? 0;
  if (projSize !== 0) {
    throw new torch.ValueError('proj_size argument is only supported for LSTM, not RNN or GRU');
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Cell functions

/** `torch.rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih, b_hh)`: `tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`. */
export function rnnTanhCell(
  input: Tensor,
  hx: Tensor,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh?: Tensor | null,
  biasHh?: Tensor | null,
): Tensor {
  return F.linear(input, weightIh, biasIh)
    .add(F.linear(hx, weightHh, biasHh))
    .tanh();
}

/** `torch.rnn_relu_cell(input, hx, w_ih, w_hh, b_ih, b_hh)`: `relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)`. */
export function rnnReluCell(
  input: Tensor,
  hx: Tensor,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh?: Tensor | null,
  biasHh?: Tensor | null,
): Tensor {
  return F.relu(F.linear(input, weightIh, biasIh).add(F.linear(hx, weightHh, biasHh)));
}

/**
 * `torch.lstm_cell(input, (hx, cx), w_ih, w_hh, b_ih, b_hh)`: one LSTM step with gates in PyTorch's order
 * (input, forget, cell, output); returns `[h', c']`. With `weightHr` (LSTM projections) `h' = (o ⊙ tanh c') W_hrᵀ`.
 */
export function lstmCell(
  input: Tensor,
  hidden: readonly [Tensor, Tensor],
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh?: Tensor | null,
  biasHh?: Tensor | null,
  weightHr?: Tensor | null,
): [Tensor, Tensor] {
  const [hx, cx] = hidden;
  const gates = F.linear(input, weightIh, biasIh).add(F.linear(hx, weightHh, biasHh));
  const [ingate, forgetgate, cellgate, outgate] = gates.chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const cy = forgetgate.sigmoid().mul(cx).add(ingate.sigmoid().mul(cellgate.tanh()));
  let hy = outgate.sigmoid().mul(cy.tanh());
  if (weightHr !== undefined && weightHr !== null) hy = F.linear(hy, weightHr);
  return [hy, cy];
}

/**
 * `torch.gru_cell(input, hx, w_ih, w_hh, b_ih, b_hh)`: one GRU step with gates in PyTorch's order (reset, update,
 * new): `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h' = (1 - z) ⊙ n + z ⊙ h`.
 */
export function gruCell(
  input: Tensor,
  hx: Tensor,
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh?: Tensor | null,
  biasHh?: Tensor | null,
): Tensor {
  const [inputReset, inputUpdate, inputNew] = F.linear(input, weightIh, biasIh).chunk(3, -1) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const [hiddenReset, hiddenUpdate, hiddenNew] = F.linear(hx, weightHh, biasHh).chunk(3, -1) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const resetgate = inputReset.add(hiddenReset).sigmoid();
  const updategate = inputUpdate.add(hiddenUpdate).sigmoid();
  const newgate = inputNew.add(resetgate.mul(hiddenNew)).tanh();
  // (1 - z) n + z h written as n + z (h - n), ATen's form.
  return newgate.add(updategate.mul(hx.sub(newgate)));
}

// ---------------------------------------------------------------------------------------------------------------------
// Multi-layer recurrent layers

/** The recurrence a layer runs. */
export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Options of `RNN`, `LSTM` and `GRU` (PyTorch's keyword arguments). */
export interface RNNOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer but the last, in training mode. */
  dropout?: number;
  bidirectional?: boolean;
}

const GATE_MULTIPLIERS: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The weights of one direction of one layer. */
interface LayerWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  weightHr: Tensor | null;
}

/**
 * Base of `RNN`, `LSTM` and `GRU` (PyTorch's `RNNBase`): registers `weight_ih_l{k}{_reverse}`, `weight_hh_…`,
 * `bias_ih_…`, `bias_hh_…` (and `weight_hr_…` for LSTM projections) in PyTorch's order, all drawn from
 * `U(-1/√hidden, 1/√hidden)`.
 */
export class RNNBase extends Module {
  readonly mode: RNNMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** Parameter names per layer and direction, in PyTorch's `_all_weights` order. */
  readonly allWeightNames: string[][];

  constructor(
    mode: RNNMode,
    inputSize: number,
    hiddenSize: number,
    options?: RNNOptions & { projSize?: number },
  ) {
    super();
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = options?.numLayers ?? 1;
    this.bias = options?.bias ?? true;
    this.batchFirst = options?.batchFirst ?? false;
    this.dropout = options?.dropout ?? 0;
    this.bidirectional = options?.bidirectional ?? false;
    this.projSize = options?.projSize ?? 0;
    const dropout = this.dropout;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new torch.ValueError(
        'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
      );
    }
    if (!Number.isInteger(hiddenSize) || hiddenSize < 0) {
      throw new TypeError(
        `hidden_size should be of type int, got: ${typeof hiddenSize === 'number' ? 'float' : typeof hiddenSize}`,
      );
    }
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) {
      throw new torch.ValueError('num_layers must be greater than zero');
    }
    if (this.projSize < 0) {
      throw new torch.ValueError('proj_size should be a positive integer or zero to disable projections');
    }
    if (this.projSize >= hiddenSize)
      throw new torch.ValueError('proj_size has to be smaller than hidden_size');
    if (this.projSize !== 0 && mode !== 'LSTM') {
      throw new torch.ValueError('proj_size argument is only supported for LSTM, not RNN or GRU');
    }
    const gateSize = GATE_MULTIPLIERS[mode] * hiddenSize;
    const numDirections = this.bidirectional ? 2 : 1;
    const realHiddenSize = this.projSize > 0 ? this.projSize : hiddenSize;
    const factory = { dtype: options?.dtype, device: options?.device };
    this.allWeightNames = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let direction = 0; direction < numDirections; direction++) {
        const layerInputSize = layer === 0 ? inputSize : realHiddenSize * numDirections;
        const suffix = direction === 1 ? '_reverse' : '';
        const entries: [string, number[]][] = [
          [`weight_ih_l${layer}${suffix}`, [gateSize, layerInputSize]],
          [`weight_hh_l${layer}${suffix}`, [gateSize, realHiddenSize]],
        ];
        if (this.bias) {
          entries.push(
            [`bias_ih_l${layer}${suffix}`, [gateSize]],
            [`bias_hh_l${layer}${suffix}`, [gateSize]],
          );
        }
        if (this.projSize > 0) entries.push([`weight_hr_l${layer}${suffix}`, [this.projSize, hiddenSize]]);
        for (const [name, shape] of entries) {
          this.registerParameter(name, new Parameter(torch.empty(shape, factory)));
        }
        this.allWeightNames.push(entries.map(([name]) => name));
      }
    }
    this.resetParameters();
  }

  /** Re-draws every parameter from `U(-1/√hidden, 1/√hidden)`, in registration order (as PyTorch). */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const weight of this.parameters()) init.uniform_(weight, -stdv, stdv);
  }

  private layerWeights(layer: number, direction: number): LayerWeights {
    const suffix = direction === 1 ? '_reverse' : '';
    const get = (name: string): Tensor | null => this._parameters.get(`${name}_l${layer}${suffix}`) ?? null;
    return {
      weightIh: get('weight_ih')!,
      weightHh: get('weight_hh')!,
      biasIh: get('bias_ih'),
      biasHh: get('bias_hh'),
      weightHr: get('weight_hr'),
    };
  }

  /** PyTorch's `check_input`: packed data is `[sum(lengths), H_in]`, a padded batch `[L, N, H_in]`. */
  private checkInput(input: Tensor, isPacked: boolean): void {
    const expectedDim = isPacked ? 2 : 3;
    if (input.dim() !== expectedDim) {
      throw new torch.RuntimeError(`input must have ${expectedDim} dimensions, got ${input.dim()}`);
    }
    if (input.size(-1) !== this.inputSize) {
      throw new torch.RuntimeError(
        `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.size(-1)}`,
      );
    }
  }

  private checkHidden(hx: Tensor, expected: number[], message: string): void {
    if (hx.shape.join(',') !== expected.join(',')) {
      throw new torch.RuntimeError(`${message} ${pyShape(expected)}, got [${hx.shape.join(', ')}]`);
    }
  }

  /** PyTorch's rank checks of user-given states against a padded input (packed input has no unbatched form). */
  private checkHiddenRank(isBatched: boolean, states: readonly Tensor[]): void {
    const expectedDim = isBatched ? 3 : 2;
    const inputKind = isBatched ? 'batched 3-D' : 'unbatched 2-D';
    if (this.mode === 'LSTM') {
      const [h, c] = states as [Tensor, Tensor];
      if (h.dim() !== expectedDim || c.dim() !== expectedDim) {
        throw new torch.RuntimeError(
          `For ${inputKind} input, hx and cx should also be ${expectedDim}-D but got (${h.dim()}-D, ${c.dim()}-D) tensors`,
        );
      }
    } else if (states[0]!.dim() !== expectedDim) {
      throw new torch.RuntimeError(
        `For ${inputKind} input, hx should also be ${expectedDim}-D but got ${states[0]!.dim()}-D tensor`,
      );
    }
  }

  /** The initial states for a batch of `batch` sequences: the user's (checked against PyTorch's shapes) or zeros. */
  private initialStates(input: Tensor, batch: number, states: Tensor[] | null): Tensor[] {
    const numDirections = this.bidirectional ? 2 : 1;
    const realHiddenSize = this.projSize > 0 ? this.projSize : this.hiddenSize;
    const hShape = [this.numLayers * numDirections, batch, realHiddenSize];
    const cShape = [this.numLayers * numDirections, batch, this.hiddenSize];
    if (states === null) {
      const factory = { dtype: input.dtype, device: input.device };
      return this.mode === 'LSTM'
        ? [torch.zeros(hShape, factory), torch.zeros(cShape, factory)]
        : [torch.zeros(hShape, factory)];
    }
    if (this.mode === 'LSTM') {
      this.checkHidden(states[0]!, hShape, 'Expected hidden[0] size');
      this.checkHidden(states[1]!, cShape, 'Expected hidden[1] size');
    } else {
      this.checkHidden(states[0]!, hShape, 'Expected hidden size');
    }
    return states;
  }

  /** One step of the recurrence on the running sequences: the new states (`[h]`, or `[h, c]` for LSTM). */
  private step(x: Tensor, state: readonly Tensor[], weights: LayerWeights): Tensor[] {
    const { weightIh, weightHh, biasIh, biasHh, weightHr } = weights;
    switch (this.mode) {
      case 'RNN_TANH':
        return [rnnTanhCell(x, state[0]!, weightIh, weightHh, biasIh, biasHh)];
      case 'RNN_RELU':
        return [rnnReluCell(x, state[0]!, weightIh, weightHh, biasIh, biasHh)];
      case 'LSTM':
        return lstmCell(x, [state[0]!, state[1]!], weightIh, weightHh, biasIh, biasHh, weightHr);
      case 'GRU':
        return [gruCell(x, state[0]!, weightIh, weightHh, biasIh, biasHh)];
    }
  }

  /**
   * Runs one direction of one layer over packed `data` (see NOTE [One recurrence for padded and packed input]) from
   * the initial states `initial` (`[batchSizes[0], H]` each); returns the packed outputs and each sequence's final
   * states.
   */
  private runDirection(
    data: Tensor,
    batchSizes: readonly number[],
    initial: readonly Tensor[],
    weights: LayerWeights,
    reverse: boolean,
  ): { output: Tensor; hidden: Tensor[] } {
    const steps = batchSizes.length;
    const outputs: Tensor[] = new Array(steps);
    // Keeps the first `count` rows of each state; the whole state as is when nothing is cut off.
    const firstRows = (state: readonly Tensor[], count: number): Tensor[] =>
      state.map((rows) => (rows.size(0) === count ? rows : rows.narrow(0, 0, count)));
    if (reverse) {
      // Each sequence starts at its own last element: a sequence's initial state joins when the step it ends on is
      // reached, walking back from the last step (where only the longest sequences are running).
      let offset = data.size(0);
      let running = batchSizes[steps - 1] ?? 0;
      let state = firstRows(initial, running);
      for (let t = steps - 1; t >= 0; t--) {
        const batch = batchSizes[t]!;
        if (batch > running) {
          state = state.map((rows, k) =>
            torch.cat([rows, initial[k]!.narrow(0, running, batch - running)], 0),
          );
        }
        offset -= batch;
        state = this.step(data.narrow(0, offset, batch), state, weights);
        outputs[t] = state[0]!;
        running = batch;
      }
      return { output: torch.cat(outputs, 0), hidden: state };
    }
    // Going forward, the rows of sequences that end are set aside as their final states; those set aside later
    // belong to longer sequences, i.e. to lower rows, so they come first when the final states are put back together.
    const ended: Tensor[][] = [];
    let offset = 0;
    let running = batchSizes[0] ?? 0;
    let state = firstRows(initial, running);
    for (let t = 0; t < steps; t++) {
      const batch = batchSizes[t]!;
      if (batch < running) {
        ended.push(state.map((rows) => rows.narrow(0, batch, running - batch)));
        state = firstRows(state, batch);
      }
      state = this.step(data.narrow(0, offset, batch), state, weights);
      outputs[t] = state[0]!;
      offset += batch;
      running = batch;
    }
    ended.reverse();
    const hidden =
      ended.length === 0
        ? state
        : state.map((rows, k) => torch.cat([rows, ...ended.map((part) => part[k]!)], 0));
    return { output: torch.cat(outputs, 0), hidden };
  }

  /**
   * Runs every layer and direction over packed `data` (`[sum(batchSizes), H_in]`, sequences sorted longest first)
   * from `states` (`[numLayers * numDirections, batchSizes[0], H]` each); returns the last layer's packed outputs and
   * the final states in the same row order.
   */
  private runLayers(
    data: Tensor,
    batchSizes: readonly number[],
    states: readonly Tensor[],
  ): { output: Tensor; hidden: Tensor[] } {
    const numDirections = this.bidirectional ? 2 : 1;
    const initial = states.map((state) => state.unbind(0));
    const finals: Tensor[][] = states.map(() => []);
    let layerInput = data;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const directionOutputs: Tensor[] = [];
      for (let direction = 0; direction < numDirections; direction++) {
        const index = layer * numDirections + direction;
        const result = this.runDirection(
          layerInput,
          batchSizes,
          initial.map((perLayer) => perLayer[index]!),
          this.layerWeights(layer, direction),
          direction === 1,
        );
        directionOutputs.push(result.output);
        result.hidden.forEach((state, k) => {
          finals[k]!.push(state);
        });
      }
      layerInput = numDirections === 1 ? directionOutputs[0]! : torch.cat(directionOutputs, -1);
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) {
        layerInput = F.dropout(layerInput, this.dropout, true);
      }
    }
    return { output: layerInput, hidden: finals.map((perState) => torch.stack(perState, 0)) };
  }

  /**
   * Runs the layers over a padded `input` (`[L, N, H_in]`, `[N, L, H_in]` with `batchFirst`, or unbatched
   * `[L, H_in]`) from the initial states `hx` (one tensor, or `[h0, c0]` for LSTM; zeros when omitted). Returns the
   * last layer's outputs and the final states.
   */
  protected run(input: Tensor, hx: Tensor[] | null): { output: Tensor; hidden: Tensor[] } {
    const isBatched = input.dim() === 3;
    const batchDim = this.batchFirst ? 0 : 1;
    let x = isBatched ? input : input.unsqueeze(batchDim);
    let states = hx;
    if (states !== null) {
      this.checkHiddenRank(isBatched, states);
      if (!isBatched) states = states.map((state) => state.unsqueeze(1));
    }
    this.checkInput(x, false);
    if (this.batchFirst) x = x.transpose(0, 1);
    const [length, batch] = [x.size(0), x.size(1)];
    states = this.initialStates(x, batch, states);
    if (length === 0) throw new torch.RuntimeError('Expected sequence length to be larger than 0 in RNN');
    const result = this.runLayers(
      x.reshape([length * batch, this.inputSize]),
      new Array<number>(length).fill(batch),
      states,
    );
    let output = result.output.reshape([length, batch, result.output.size(-1)]);
    if (this.batchFirst) output = output.transpose(0, 1);
    let hidden = result.hidden;
    if (!isBatched) {
      output = output.squeeze(batchDim);
      hidden = hidden.map((state) => state.squeeze(1));
    }
    return { output, hidden };
  }

  /**
   * Runs the layers over a `PackedSequence` from the initial states `hx` (in the caller's batch order, as PyTorch's
   * `permute_hidden` expects); returns a `PackedSequence` with the input's `batchSizes`, `sortedIndices` and
   * `unsortedIndices`, and the final states in the caller's batch order.
   */
  protected runPacked(
    input: PackedSequence,
    hx: Tensor[] | null,
  ): { output: PackedSequence; hidden: Tensor[] } {
    const { data, sortedIndices, unsortedIndices } = input;
    const batchSizes = (input.batchSizes.tolist() as number[]).map(Number);
    // The packed rows are sorted longest first, the caller's states are not: bring them into the rows' order here
    // and the final states back out below, so `enforceSorted: false` packs work end to end.
    let states = hx;
    if (states !== null && sortedIndices !== null)
      states = states.map((state) => state.indexSelect(1, sortedIndices));
    this.checkInput(data, true);
    states = this.initialStates(data, batchSizes[0] ?? 0, states);
    const result = this.runLayers(data, batchSizes, states);
    const hidden =
      unsortedIndices === null
        ? result.hidden
        : result.hidden.map((state) => state.indexSelect(1, unsortedIndices));
    return {
      output: new PackedSequence(result.output, input.batchSizes, sortedIndices, unsortedIndices),
      hidden,
    };
  }

  /** `run` or `runPacked`, whichever fits the input. */
  protected runAny(
    input: Tensor | PackedSequence,
    hx: Tensor[] | null,
  ): { output: Tensor | PackedSequence; hidden: Tensor[] } {
    return input instanceof PackedSequence ? this.runPacked(input, hx) : this.run(input, hx);
  }

  /** `forward` of the modes with one state tensor (`RNN`, `GRU`): `[output, hN]` from `runAny`. */
  protected runSingleState(
    input: Tensor | PackedSequence,
    hx: Tensor | null | undefined,
  ): [Tensor | PackedSequence, Tensor] {
    const { output, hidden } = this.runAny(input, hx === undefined || hx === null ? null : [hx]);
    return [output, hidden[0]!];
  }

  override extraRepr(): string {
    let text = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) text += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) text += `, num_layers=${this.numLayers}`;
    if (!this.bias) text += ', bias=False';
    if (this.batchFirst) text += ', batch_first=True';
    if (this.dropout !== 0) text += `, dropout=${this.dropout}`;
    if (this.bidirectional) text += ', bidirectional=True';
    return text;
  }
}

/**
 * Elman RNN, `h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)` (or ReLU). `forward(input, h0?)` returns
 * `[output, hN]`; given a `PackedSequence` it returns a `PackedSequence` (same `batchSizes` and indices) and each
 * sequence's final state, `h0` and `hN` being in the original batch order (PyTorch's `permute_hidden`).
 *
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hn] = rnn.call(torch.randn(5, 3, 10), torch.randn(2, 3, 20));
 * const packed = utils.rnn.packPaddedSequence(torch.randn(5, 3, 10), [5, 2, 4], { enforceSorted: false });
 * const [packedOutput, hnPacked] = rnn.call(packed); // hnPacked[:, b] is sequence b's state at its own last step
 * ```
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(
    inputSize: number,
    hiddenSize: number,
    options?: RNNOptions & { nonlinearity?: 'tanh' | 'relu' },
  ) {
    const nonlinearity = options?.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new torch.ValueError(`Unknown nonlinearity '${nonlinearity}'`);
    }
    rejectProjSize(options);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  /** `[output, hN]` for a padded batch, `[PackedSequence, hN]` for a packed one. */
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    return this.runSingleState(input, hx);
  }

  /**
   * `forward` with the module's hooks, typed for both kinds of input (the last signature is `Module.call`'s, which
   * the override has to keep).
   */
  override call(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override call(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override call(...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  override call(...args: unknown[]): unknown {
    return super.call(...(args as Parameters<this['forward']>));
  }
}

/**
 * Long short-term memory. `forward(input, [h0, c0]?)` returns `[output, [hN, cN]]`, or `[PackedSequence, [hN, cN]]`
 * for a `PackedSequence` input (as `RNN`); `projSize` adds PyTorch's projections (`weight_hr_l{k}`), making `h` of
 * size `projSize`.
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions & { projSize?: number }) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  /** `[output, [hN, cN]]` for a padded batch, `[PackedSequence, [hN, cN]]` for a packed one. */
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(
    input: PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [PackedSequence, [Tensor, Tensor]];
  override forward(
    input: Tensor | PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const { output, hidden } = this.runAny(input, hx === undefined || hx === null ? null : [hx[0], hx[1]]);
    return [output, [hidden[0]!, hidden[1]!]];
  }

  /**
   * `forward` with the module's hooks, typed for both kinds of input (the last signature is `Module.call`'s, which
   * the override has to keep).
   */
  override call(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override call(
    input: PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [PackedSequence, [Tensor, Tensor]];
  override call(...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  override call(...args: unknown[]): unknown {
    return super.call(...(args as Parameters<this['forward']>));
  }
}

/**
 * Gated recurrent unit. `forward(input, h0?)` returns `[output, hN]`, or `[PackedSequence, hN]` for a
 * `PackedSequence` input (as `RNN`).
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    rejectProjSize(options);
    super('GRU', inputSize, hiddenSize, options);
  }

  /** `[output, hN]` for a padded batch, `[PackedSequence, hN]` for a packed one. */
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    return this.runSingleState(input, hx);
  }

  /**
   * `forward` with the module's hooks, typed for both kinds of input (the last signature is `Module.call`'s, which
   * the override has to keep).
   */
  override call(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override call(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override call(...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  override call(...args: unknown[]): unknown {
    return super.call(...(args as Parameters<this['forward']>));
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Cells

/** Options of the cells. */
export interface RNNCellOptions extends FactoryOptions {
  bias?: boolean;
}

/**
 * Base of the cells (PyTorch's `RNNCellBase`): `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, all from
 * `U(-1/√hidden, 1/√hidden)`.
 */
export class RNNCellBase extends Module {
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  constructor(inputSize: number, hiddenSize: number, numChunks: number, options?: RNNCellOptions) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = options?.bias ?? true;
    const factory = { dtype: options?.dtype, device: options?.device };
    this.weight_ih = new Parameter(torch.empty([numChunks * hiddenSize, inputSize], factory));
    this.weight_hh = new Parameter(torch.empty([numChunks * hiddenSize, hiddenSize], factory));
    if (this.bias) {
      this.bias_ih = new Parameter(torch.empty([numChunks * hiddenSize], factory));
      this.bias_hh = new Parameter(torch.empty([numChunks * hiddenSize], factory));
    } else {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
    this.resetParameters();
  }

  /** Re-draws every parameter from `U(-1/√hidden, 1/√hidden)`. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const weight of this.parameters()) init.uniform_(weight, -stdv, stdv);
  }

  /** Checks the input's rank (1-D or 2-D) and returns whether it is batched. */
  protected checkRank(input: Tensor): boolean {
    if (input.dim() !== 1 && input.dim() !== 2) {
      throw new AssertionError(
        `${this._getName()}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`,
      );
    }
    return input.dim() === 2;
  }

  /**
   * The input and single hidden state of `RNNCell`/`GRUCell` as batched tensors (`hx` defaulting to zeros), checked
   * by {@link checkRank} and {@link checkForward}; `isBatched` says whether the input already was.
   */
  protected batchedInputAndHidden(
    input: Tensor,
    hx: Tensor | null | undefined,
  ): { isBatched: boolean; x: Tensor; h: Tensor } {
    const isBatched = this.checkRank(input);
    const x = isBatched ? input : input.unsqueeze(0);
    const h =
      hx === undefined || hx === null
        ? torch.zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device })
        : isBatched
          ? hx
          : hx.unsqueeze(0);
    this.checkForward(x, h, '0');
    return { isBatched, x, h };
  }

  /** ATen's `check_rnn_cell_forward_input` / `_hidden` on batched tensors. */
  protected checkForward(input: Tensor, hx: Tensor, hiddenLabel: string): void {
    if (input.size(1) !== this.inputSize) {
      throw new torch.RuntimeError(
        `input has inconsistent input_size: got ${input.size(1)} expected ${this.inputSize}`,
      );
    }
    if (input.size(0) !== hx.size(0)) {
      throw new torch.RuntimeError(
        `Input batch size ${input.size(0)} doesn't match hidden${hiddenLabel} batch size ${hx.size(0)}`,
      );
    }
    if (hx.size(1) !== this.hiddenSize) {
      throw new torch.RuntimeError(
        `hidden${hiddenLabel} has inconsistent hidden_size: got ${hx.size(1)}, expected ${this.hiddenSize}`,
      );
    }
  }

  override extraRepr(): string {
    let text = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) text += ', bias=False';
    const nonlinearity = (this as { nonlinearity?: string }).nonlinearity;
    if (nonlinearity !== undefined && nonlinearity !== 'tanh') text += `, nonlinearity=${nonlinearity}`;
    return text;
  }
}

/** One Elman RNN step: `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (or ReLU). `forward(input, hx?)` returns `h'`. */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: string;

  constructor(
    inputSize: number,
    hiddenSize: number,
    options?: RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' },
  ) {
    super(inputSize, hiddenSize, 1, options);
    this.nonlinearity = options?.nonlinearity ?? 'tanh';
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { isBatched, x, h } = this.batchedInputAndHidden(input, hx);
    let out: Tensor;
    if (this.nonlinearity === 'tanh') {
      out = rnnTanhCell(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    } else if (this.nonlinearity === 'relu') {
      out = rnnReluCell(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    } else {
      throw new torch.RuntimeError(`Unknown nonlinearity: ${this.nonlinearity}`);
    }
    return isBatched ? out : out.squeeze(0);
  }
}

/** One LSTM step. `forward(input, [hx, cx]?)` returns `[h', c']`. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    super(inputSize, hiddenSize, 4, options);
  }

  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const isBatched = this.checkRank(input);
    const x = isBatched ? input : input.unsqueeze(0);
    let state: [Tensor, Tensor];
    if (hx === undefined || hx === null) {
      const zeros = torch.zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device });
      state = [zeros, zeros];
    } else {
      state = isBatched ? [hx[0], hx[1]] : [hx[0].unsqueeze(0), hx[1].unsqueeze(0)];
    }
    this.checkForward(x, state[0], '0');
    this.checkForward(x, state[1], '1');
    const [h, c] = lstmCell(x, state, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
  }
}

/** One GRU step. `forward(input, hx?)` returns `h'`. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    super(inputSize, hiddenSize, 3, options);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const { isBatched, x, h } = this.batchedInputAndHidden(input, hx);
    const out = gruCell(x, h, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return isBatched ? out : out.squeeze(0);
  }
}
