/**
 * `utils.rnn` against PyTorch 1.13 (fixtures/utils.json from scripts/gen-nn-goldens-3.py): padded outputs, packed
 * data, batch sizes, sorted/unsorted indices (ties included), lengths, gradients and error messages match.
 */
import type { Tensor } from '@proj/tensor';
import * as torch from '@proj/tensor';
import '@proj/autograd';
import { describe, expect, test } from 'vitest';
import { decode, type EncodedTensor, expectClose, fixture } from '../testing/golden.test-helpers.js';
import { PackedSequence, packPaddedSequence, packSequence, padPackedSequence, padSequence } from './rnn.js';

interface EncodedPacked {
  data: EncodedTensor;
  batchSizes: EncodedTensor;
  sortedIndices: EncodedTensor | null;
  unsortedIndices: EncodedTensor | null;
}

interface Fixture {
  rnn: {
    padSequence: {
      batchFirst: boolean;
      paddingValue: number;
      inputs: EncodedTensor[];
      output: EncodedTensor;
      upstream: EncodedTensor;
      grads: EncodedTensor[];
    }[];
    packPadded: {
      batchFirst: boolean;
      enforceSorted: boolean;
      lengths: number[];
      input: EncodedTensor;
      packed: EncodedPacked;
      upstream: EncodedTensor;
      grad: EncodedTensor;
      padded: {
        paddingValue: number;
        totalLength: number | null;
        output: EncodedTensor;
        lengths: EncodedTensor;
        upstream: EncodedTensor;
        grad: EncodedTensor;
      }[];
    }[];
    packSequence: { enforceSorted: boolean; inputs: EncodedTensor[]; packed: EncodedPacked }[];
    errors: Record<string, string>;
  };
}

const data = fixture<Fixture>('utils').rnn;

function expectPacked(actual: PackedSequence, expected: EncodedPacked, what: string): void {
  expectClose(actual.data, expected.data, `${what}: data`);
  expectClose(actual.batchSizes, expected.batchSizes, `${what}: batchSizes`);
  expect(actual.batchSizes.dtype).toBe('int64');
  for (const key of ['sortedIndices', 'unsortedIndices'] as const) {
    const want = expected[key];
    if (want === null) expect(actual[key], `${what}: ${key}`).toBeNull();
    else expectClose(actual[key], want, `${what}: ${key}`);
  }
}

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('padSequence', () => {
  for (const c of data.padSequence) {
    test(`batchFirst=${c.batchFirst} paddingValue=${c.paddingValue}`, () => {
      const inputs = c.inputs.map((e) => decode(e).requiresGrad_());
      const out = padSequence(inputs, { batchFirst: c.batchFirst, paddingValue: c.paddingValue });
      expectClose(out, c.output, 'output');
      out.mul(decode(c.upstream)).sum().backward();
      for (const [i, x] of inputs.entries()) expectClose(x.grad, c.grads[i]!, `grad ${i}`);
    });
  }

  test("paddingSide 'left' puts the padding before each sequence", () => {
    const a = torch.tensor([1, 2, 3]);
    const b = torch.tensor([4]);
    expect(padSequence([a, b], { paddingSide: 'left', batchFirst: true }).tolist()).toEqual([
      [1, 2, 3],
      [0, 0, 4],
    ]);
    expect(padSequence([a, b], { paddingValue: -1 }).tolist()).toEqual([
      [1, 4],
      [2, -1],
      [3, -1],
    ]);
  });
});

describe('packPaddedSequence / padPackedSequence', () => {
  for (const c of data.packPadded) {
    test(`batchFirst=${c.batchFirst} enforceSorted=${c.enforceSorted} lengths=${c.lengths}`, () => {
      const x = decode(c.input).requiresGrad_();
      const options = { batchFirst: c.batchFirst, enforceSorted: c.enforceSorted };
      const packed = packPaddedSequence(x, torch.tensor(c.lengths, { dtype: 'int64' }), options);
      expectPacked(packed, c.packed, 'packed');
      packed.data.mul(decode(c.upstream)).sum().backward();
      expectClose(x.grad, c.grad, 'input grad');
      // Plain-array lengths give the same packing.
      expectPacked(packPaddedSequence(x.detach(), c.lengths, options), c.packed, 'packed from array');
      for (const p of c.padded) {
        const source = packed.data.detach().requiresGrad_();
        const sequence = new PackedSequence(
          source,
          packed.batchSizes,
          packed.sortedIndices,
          packed.unsortedIndices,
        );
        const [padded, lengths] = padPackedSequence(sequence, {
          batchFirst: c.batchFirst,
          paddingValue: p.paddingValue,
          totalLength: p.totalLength,
        });
        expectClose(padded, p.output, 'padded');
        expectClose(lengths, p.lengths, 'lengths');
        padded.mul(decode(p.upstream)).sum().backward();
        expectClose(source.grad, p.grad, 'packed data grad');
      }
    });
  }

  test('PackedSequence derives unsortedIndices from sortedIndices', () => {
    const sequence = new PackedSequence(torch.zeros([3]), torch.tensor([2, 1]), torch.tensor([1, 2, 0]));
    expect(sequence.unsortedIndices?.tolist()).toEqual([2, 0, 1]);
    expect(new PackedSequence(torch.zeros([3]), torch.tensor([2, 1])).unsortedIndices).toBeNull();
  });

  test('errors match PyTorch', () => {
    const x = torch.randn([4, 3, 2]);
    expect(errorText(() => packPaddedSequence(x, [2, 4, 1]))).toBe(data.errors.unsorted);
    expect(errorText(() => packPaddedSequence(x, [4, 2, 0], { enforceSorted: false }))).toBe(
      data.errors.zeroLength,
    );
    expect(errorText(() => padPackedSequence(packPaddedSequence(x, [4, 2, 1]), { totalLength: 3 }))).toBe(
      data.errors.totalLength,
    );
  });
});

describe('packSequence', () => {
  for (const c of data.packSequence) {
    test(`enforceSorted=${c.enforceSorted}`, () => {
      const inputs: Tensor[] = c.inputs.map(decode);
      expectPacked(packSequence(inputs, { enforceSorted: c.enforceSorted }), c.packed, 'packed');
    });
  }
});

test('exported as nn.utils', async () => {
  const nn = await import('../index.js');
  expect(nn.utils.rnn.packSequence).toBe(packSequence);
  expect(nn.utils.rnn.PackedSequence).toBe(PackedSequence);
  expect(typeof nn.utils.weightNorm).toBe('function');
  expect(typeof nn.utils.spectralNorm).toBe('function');
});
