/**
 * `Generator`: PyTorch's CPUGeneratorImpl (aten/src/ATen/CPUGeneratorImpl.cpp) — an MT19937 engine plus the cached
 * second Box-Muller samples that the scalar normal path keeps between calls — and the module-level default
 * generator behind `manualSeed`, `seed`, `initialSeed`, `getRngState` and `setRngState`.
 *
 * The default generator starts from PyTorch's default seed, 67280421310721 (`default_rng_seed_val`), so a program
 * that never seeds still draws the same numbers on every run, and the same numbers as an unseeded PyTorch program.
 */

import type { MT19937Data } from './mt19937.js';
import { MERSENNE_STATE_N, MT19937 } from './mt19937.js';

/** PyTorch's `default_rng_seed_val`: the seed every generator starts from until it is seeded. */
export const DEFAULT_RNG_SEED = 67280421310721n;

/** Byte size of PyTorch's legacy state (`CPUGeneratorImplStateLegacy`), still accepted by `setState`. */
export const RNG_STATE_SIZE_LEGACY = 5048;
/** Byte size of PyTorch's current state (`CPUGeneratorImplState`), what `getState` returns. */
export const RNG_STATE_SIZE = 5056;

// Byte offsets in CPUGeneratorImplState (x86-64 layout, little-endian), so states move between PyTorch and us.
const OFFSET_SEED = 0;
const OFFSET_LEFT = 8;
const OFFSET_SEEDED = 12;
const OFFSET_NEXT = 16;
const OFFSET_STATE = 24; // 624 uint64 words
const OFFSET_NORMAL_X = 5016;
const OFFSET_NORMAL_Y = 5024;
const OFFSET_NORMAL_RHO = 5032;
const OFFSET_NORMAL_IS_VALID = 5040;
const OFFSET_NEXT_FLOAT_NORMAL = 5048;
const OFFSET_NEXT_FLOAT_NORMAL_IS_VALID = 5052;

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Converts a seed as `torch.manual_seed` does: any integer in [-2^63, 2^64), negatives taken as two's complement. */
function seedToUint64(seed: number | bigint): bigint {
  let value: bigint;
  if (typeof seed === 'bigint') {
    value = seed;
  } else if (typeof seed === 'number') {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`manual_seed expected an integer seed, but got ${seed}`);
    }
    value = BigInt(seed);
  } else {
    throw new TypeError(`manual_seed expected a long, but got ${typeof seed}`);
  }
  if (value > UINT64_MAX || value < INT64_MIN) throw new RangeError('Overflow when unpacking long');
  return BigInt.asUintN(64, value);
}

/** 64 bits from the platform's cryptographic source, as `getNonDeterministicRandom` reads /dev/urandom. */
function nonDeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}

/** Options of `new Generator`. */
export interface GeneratorOptions {
  /** The device the generator serves; `'cpu'` (the default) is the only one whose draws match PyTorch's here. */
  device?: string;
}

/**
 * A pseudo-random number generator with PyTorch's CPU semantics: `torch.Generator`. Samplers in `sampling.ts`
 * draw from `random()` / `random64()` and use the normal-sample caches exactly as ATen's kernels do.
 */
export class Generator {
  /** The device this generator serves (`torch.Generator.device`). */
  readonly device: string;
  /** The MT19937 engine; samplers call `random()`/`random64()` instead of touching it. */
  readonly engine: MT19937;
  /** Second Box-Muller sample cached by `normal_distribution<float>` (`next_float_normal_sample_`), or null. */
  nextFloatNormalSample: number | null = null;
  /** Second Box-Muller sample cached by `normal_distribution<double>` (`next_double_normal_sample_`), or null. */
  nextDoubleNormalSample: number | null = null;

  /** A generator seeded with PyTorch's default seed, 67280421310721. */
  constructor(options: GeneratorOptions = {}) {
    this.device = options.device ?? 'cpu';
    this.engine = new MT19937(DEFAULT_RNG_SEED);
  }

  /** Seeds the generator (`Generator.manual_seed`) and clears the cached normal samples. */
  manualSeed(seed: number | bigint): this {
    const value = seedToUint64(seed);
    this.nextFloatNormalSample = null;
    this.nextDoubleNormalSample = null;
    this.engine.seed(value);
    return this;
  }

  /** Seeds from a non-deterministic 64-bit source (`Generator.seed`) and returns that seed. */
  seed(): bigint {
    const value = nonDeterministicSeed();
    this.manualSeed(value);
    return value;
  }

  /** The seed last set (`Generator.initial_seed`), as an unsigned 64-bit integer. */
  initialSeed(): bigint {
    return this.engine.initialSeed();
  }

  /** One 32-bit draw in [0, 2^32) (`CPUGeneratorImpl::random`). */
  random(): number {
    return this.engine.random();
  }

  /** One 64-bit draw, the first 32-bit draw as the high word (`CPUGeneratorImpl::random64`). */
  random64(): bigint {
    return this.engine.random64();
  }

  /**
   * The full state as PyTorch's 5056-byte `CPUGeneratorImplState` (`Generator.get_state`), byte for byte the
   * layout `torch.get_rng_state()` returns, so states can be exchanged with PyTorch.
   */
  getState(): Uint8Array {
    const bytes = new Uint8Array(RNG_STATE_SIZE);
    const view = new DataView(bytes.buffer);
    const data = this.engine.data();
    view.setBigUint64(OFFSET_SEED, data.seed, true);
    view.setInt32(OFFSET_LEFT, data.left, true);
    view.setInt32(OFFSET_SEEDED, data.seeded ? 1 : 0, true);
    view.setBigUint64(OFFSET_NEXT, BigInt(data.next), true);
    for (let i = 0; i < MERSENNE_STATE_N; i++) {
      // uint64 words whose high half is zero
      view.setUint32(OFFSET_STATE + 8 * i, data.state[i]!, true);
    }
    // normal_x and normal_rho are legacy dummies that PyTorch writes as 0.
    if (this.nextDoubleNormalSample !== null) {
      view.setInt32(OFFSET_NORMAL_IS_VALID, 1, true);
      view.setFloat64(OFFSET_NORMAL_Y, this.nextDoubleNormalSample, true);
    }
    if (this.nextFloatNormalSample !== null) {
      view.setUint8(OFFSET_NEXT_FLOAT_NORMAL_IS_VALID, 1);
      view.setFloat32(OFFSET_NEXT_FLOAT_NORMAL, this.nextFloatNormalSample, true);
    }
    return bytes;
  }

  /**
   * Restores a state from `getState` or from PyTorch (`Generator.set_state`). Accepts the current 5056-byte
   * layout and the legacy 5048-byte one; anything else, or an engine state that could not come from MT19937,
   * throws PyTorch's error and leaves the generator unchanged.
   */
  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array)) throw new TypeError('RNG state must be a torch.ByteTensor');
    const size = state.byteLength;
    if (size !== RNG_STATE_SIZE && size !== RNG_STATE_SIZE_LEGACY) {
      throw new Error(
        `Expected either a CPUGeneratorImplStateLegacy of size ${RNG_STATE_SIZE_LEGACY} or a CPUGeneratorImplState ` +
          `of size ${RNG_STATE_SIZE} but found the input RNG state size to be ${size}`,
      );
    }
    const view = new DataView(state.buffer, state.byteOffset, size);
    let floatSample: number | null = null;
    let doubleSample: number | null = null;
    const normalIsValid = view.getInt32(OFFSET_NORMAL_IS_VALID, true) !== 0;
    if (size === RNG_STATE_SIZE_LEGACY) {
      // The legacy layout cached Box-Muller's intermediates; PyTorch turns them into the sine sample.
      if (normalIsValid) {
        const rho = view.getFloat64(OFFSET_NORMAL_RHO, true);
        const theta = 2.0 * Math.PI * view.getFloat64(OFFSET_NORMAL_X, true);
        doubleSample = rho * Math.sin(theta);
      }
    } else {
      if (view.getUint8(OFFSET_NEXT_FLOAT_NORMAL_IS_VALID) !== 0) {
        floatSample = view.getFloat32(OFFSET_NEXT_FLOAT_NORMAL, true);
      }
      if (normalIsValid) doubleSample = view.getFloat64(OFFSET_NORMAL_Y, true);
    }
    const words = new Uint32Array(MERSENNE_STATE_N);
    for (let i = 0; i < MERSENNE_STATE_N; i++) {
      // PyTorch copies each uint64 word into a uint32 (truncating), so do we.
      words[i] = view.getUint32(OFFSET_STATE + 8 * i, true);
    }
    const data: MT19937Data = {
      seed: view.getBigUint64(OFFSET_SEED, true),
      left: view.getInt32(OFFSET_LEFT, true),
      seeded: view.getInt32(OFFSET_SEEDED, true) !== 0,
      next: view.getUint32(OFFSET_NEXT, true), // static_cast<uint32_t> of the uint64 field
      state: words,
    };
    if (!MT19937.isValid(data)) throw new Error('Invalid mt19937 state');
    this.engine.setData(data);
    this.nextFloatNormalSample = floatSample;
    this.nextDoubleNormalSample = doubleSample;
    return this;
  }

  /** An independent copy with the same state (`Generator.clone_state`-like; handy for tests and workers). */
  clone(): Generator {
    const copy = new Generator({ device: this.device });
    copy.setState(this.getState());
    return copy;
  }
}

/** The process-wide generator that sampling ops use when none is passed (`torch.default_generator`). */
export const defaultGenerator: Generator = new Generator();

/** Seeds the default generator and returns it (`torch.manual_seed`). */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** Seeds the default generator non-deterministically and returns the seed (`torch.seed`). */
export function seed(): bigint {
  return defaultGenerator.seed();
}

/** The default generator's seed (`torch.initial_seed`). */
export function initialSeed(): bigint {
  return defaultGenerator.initialSeed();
}

/** The default generator's state as PyTorch's 5056 bytes (`torch.get_rng_state`). */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}

/** Restores the default generator's state (`torch.set_rng_state`). */
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}
